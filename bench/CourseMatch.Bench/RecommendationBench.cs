using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Bench;

/// <summary>A representative learner: the body of POST /api/recommendations.</summary>
public sealed record LearnerCase(string Name, string Meaning, string Body)
{
    public ProfileInput Input()
    {
        var (input, errors) = ProfileRequest.Read(Body);
        if (input is null) throw new InvalidOperationException($"Learner case {Name} is invalid: {string.Join("; ", errors.Keys)}");
        return input;
    }

    public static readonly IReadOnlyList<LearnerCase> All =
    [
        new("online-beginner", "online, beginner (python 1, else 0), curiosity, flexible $200 budget, self-paced",
            """
            {"skills":{"python":1}, "goal":"curiosity", "budget":{"amount":200,"currency":"USD","strict":false},
             "format":"online", "hoursPerWeek":5, "startWithinWeeks":12, "pacing":"self-paced", "language":"en", "wantsCertificate":false}
            """),
        new("in-person-switcher", "in person, career switch, New York within 50 km, strict $500 budget, wants a certificate",
            """
            {"skills":{"linear-algebra":1,"statistics":1,"python":2}, "goal":"career-switch",
             "budget":{"amount":500,"currency":"USD","strict":true}, "format":"in-person",
             "location":{"city":"New York","country":"US","radiusKm":50}, "hoursPerWeek":10,
             "startWithinWeeks":12, "pacing":"any", "language":"en", "wantsCertificate":true}
            """),
        new("advanced-practitioner", "any format (no location), upskill, levels 3–4 (optimization 2), flexible $2,000",
            """
            {"skills":{"linear-algebra":3,"calculus":3,"probability":3,"statistics":3,"discrete-math":3,"optimization":2,"python":4,"machine-learning":3},
             "goal":"upskill", "budget":{"amount":2000,"currency":"USD","strict":false}, "format":"any",
             "hoursPerWeek":6, "startWithinWeeks":26, "pacing":"any", "language":"en", "wantsCertificate":false}
            """),
    ];
}

/// <summary>What the API answered for one learner case (checked once before measuring).</summary>
public sealed record PlanCheck(string Ranker, int? ModelVersion, int InPerson, int Online, int Free, int Path, int Bytes);

/// <summary>One-client, in-process split of a recommendation into its parts (milliseconds, per call).</summary>
public sealed record Breakdown(int Iterations, int Candidates, double CandidatesP50, double FeaturesP50, double ScoreP50,
    double WholeP50, double WholeP95, double ConstantWholeP50, double ConstantWholeP95, double ConstantScoreP50, double PairedRatio, string? ExplainMs)
{
    public double CandidateShare => CandidatesP50 / WholeP50;
    public double ScoringShare => (FeaturesP50 + ScoreP50) / WholeP50;
    public double RestShare => Math.Max(0, 1 - CandidateShare - ScoringShare);
    /// <summary>Whole request with the real ranker over the same with the constant scorer, minus one: the median of the per-iteration ratios (each iteration runs both back to back).</summary>
    public double ScoringOverhead => PairedRatio - 1;
    /// <summary>The ranker's own time (real minus constant scorer) over the constant-scorer request: the same overhead, measured on the part itself.</summary>
    public double DirectOverhead => Math.Max(0, ScoreP50 - ConstantScoreP50) / ConstantWholeP50;
}

public sealed class RecommendationResult(LearnerCase learner)
{
    public LearnerCase Learner { get; } = learner;
    public PlanCheck? Check { get; set; }
    public List<(int Clients, Measurement Api)> Loads { get; } = [];
    public Breakdown? Breakdown { get; set; }
    public string? Failure { get; set; }
}

/// <summary>Fixed ranker for the in-process runs: the trained model (or the rubric), or a constant score.</summary>
public sealed class FixedRanker(ActiveRanker ranker) : IRankerSource
{
    public ActiveRanker Ranker { get; } = ranker;
    public ValueTask<ActiveRanker> GetAsync(CancellationToken ct = default) => ValueTask.FromResult(Ranker);

    public static readonly ActiveRanker Constant = new("constant", null, rows => new float[rows.Count]);
}

public static class RecommendationBench
{
    public static async Task PostAsync(HttpClient http, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/recommendations", content, ct);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException($"POST /api/recommendations answered {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await stream.CopyToAsync(Stream.Null, ct);
    }

    public static async Task<PlanCheck> CheckAsync(HttpClient http, LearnerCase learner, CancellationToken ct)
    {
        using var content = new StringContent(learner.Body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/recommendations", content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new HttpRequestException($"POST /api/recommendations ({learner.Name}) answered {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var tracks = root.GetProperty("tracks");
        int Len(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : 0;
        return new PlanCheck(root.GetProperty("ranker").GetString() ?? "?",
            root.TryGetProperty("modelVersion", out var mv) && mv.ValueKind == JsonValueKind.Number ? mv.GetInt32() : null,
            Len(tracks, "inPerson"), Len(tracks, "online"), Len(tracks, "free"), Len(root, "path"), body.Length);
    }

    /// <summary>
    /// One client, in process, with the bench's own data source: per iteration, the candidate SQL
    /// (LearnerContext + Candidates.FindAsync), FeatureVector.Compute over the candidates, the ranker's Score, the
    /// constant scorer's Score, and the whole RecommendAsync once with the ranker and once with the constant scorer
    /// (in alternating order). Medians are compared, so one slow iteration does not decide the ratio.
    /// </summary>
    public static async Task<Breakdown> BreakdownAsync(NpgsqlDataSource db, ActiveRanker ranker, LearnerCase learner, TimeSpan duration, CancellationToken ct)
    {
        await using var core = CourseMatchServices.BuildCore(db);
        var dbs = core.GetRequiredService<IDbContextFactory<CourseMatchDb>>();
        var finder = core.GetRequiredService<Candidates>();
        var real = new RecommendationService(dbs, db, finder, new FixedRanker(ranker));
        var constant = new RecommendationService(dbs, db, finder, new FixedRanker(FixedRanker.Constant));
        var input = learner.Input();
        var candidatesMs = new List<double>(); var featuresMs = new List<double>(); var scoreMs = new List<double>(); var constantScoreMs = new List<double>();
        var wholeMs = new List<double>(); var constantWholeMs = new List<double>();
        var count = 0;

        async Task<double> Whole(RecommendationService service)
        {
            var t = Stopwatch.GetTimestamp();
            var outcome = await service.RecommendAsync(input, ct);
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (outcome.Plan is null) throw new InvalidOperationException($"{learner.Name}: {string.Join("; ", outcome.Errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}"))}");
            return ms;
        }

        // One unmeasured round first (JIT, pools, plan caches).
        await Whole(real);
        await Whole(constant);
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < 3 || (Stopwatch.GetTimestamp() < deadline && i < 500); i++)
        {
            ct.ThrowIfCancellationRequested();
            var (profile, context) = await ProfileAsync(db, input, ct);
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var t0 = Stopwatch.GetTimestamp();
            var candidates = await finder.FindAsync(profile, context, today, ct);
            var t1 = Stopwatch.GetTimestamp();
            var features = candidates.Select(c => FeatureVector.Compute(profile, c, today)).ToList();
            var t2 = Stopwatch.GetTimestamp();
            _ = features.Count == 0 ? [] : ranker.Score(features);
            var t3 = Stopwatch.GetTimestamp();
            _ = features.Count == 0 ? [] : FixedRanker.Constant.Score(features);
            var t4 = Stopwatch.GetTimestamp();
            candidatesMs.Add(Ms(t1 - t0)); featuresMs.Add(Ms(t2 - t1)); scoreMs.Add(Ms(t3 - t2)); constantScoreMs.Add(Ms(t4 - t3));
            count = candidates.Count;

            if (i % 2 == 0) { wholeMs.Add(await Whole(real)); constantWholeMs.Add(await Whole(constant)); }
            else { constantWholeMs.Add(await Whole(constant)); wholeMs.Add(await Whole(real)); }
        }

        string? explain = null;
        try { explain = await ExplainCandidatesAsync(db, input, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { explain = $"EXPLAIN failed: {e.Message}"; }
        LastExplain = explain;
        return new Breakdown(wholeMs.Count, count, P(candidatesMs, 0.5), P(featuresMs, 0.5), P(scoreMs, 0.5),
            P(wholeMs, 0.5), P(wholeMs, 0.95), P(constantWholeMs, 0.5), P(constantWholeMs, 0.95), P(constantScoreMs, 0.5),
            P(wholeMs.Zip(constantWholeMs, (a, b) => a / b).ToList(), 0.5),
            explain is null ? null : ExecutionTime(explain));
    }

    /// <summary>The full EXPLAIN text of the last <see cref="BreakdownAsync"/> (for bench/results/plans).</summary>
    public static string? LastExplain { get; private set; }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double P(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static string? ExecutionTime(string explain) =>
        System.Text.RegularExpressions.Regex.Match(explain, @"Execution Time: ([0-9.]+) ms") is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The profile as RecommendationService builds it (city resolved to a place), and the candidate query's context.</summary>
    private static async Task<(LearnerProfile, Candidates.Context)> ProfileAsync(NpgsqlDataSource db, ProfileInput input, CancellationToken ct)
    {
        var facts = await LearnerContext.ReadAsync(db, input.City, input.Country, input.BudgetCurrency, null, ct: ct);
        var profile = input.ToProfile(facts.Taxonomy);
        if (facts.Place is { } place)
        {
            profile.PlaceId = place.Id;
            profile.City = place.Name;
        }
        return (profile, facts.ForCandidates(profile));
    }

    /// <summary>
    /// EXPLAIN (ANALYZE, BUFFERS) of the candidate query. Its SQL is private to <see cref="Candidates"/>: read by
    /// reflection, with the parameters bound as <see cref="Candidates.FindAsync"/> binds them (keep the two in step).
    /// </summary>
    public static async Task<string> ExplainCandidatesAsync(NpgsqlDataSource db, ProfileInput input, CancellationToken ct)
    {
        var sql = typeof(Candidates).GetField("Sql", BindingFlags.NonPublic | BindingFlags.Static)?.GetRawConstantValue() as string
            ?? throw new InvalidOperationException("Candidates.Sql not found (renamed?).");
        var (learner, context) = await ProfileAsync(db, input, ct);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var cmd = db.CreateCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql);
        cmd.CommandTimeout = 300;
        var slugs = learner.Skills.Keys.ToArray();
        cmd.Parameters.Add(new("skill_slugs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = slugs });
        cmd.Parameters.Add(new("skill_levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = slugs.Select(s => learner.Skills[s]).ToArray() });
        cmd.Parameters.Add(new("language", NpgsqlDbType.Text) { Value = learner.Language });
        cmd.Parameters.Add(new("strict", NpgsqlDbType.Boolean) { Value = learner.BudgetStrict && context.BudgetUsd is not null });
        cmd.Parameters.Add(new("budget_usd", NpgsqlDbType.Numeric) { Value = (object?)context.BudgetUsd ?? DBNull.Value });
        cmd.Parameters.Add(new("usd_per_budget_unit", NpgsqlDbType.Numeric) { Value = context.UsdPerBudgetUnit ?? 1m });
        cmd.Parameters.Add(new("online_ok", NpgsqlDbType.Boolean) { Value = learner.Format != FormatPreference.InPerson });
        cmd.Parameters.Add(new("in_person_ok", NpgsqlDbType.Boolean) { Value = learner.Format != FormatPreference.Online && context.Latitude is not null });
        cmd.Parameters.Add(new("lat", NpgsqlDbType.Double) { Value = context.Latitude ?? 0 });
        cmd.Parameters.Add(new("lon", NpgsqlDbType.Double) { Value = context.Longitude ?? 0 });
        cmd.Parameters.Add(new("radius_km", NpgsqlDbType.Double) { Value = (double)learner.RadiusKm });
        cmd.Parameters.Add(new("today", NpgsqlDbType.Date) { Value = today });
        cmd.Parameters.Add(new("window_end", NpgsqlDbType.Date) { Value = today.AddDays(learner.StartWithinWeeks * 7) });
        cmd.Parameters.Add(new("profile_id", NpgsqlDbType.Integer) { Value = learner.Id });
        cmd.Parameters.Add(new("per_track", NpgsqlDbType.Integer) { Value = Candidates.PerTrack });
        var sb = new StringBuilder();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) sb.AppendLine(reader.GetString(0));
        return sb.ToString();
    }
}
