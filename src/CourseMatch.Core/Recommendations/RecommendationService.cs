using System.Security.Cryptography;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Learners;
using CourseMatch.Places;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Recommendations;

/// <summary>
/// Candidates → features → ranker → tracks → learning path → reasons, stored as a plan with a share token.
/// </summary>
public sealed class RecommendationService(NpgsqlDataSource db, IRankerSource rankers)
{
    public const int PerTrack = 5;

    public sealed record Outcome(PlanDocument? Plan, Dictionary<string, string[]> Errors);

    public async Task<Outcome> RecommendAsync(ProfileInput input, CancellationToken ct = default, string? ownerId = null, int? learnerId = null)
    {
        var errors = input.Validate();
        if (errors.Count > 0) return new(null, errors);

        var profile = input.ToProfile();
        profile.OwnerId = ownerId;
        profile.LearnerId = learnerId;
        if (profile.City is { } city && profile.Country is { } country)
        {
            var place = await Gazetteer.FindAsync(db, city, country, ct);
            if (place is null)
            {
                var suggestions = await Gazetteer.SuggestAsync(db, city, country, ct);
                var hint = suggestions.Count > 0 ? $" Did you mean {string.Join(", ", suggestions)}?" : "";
                return new(null, new() { ["location.city"] = [$"We do not know a city called '{city}' in {country}.{hint}"] });
            }
            profile.PlaceId = place.Id;
            profile.City = place.Name;
        }
        if (await Gazetteer.UsdPerUnitAsync(db, profile.BudgetCurrency, ct) is null)
            return new(null, new() { ["budget.currency"] = [$"We have no exchange rate for {profile.BudgetCurrency}; use USD, EUR, GBP or another common currency."] });

        await using var context = CourseMatchDb.Create(db);
        context.LearnerProfiles.Add(profile);
        await context.SaveChangesAsync(ct);
        var plan = await GenerateAsync(context, profile, ct);
        return new(plan, []);
    }

    /// <summary>Ranks for a stored profile and stores the plan (also used to regenerate a plan).</summary>
    public async Task<PlanDocument> GenerateAsync(CourseMatchDb context, LearnerProfile profile, CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (profile.PlaceId is int placeId && profile.Place is null) profile.Place = await context.Places.FindAsync([placeId], ct);
        var learnerContext = await LearnerContext.ResolveAsync(db, profile, ct);
        var candidates = await new Candidates(db).FindAsync(profile, learnerContext, today, ct);

        var features = candidates.Select(c => FeatureVector.Compute(profile, c, today)).ToList();
        var ranker = await rankers.GetAsync(ct);
        var scores = features.Count == 0 ? [] : ranker.Score(features);
        var skillNames = await context.Skills.AsNoTracking().ToDictionaryAsync(s => s.Slug, s => s.Name, ct);

        var ranked = candidates.Select((c, i) => (Course: c, Score: (double)scores[i], Features: features[i])).ToList();
        var tracks = new Dictionary<Track, List<(CandidateCourse Course, double Score, float[] Features)>>
        {
            [Track.InPerson] = Top(ranked.Where(r => r.Course.IsInPerson && !r.Course.IsFree)),
            [Track.Online] = Top(ranked.Where(r => r.Course.Format == "Online" && !r.Course.IsFree)),
            [Track.Free] = Top(ranked.Where(r => r.Course.IsFree)),
        };

        var recommendation = new Recommendation
        {
            Token = NewToken(), ProfileId = profile.Id, Ranker = ranker.Kind, ModelVersionId = ranker.ModelVersionId,
        };
        foreach (var (track, picks) in tracks)
            recommendation.Items.AddRange(picks.Select((p, i) => new RecommendationItem
            {
                CourseId = p.Course.Id, Track = track, Rank = i + 1, Position = i + 1, Score = Math.Round(p.Score, 4),
                Reasons = Reasons.For(profile, p.Course, skillNames, profile.Place?.Name), Features = p.Features,
            }));

        var path = LearningPath.Order(tracks.Values.SelectMany(t => t).Select(p => (p.Course, p.Score)).DistinctBy(p => p.Course.Id).ToList(), profile.Skills);
        recommendation.Path = path.Select(c => c.Id).ToArray();
        recommendation.Reaches = profile.Skills.ToDictionary(s => s.Key,
            s => Math.Max(s.Value, path.Select(c => c.Teaches.GetValueOrDefault(s.Key)).DefaultIfEmpty(0).Max()));
        foreach (var track in tracks.Where(t => t.Value.Count == 0).Select(t => t.Key))
            recommendation.EmptyReasons[TrackKey(track)] = WhyEmpty(track, profile);

        context.Recommendations.Add(recommendation);
        await context.SaveChangesAsync(ct);
        return await LoadAsync(context, recommendation.Token, ct) ?? throw new InvalidOperationException("The plan just stored could not be read back.");
    }

    private static List<(CandidateCourse Course, double Score, float[] Features)> Top(IEnumerable<(CandidateCourse Course, double Score, float[] Features)> rows) =>
        rows.OrderByDescending(r => r.Score).ThenBy(r => r.Course.Id).Take(PerTrack).ToList();

    public static string TrackKey(Track t) => t switch { Track.InPerson => "inPerson", Track.Online => "online", _ => "free" };

    private static string WhyEmpty(Track track, LearnerProfile p)
    {
        var budget = p.BudgetStrict && p.BudgetAmount is decimal b ? $" within your {ProfileInput.Money(b, p.BudgetCurrency)} budget" : "";
        return track switch
        {
            Track.InPerson when p.Format == FormatPreference.Online => "You asked for online courses only.",
            Track.InPerson when p.PlaceId is null => "Tell us your city to see in-person courses near you.",
            Track.InPerson => $"No in-person course within {p.RadiusKm:#,0} km of {p.City}{budget} teaches what you still need.",
            Track.Online when p.Format == FormatPreference.InPerson => "You asked for in-person courses only.",
            Track.Online => $"No paid online course{budget} teaches what you still need in {Languages.Name(p.Language)}.",
            _ => p.Format == FormatPreference.InPerson
                ? $"No free in-person course within {p.RadiusKm:#,0} km of {p.City} teaches what you still need."
                : $"No free course in {Languages.Name(p.Language)} teaches what you still need.",
        };
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    /// <summary>The stored plan as a document, or null for an unknown token.</summary>
    public static async Task<PlanDocument?> LoadAsync(CourseMatchDb context, string token, CancellationToken ct = default)
    {
        if (token.Length is 0 or > 64) return null;
        var r = await context.Recommendations.AsNoTracking()
            .Include(x => x.Profile).ThenInclude(p => p.Place)
            .Include(x => x.Items).ThenInclude(i => i.Course).ThenInclude(c => c.Provider)
            .AsSplitQuery()
            .FirstOrDefaultAsync(x => x.Token == token, ct);
        if (r is null) return null;

        var skills = await context.Skills.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);
        PlanItem Item(RecommendationItem i, int rank) => new()
        {
            Slug = i.Course.Slug, Title = i.Course.Title, Provider = i.Course.Provider.Name, Rank = rank, Score = i.Score,
            Reasons = i.Reasons, Track = TrackKey(i.Track), Format = i.Course.Format.ToKebab(), Note = i.Note, Pinned = i.Pinned,
            Price = Display.Price(i.Course.Price, i.Course.Currency, i.Course.FreeToAudit),
            Place = i.Course.City is null ? null : Display.Place(i.Course.City, null, i.Course.Country),
        };
        // What the learner sees is the plan as the advisor left it: their order, without the picks they excluded.
        List<PlanItem> TrackItems(Track t) => r.Items.Where(i => i.Track == t && !i.Excluded).OrderBy(i => i.Position).ThenBy(i => i.Rank).Select(i => Item(i, i.Position)).ToList();

        var byCourse = r.Items.Where(i => !i.Excluded).GroupBy(i => i.CourseId).ToDictionary(g => g.Key, g => g.First());
        return new PlanDocument
        {
            Token = r.Token, ModelVersion = r.ModelVersionId, Ranker = r.Ranker, CreatedAt = r.CreatedAt, Advised = r.Profile.LearnerId is not null,
            Tracks = new PlanTracks(TrackItems(Track.InPerson), TrackItems(Track.Online), TrackItems(Track.Free)),
            EmptyTracks = r.EmptyReasons,
            Path = r.Path.Where(byCourse.ContainsKey).Select((id, i) => Item(byCourse[id], i + 1)).ToList(),
            Skills = skills.Select(s => new SkillProgress(s.Slug, s.Name, r.Profile.Level(s.Slug), r.Reaches.GetValueOrDefault(s.Slug, r.Profile.Level(s.Slug)))).ToList(),
        };
    }

    public static readonly string[] LearnerFeedbackKinds = ["saved", "dismissed", "helpful", "not-helpful"];

    /// <summary>Stores a learner's reaction to one pick of a plan. Returns an error message naming the field, or null.</summary>
    public static async Task<(string Field, string Message)?> RecordFeedbackAsync(CourseMatchDb context, string token, string? slug, string? kind, string who = "learner", CancellationToken ct = default)
    {
        if (kind is null || !LearnerFeedbackKinds.Contains(kind) || !EnumText.TryParse<FeedbackKind>(kind, out var k))
            return ("kind", $"kind must be one of: {string.Join(", ", LearnerFeedbackKinds)}.");
        var r = await context.Recommendations.AsNoTracking().Where(x => x.Token == token)
            .Select(x => new { x.Id, x.ProfileId, x.ModelVersionId, Items = x.Items.Select(i => new { i.CourseId, i.Course.Slug }) })
            .FirstOrDefaultAsync(ct);
        if (r is null) return ("token", "No plan has this token.");
        var item = r.Items.FirstOrDefault(i => i.Slug == slug);
        if (item is null) return ("slug", $"'{slug}' is not one of this plan's picks.");
        context.Feedback.Add(new Feedback
        {
            ProfileId = r.ProfileId, CourseId = item.CourseId, RecommendationId = r.Id, Kind = k, Who = who, ModelVersionId = r.ModelVersionId,
        });
        await context.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The latest feedback kind per course slug for a plan, to show what the learner already did.</summary>
    public static async Task<Dictionary<string, string>> FeedbackAsync(CourseMatchDb context, string token, CancellationToken ct = default) =>
        (await context.Feedback.AsNoTracking()
            .Where(f => context.Recommendations.Any(r => r.Token == token && r.Id == f.RecommendationId))
            .OrderBy(f => f.Id)
            .Select(f => new { Slug = context.Courses.Where(c => c.Id == f.CourseId).Select(c => c.Slug).First(), f.Kind })
            .ToListAsync(ct))
        .GroupBy(f => f.Slug).ToDictionary(g => g.Key, g => g.Last().Kind.ToKebab());
}
