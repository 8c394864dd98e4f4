using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Npgsql;

namespace CourseMatch.Ranking;

/// <summary>
/// The judged set (Ranking/Judged): learner profiles with an advisor's order of ten curated courses each, kept apart
/// from training. It measures the rankers against a human judgement, and the learner simulator against the same
/// judgement, so the synthetic labels the model learns from are checked too. See Ranking/Judged/README.md.
/// </summary>
public static class JudgedSet
{
    public sealed record Profile(
        string Id, string Summary, Dictionary<string, int> Current, JsonElement Target, string Goal, Budget? Budget,
        string Format, Location? Location, int HoursPerWeek, string Language, List<Judged> Ranking);

    public sealed record Budget(decimal? Amount, string Currency, bool Strict);

    public sealed record Location(string City, string Country, int RadiusKm);

    public sealed record Judged(string Course, string Why);

    private sealed record File([property: JsonPropertyName("about")] string About, [property: JsonPropertyName("profiles")] List<Profile> Profiles);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The set as stored (embedded in Core).</summary>
    public static IReadOnlyList<Profile> Load()
    {
        using var stream = typeof(JudgedSet).Assembly.GetManifestResourceStream("CourseMatch.Ranking.judged-set.json")
            ?? throw new InvalidOperationException("The judged set is not embedded in CourseMatch.Core.");
        return JsonSerializer.Deserialize<File>(stream, Json)!.Profiles;
    }

    /// <summary>An advisor's position (1–10) as a graded relevance: 1–2 → 3, 3–5 → 2, 6–8 → 1, 9–10 → 0.</summary>
    public static int Grade(int position) => position switch { <= 2 => 3, <= 5 => 2, <= 8 => 1, _ => 0 };

    /// <summary>The profile as the questionnaire would store it: current levels, target (a role's levels, or levels set by hand) and constraints.</summary>
    public static LearnerProfile ToLearner(Profile p, SkillTaxonomy taxonomy)
    {
        var learner = Constraints(p);
        var role = p.Target.TryGetProperty("role", out var r) ? taxonomy.Role(r.GetString()) ?? throw new FormatException($"{p.Id}: role '{r}'") : null;
        var levels = p.Target.TryGetProperty("levels", out var l) ? l.Deserialize<Dictionary<string, int?>>() : null;
        learner.TargetRole = role?.Slug;
        learner.Targets = taxonomy.Slugs.ToDictionary(s => s, s => levels is not null ? levels.GetValueOrDefault(s) : role!.Targets.GetValueOrDefault(s)?.Level);
        return learner;
    }

    private static LearnerProfile Constraints(Profile p) => new()
    {
        Skills = new Dictionary<string, int>(p.Current),
        Goal = EnumText.TryParse<Goal>(p.Goal, out var goal) ? goal : throw new FormatException($"{p.Id}: goal '{p.Goal}'"),
        BudgetAmount = p.Budget?.Amount,
        BudgetCurrency = p.Budget?.Currency ?? "USD",
        BudgetStrict = p.Budget?.Strict ?? false,
        Format = EnumText.TryParse<FormatPreference>(p.Format, out var format) ? format : throw new FormatException($"{p.Id}: format '{p.Format}'"),
        City = p.Location?.City,
        Country = p.Location?.Country,
        RadiusKm = p.Location?.RadiusKm ?? 50,
        HoursPerWeek = p.HoursPerWeek,
        Language = p.Language,
    };

    /// <summary>Rankers by name, scoring a profile's courses from their feature rows (higher first).</summary>
    public sealed record Ranker(string Name, Func<IReadOnlyList<float[]>, float[]> Score);

    /// <param name="Rankers">Mean NDCG@5 and @10 per ranker (and the simulator's own order, as "simulator").</param>
    /// <param name="SimulatorSpearman">Mean Spearman correlation of the simulator's order with the advisor's, per profile (1: the same order).</param>
    public sealed record Result(int Profiles, IReadOnlyList<(string Ranker, double At5, double At10)> Rankers, double SimulatorSpearman)
    {
        public string ToTable()
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Judged set: {Profiles} profiles × 10 courses, graded by the advisor's positions.").AppendLine();
            sb.AppendLine("| ranker | NDCG@5 | NDCG@10 |").AppendLine("|---|---:|---:|");
            foreach (var (ranker, at5, at10) in Rankers) sb.AppendLine(CultureInfo.InvariantCulture, $"| {ranker} | {at5:0.000} | {at10:0.000} |");
            sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Simulator agreement with the advisor: mean Spearman {SimulatorSpearman:0.000} over {Profiles} profiles.");
            return sb.ToString();
        }
    }

    /// <summary>
    /// Orders each profile's ten courses with every ranker (plus the rubric, popularity and the simulator) and scores the
    /// orders against the advisor's. Courses are presented in id order, so a ranker's ties fall as they do in training.
    /// </summary>
    public static async Task<Result> MeasureAsync(NpgsqlDataSource db, Candidates candidates, IReadOnlyList<Ranker> rankers, DateOnly today,
        IReadOnlyList<Profile>? profiles = null, CancellationToken ct = default)
    {
        profiles ??= Load();
        var all = rankers.Concat([
            new Ranker(RankingMetrics.RubricRanker, rows => [.. rows.Select(r => Rubric.Score(r))]),
            new Ranker(RankingMetrics.Popularity, rows => [.. rows.Select(r => Rubric.Popularity(r))]),
        ]).ToList();
        var simulator = new LearnerSimulator();
        var sums = new double[all.Count + 1, 2];
        double spearman = 0;
        var taxonomy = await SkillTaxonomy.LoadAsync(db, ct);
        foreach (var p in profiles)
        {
            var learner = ToLearner(p, taxonomy);
            var context = await LearnerContext.ResolveAsync(db, learner, taxonomy, ct);
            var slugs = p.Ranking.Select(r => r.Course).ToArray();
            var found = await candidates.ForCoursesAsync(learner, context, today, slugs, ct);
            if (found.Count != slugs.Length)
                throw new InvalidOperationException($"{p.Id}: the catalog lacks {string.Join(", ", slugs.Except(found.Select(c => c.Slug)))}.");
            found.Sort((a, b) => a.Id.CompareTo(b.Id));
            var grades = found.Select(c => Grade(Array.IndexOf(slugs, c.Slug) + 1)).ToArray();
            var rows = found.Select(c => FeatureVector.Compute(learner, c, today)).ToList();
            // The simulator judges from the raw profile and course: its grade, ties broken by its utility.
            var simulated = found.Select(c => simulator.Judge(learner, c, today) is var j
                ? (float)(Math.Min(j.Cap, LearnerSimulator.ToGrade(j.Utility)) + Math.Min(j.Utility, 1) * 0.5) : 0f).ToArray();
            for (var r = 0; r <= all.Count; r++)
            {
                var scores = r < all.Count ? all[r].Score(rows) : simulated;
                sums[r, 0] += Ndcg.At(scores, grades, 5) ?? 0;
                sums[r, 1] += Ndcg.At(scores, grades, 10) ?? 0;
            }
            spearman += Spearman(simulated, found.Select(c => -(float)Array.IndexOf(slugs, c.Slug)).ToArray());
        }
        var n = Math.Max(1, profiles.Count);
        var table = all.Select(r => r.Name).Append("simulator")
            .Select((name, r) => (name, Math.Round(sums[r, 0] / n, 4), Math.Round(sums[r, 1] / n, 4))).ToList();
        return new Result(profiles.Count, table, Math.Round(spearman / n, 4));
    }

    /// <summary>Spearman's rank correlation (ties get their mean rank).</summary>
    public static double Spearman(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        static double[] Ranks(IReadOnlyList<float> v)
        {
            var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
            var ranks = new double[v.Count];
            for (var i = 0; i < order.Length;)
            {
                var j = i;
                while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
                for (var k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0 + 1;
                i = j + 1;
            }
            return ranks;
        }
        var (ra, rb) = (Ranks(a), Ranks(b));
        var (ma, mb) = (ra.Average(), rb.Average());
        double cov = 0, va = 0, vb = 0;
        for (var i = 0; i < ra.Length; i++)
        {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }
        return va == 0 || vb == 0 ? 0 : cov / Math.Sqrt(va * vb);
    }
}
