using CourseMatch.Catalog;

namespace CourseMatch.Recommendations;

/// <summary>
/// The plan as the API returns it (POST /api/recommendations, GET /api/plans/{token}, coursematch recommend).
/// It carries facts, not formatted text: prices as amount and currency, places as city and country.
/// </summary>
public sealed record PlanDocument
{
    public required string Token { get; init; }
    /// <summary>The model version id that ranked the plan, or null when the rubric did.</summary>
    public int? ModelVersion { get; init; }
    public required string Ranker { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>The plan belongs to an advised learner: its order and notes are the advisor's.</summary>
    public bool Advised { get; init; }
    public required PlanTracks Tracks { get; init; }
    /// <summary>Why a track has no picks, keyed inPerson / online / free.</summary>
    public IReadOnlyDictionary<string, string> EmptyTracks { get; init; } = new Dictionary<string, string>();
    public required IReadOnlyList<PlanItem> Path { get; init; }
    /// <summary>Per skill: the learner's level now and the level the path reaches.</summary>
    public required IReadOnlyList<SkillProgress> Skills { get; init; }

    /// <summary>
    /// The one way a stored or just-ranked plan becomes a document: what the learner sees is the plan as the advisor
    /// left it, in their order, without the picks they excluded.
    /// </summary>
    internal static PlanDocument From(Recommendation r, bool advised, IReadOnlyDictionary<string, int> levels, SkillTaxonomy taxonomy,
        Func<int, PlanCourse> courseOf)
    {
        PlanItem Item(RecommendationItem i, int rank)
        {
            var c = courseOf(i.CourseId);
            return new PlanItem(c.Slug, c.Title, c.Provider, rank, i.Score, i.Reasons, RecommendationService.TrackKey(i.Track),
                c.Format, c.Price, c.Currency, c.FreeToAudit, c.PaidUnlisted, c.City, c.Country, i.Note, i.Pinned);
        }
        List<PlanItem> TrackItems(Track t) => r.Items.Where(i => i.Track == t && !i.Excluded)
            .OrderBy(i => i.Position).ThenBy(i => i.Rank).Select(i => Item(i, i.Position)).ToList();

        var shown = r.Items.Where(i => !i.Excluded).GroupBy(i => i.CourseId).ToDictionary(g => g.Key, g => g.First());
        return new PlanDocument
        {
            Token = r.Token, ModelVersion = r.ModelVersionId, Ranker = r.Ranker, CreatedAt = r.CreatedAt, Advised = advised,
            Tracks = new PlanTracks(TrackItems(Track.InPerson), TrackItems(Track.Online), TrackItems(Track.Free)),
            EmptyTracks = r.EmptyReasons,
            Path = r.Path.Where(shown.ContainsKey).Select((id, i) => Item(shown[id], i + 1)).ToList(),
            Skills = taxonomy.Skills.Select(s => new SkillProgress(s.Slug, s.Name, levels.GetValueOrDefault(s.Slug),
                r.Reaches.GetValueOrDefault(s.Slug, levels.GetValueOrDefault(s.Slug)))).ToList(),
        };
    }
}

/// <summary>The facts of a picked course that a plan shows.</summary>
internal sealed record PlanCourse(string Slug, string Title, string Provider, CourseFormat Format, decimal? Price, string? Currency,
    bool FreeToAudit, bool PaidUnlisted, string? City, string? Country);

public sealed record PlanTracks(IReadOnlyList<PlanItem> InPerson, IReadOnlyList<PlanItem> Online, IReadOnlyList<PlanItem> Free);

/// <summary>A pick: the facts of its course, where it ranks and why, and what the advisor added.</summary>
/// <param name="Price">The listed price (0 = free), or null when the provider does not list one.</param>
/// <param name="Currency">ISO 4217 code of <paramref name="Price"/>.</param>
/// <param name="PaidUnlisted">Paid, but the provider does not list the amount (<paramref name="Price"/> is null).</param>
/// <param name="Note">The advisor's note on this pick, if any (plain text).</param>
/// <param name="Pinned">The advisor pinned this pick at its rank.</param>
public sealed record PlanItem(
    string Slug, string Title, string Provider,
    int Rank, double Score, IReadOnlyList<string> Reasons, string Track,
    CourseFormat Format, decimal? Price, string? Currency, bool FreeToAudit, bool PaidUnlisted, string? City, string? Country,
    string? Note, bool Pinned);

public sealed record SkillProgress(string Slug, string Name, int Now, int Reaches);
