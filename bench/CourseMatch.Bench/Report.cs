using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CourseMatch.Catalog;

namespace CourseMatch.Bench;

public sealed record ApiCheck(int Total, bool CountsAreEstimates, string? MatchMode, string? CorrectedQuery, int Facets, int Bytes);

public sealed class ClassResult(QueryClass query)
{
    public QueryClass Query { get; } = query;
    public ApiCheck? Check { get; set; }
    public List<string> BaselineSteps { get; set; } = [];
    /// <summary>API and baseline under load, once per client count.</summary>
    public List<LoadPair> Loads { get; } = [];
    public LoadPair? At(int clients) => Loads.FirstOrDefault(l => l.Clients == clients);
    public Measurement? SingleApi { get; set; }
    public Measurement? SingleBaseline { get; set; }
    /// <summary>EXPLAIN ANALYZE execution time of each search statement, "a + b" for several.</summary>
    public string? ExecutionMs { get; set; }
    /// <summary>When the API estimated this class's counts: how far they were from the truth.</summary>
    public EstimateError? Estimate { get; set; }
    public string? Failure { get; set; }
}

public sealed record LoadPair(int Clients, Measurement Api, Measurement Baseline)
{
    public double Ratio => Api.P95 / Baseline.P95;
    public int Errors => Api.Errors + Baseline.Errors;
}

public sealed class SizeResult(int size)
{
    public int Size { get; } = size;
    public int Added { get; set; }
    public double LoadSeconds { get; set; }
    public double PrepareSeconds { get; set; }
    /// <summary>The app's catalog index: its load time, and the managed memory of the whole process once it is loaded.</summary>
    public double IndexSeconds { get; set; }
    public long IndexMegabytes { get; set; }
    public long Courses { get; set; }
    public long TableMegabytes { get; set; }
    public double LocateSeconds { get; set; }
    public List<ClassResult> Classes { get; } = [];
    public List<RecommendationResult> Recommendations { get; } = [];
    /// <summary>The realistic mix of 1,000 Zipf-drawn queries, at how many clients, and how many distinct strings it held.</summary>
    public (int Clients, Measurement Result, int Distinct)? Mix { get; set; }
}

/// <summary>The Markdown report: header, load times, latency table, target checks, query classes.</summary>
public sealed class Report(BenchOptions options)
{
    public const double MaxRatioToBaseline = 1.5;
    /// <summary>The search benchmark's PostgreSQL buffer pool: a quarter of memory, up to 2 GB.</summary>
    public static readonly string SharedBuffers = $"{Math.Min(2048, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 / 1048576)}MB";
    public const double MaxSlowestToMedian = 3.0;
    public const double MaxP95AtMillionMs = 100;
    public const double MaxRecommendationP95Ms = 150;
    public const int RecommendationTargetSize = 100_000;
    public const double MaxScoringOverhead = 0.10;

    public DateTimeOffset Started { get; } = DateTimeOffset.Now;
    public string PostgresVersion { get; set; } = "?";
    public bool Cancelled { get; set; }
    public List<SizeResult> Sizes { get; } = [];
    public CpuSampler? Cpu { get; set; }
    public string? RankerWiring { get; set; }
    /// <summary>The ranker of the in-process breakdown: "model vN" or "rubric (...)".</summary>
    public string? BreakdownRanker { get; set; }
    public DemoTraining? Demo { get; set; }
    public string? DemoFailure { get; set; }
    public TrainingTime? Training { get; set; }
    public string? TrainingFailure { get; set; }

    public static string SizeLabel(int size) => size switch
    {
        >= 1_000_000 when size % 1_000_000 == 0 => $"{size / 1_000_000}M",
        >= 1_000 when size % 1_000 == 0 => $"{size / 1_000}k",
        _ => size.ToString("#,0", CultureInfo.InvariantCulture),
    };

    private static string Ms(double v) => double.IsNaN(v) ? "–" : v < 10 ? v.ToString("0.00", CultureInfo.InvariantCulture) : v.ToString("0.0", CultureInfo.InvariantCulture);

    public string ConsoleLine(SizeResult size, ClassResult c) => c.Failure is not null
        ? $"{c.Query.Name,-10} FAILED: {c.Failure}"
        : $"{c.Query.Name,-10} " + string.Join(" || ", c.Loads.Select(l =>
            $"{l.Clients} clients: API p50/p95 {Ms(l.Api.P50)}/{Ms(l.Api.P95)} ms, {l.Api.PerSecond:0}/s, baseline {Ms(l.Baseline.P50)}/{Ms(l.Baseline.P95)} ms, ratio {l.Ratio:0.00}" +
            (l.Errors == 0 ? "" : $", {l.Errors} errors ({l.Api.FirstError ?? l.Baseline.FirstError})"))) +
          $" | total {c.Check!.Total}{(c.Check.CountsAreEstimates ? " (estimated)" : "")}";

    public string RecommendationLine(RecommendationResult r) => r.Failure is not null
        ? $"{r.Learner.Name,-22} FAILED: {r.Failure}"
        : $"{r.Learner.Name,-22} ranker {r.Check?.Ranker} | " + string.Join(" | ", r.Loads.Select(l =>
            $"{l.Clients} clients p50/p95 {Ms(l.Api.P50)}/{Ms(l.Api.P95)} ms, {l.Api.PerSecond:0}/s{(l.Api.Errors == 0 ? "" : $", {l.Api.Errors} errors ({l.Api.FirstError})")}")) +
          (r.Breakdown is { } b ? $" | 1 client: whole {Ms(b.WholeP50)} ms, candidates {Ms(b.CandidatesP50)} ms, features+score {Ms(b.FeaturesP50 + b.ScoreP50)} ms, constant scorer {Ms(b.ConstantWholeP50)} ms ({b.ScoringOverhead:+0%;-0%}), {b.Candidates} candidates" : "");

    /// <summary>The catalog targets for one size at one client count, as one line.</summary>
    public string CheckLine(SizeResult s, int clients)
    {
        var ok = s.Classes.Where(c => c.Failure is null && c.At(clients) is { Errors: 0 }).ToList();
        var parts = new List<string>();
        if (ok.Count < s.Classes.Count)
            parts.Add($"FAIL: {string.Join(", ", s.Classes.Except(ok).Select(c => c.Query.Name))} failed or had errors");
        var label = $"**{SizeLabel(s.Size)}, {clients} clients**";
        if (ok.Count == 0) return $"{label}: {string.Join("; ", parts.DefaultIfEmpty("no results"))}";

        var worst = ok.MaxBy(c => c.At(clients)!.Ratio)!;
        var over = ok.Where(c => c.At(clients)!.Ratio > MaxRatioToBaseline).Select(c => $"{c.Query.Name} {c.At(clients)!.Ratio:0.00}×").ToList();
        parts.Add(over.Count == 0
            ? $"p95 ≤ {MaxRatioToBaseline}× baseline: PASS (highest {worst.Query.Name} {worst.At(clients)!.Ratio:0.00}×)"
            : $"p95 ≤ {MaxRatioToBaseline}× baseline: FAIL ({string.Join(", ", over)})");

        var p95s = ok.Select(c => c.At(clients)!.Api.P95).Order().ToList();
        var median = p95s.Count % 2 == 1 ? p95s[p95s.Count / 2] : (p95s[p95s.Count / 2 - 1] + p95s[p95s.Count / 2]) / 2;
        var slowest = ok.MaxBy(c => c.At(clients)!.Api.P95)!;
        var slowestP95 = slowest.At(clients)!.Api.P95;
        var spread = slowestP95 / median;
        parts.Add($"slowest p95 ≤ {MaxSlowestToMedian}× median: {(spread <= MaxSlowestToMedian ? "PASS" : "FAIL")} " +
                  $"({slowest.Query.Name} {Ms(slowestP95)} ms vs median {Ms(median)} ms = {spread:0.0}×)");

        if (s.Size >= 1_000_000)
        {
            var slow = ok.Where(c => c.At(clients)!.Api.P95 > MaxP95AtMillionMs).Select(c => $"{c.Query.Name} {Ms(c.At(clients)!.Api.P95)} ms").ToList();
            parts.Add(slow.Count == 0
                ? $"every p95 ≤ {MaxP95AtMillionMs} ms: PASS (slowest {Ms(slowestP95)} ms)"
                : $"every p95 ≤ {MaxP95AtMillionMs} ms: FAIL ({string.Join(", ", slow)})");
        }
        return $"{label}: {string.Join("; ", parts)}";
    }

    /// <summary>The recommendation targets for one size, as one line (p95 ≤ 150 ms is checked at 100k; elsewhere shown for information).</summary>
    public string RecommendationCheckLine(SizeResult s)
    {
        var parts = new List<string>();
        var failed = s.Recommendations.Where(r => r.Failure is not null || r.Loads.Any(l => l.Api.Errors > 0)).Select(r => r.Learner.Name).ToList();
        if (failed.Count > 0) parts.Add($"FAIL: {string.Join(", ", failed)} failed or had errors");
        var target = s.Size == RecommendationTargetSize ? "" : " (target is at 100k; for information)";
        foreach (var clients in options.Concurrency)
        {
            var loads = s.Recommendations.Select(r => (r, l: r.Loads.FirstOrDefault(l => l.Clients == clients).Api)).Where(x => x.l is not null).ToList();
            if (loads.Count == 0) continue;
            var worst = loads.MaxBy(x => x.l.P95);
            var pass = loads.All(x => x.l.P95 <= MaxRecommendationP95Ms);
            parts.Add($"{clients} clients p95 ≤ {MaxRecommendationP95Ms} ms{target}: {(pass ? "PASS" : "FAIL")} (slowest {worst.r.Learner.Name} {Ms(worst.l.P95)} ms)");
        }
        var b = s.Recommendations.Where(r => r.Breakdown is not null).ToList();
        if (b.Count > 0)
        {
            var worst = b.MaxBy(r => r.Breakdown!.ScoringOverhead)!;
            var direct = b.MaxBy(r => r.Breakdown!.DirectOverhead)!;
            // The verdict is the ranker's own time (what scoring adds, measured on the part itself); the whole-request
            // ratio is shown beside it, but on a shared 2-core machine its noise is larger than the effect.
            var pass = b.All(r => r.Breakdown!.DirectOverhead <= MaxScoringOverhead);
            parts.Add($"scoring adds ≤ {MaxScoringOverhead:0%} over a constant scorer: {(pass ? "PASS" : "FAIL")} " +
                      $"(ranker's own time at most {direct.Breakdown!.DirectOverhead:0.0%} of the request, {direct.Learner.Name}; " +
                      $"whole-request paired ratio −1 ranges {b.Min(r => r.Breakdown!.ScoringOverhead):+0.0%;-0.0%} to {worst.Breakdown!.ScoringOverhead:+0.0%;-0.0%})");
        }
        return $"**{SizeLabel(s.Size)}**: {string.Join("; ", parts.DefaultIfEmpty("no results"))}";
    }

    public IEnumerable<string> OutputPaths()
    {
        var root = RepositoryRoot();
        if (options.LoadOnly) yield return Path.Combine(root, "bench", "results", "load.md");
        else if (options.Quick) yield return Path.Combine(root, "bench", "results", "quick.md");
        else
        {
            yield return Path.Combine(root, "bench", "results", "latest.md");
            yield return Path.Combine(root, "docs", "bench", "latest.md");
        }
        if (options.Output is { Length: > 0 } extra) yield return Path.GetFullPath(extra);
    }

    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CourseMatch.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    internal static string Machine()
    {
        string? cpu = null;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, {memory:0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Catalog search and recommendations benchmark");
        sb.AppendLine();
        sb.AppendLine($"{Started:yyyy-MM-dd HH:mm zzz} · machine: {Machine()} · PostgreSQL {PostgresVersion} (throwaway cluster, fsync off, shared_buffers {SharedBuffers}) · " +
                      $"settings: {options.Describe()}{(Cancelled ? " · **CANCELLED: partial results**" : "")}");
        sb.AppendLine();
        if (Cpu is { Available: true, Windows.Count: > 0 } cpu)
        {
            var measured = cpu.Windows.Where(w => w.Phase.StartsWith("catalog", StringComparison.Ordinal) || w.Phase.StartsWith("recommendations", StringComparison.Ordinal) || w.Phase.StartsWith("training", StringComparison.Ordinal)).ToList();
            var others = measured.Count == 0 ? 0 : measured.Sum(w => w.OthersPercent * w.Seconds) / measured.Sum(w => w.Seconds);
            var peak = measured.Count == 0 ? 0 : measured.Max(w => w.MaxOthersPercent);
            var verdict = others < 5 ? "the machine was otherwise idle" : others < 20 ? "**some contention**" : "**heavy contention: other processes took a large share of the 2 cores, so latencies are inflated**";
            sb.AppendLine($"Contention (sampled from /proc every 5 s; 100% = both cores): while measuring, other processes (not the bench or its PostgreSQL) used {others:0}% of the machine on average, {peak:0}% at peak: {verdict}. Per phase:");
            sb.AppendLine();
            foreach (var w in cpu.Windows) sb.AppendLine($"- {w.Describe()}");
            sb.AppendLine();
        }
        sb.AppendLine("API = `GET /api/courses?…` over HTTP/1.1 to the real app on Kestrel (127.0.0.1), facets included, whole body read. " +
                      "Baseline = the same statements the service runs for the query, run directly with `NpgsqlDataSource`: with the catalog index (ADR 0018) its poll (snapshot, parsed query, changes) and the page's cards by id, plus the spelling correction's two statements; the counting and ordering the index does in memory have no SQL to compare with, so the ratio is the whole in-memory search against the statements alone. " +
                      "Latencies in milliseconds. Generated by `bench/CourseMatch.Bench`; see bench/README.md.");
        sb.AppendLine();

        sb.AppendLine("## Synthetic load");
        sb.AppendLine();
        sb.AppendLine("| size | courses added | load time | locate courses (place_id) | vocabulary + VACUUM ANALYZE | published courses | courses table + indexes | catalog index load | process managed memory after |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in Sizes)
            sb.AppendLine($"| {SizeLabel(s.Size)} | {s.Added:#,0} | {s.LoadSeconds:0.0} s | {s.LocateSeconds:0.0} s | {s.PrepareSeconds:0.0} s | {s.Courses:#,0} | {s.TableMegabytes:#,0} MB | {s.IndexSeconds:0.0} s | {s.IndexMegabytes:#,0} MB |");
        sb.AppendLine();

        if (Sizes.Any(s => s.Classes.Count > 0))
        {
            foreach (var clients in options.Concurrency)
            {
                sb.AppendLine($"## Catalog latency, {clients} clients");
                sb.AppendLine();
                sb.AppendLine("| size | class | API p50 | p95 | p99 | req/s | baseline p50 | p95 | p99 | ratio p95 (API/baseline) |");
                sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var s in Sizes)
                    foreach (var c in s.Classes)
                    {
                        if (c.Failure is not null || c.At(clients) is not { } l)
                        {
                            sb.AppendLine($"| {SizeLabel(s.Size)} | {c.Query.Name} | failed: {Escape(c.Failure ?? "no result")} | | | | | | | |");
                            continue;
                        }
                        sb.AppendLine($"| {SizeLabel(s.Size)} | {c.Query.Name} | {Ms(l.Api.P50)} | {Ms(l.Api.P95)} | {Ms(l.Api.P99)} | {l.Api.PerSecond:0} | " +
                                      $"{Ms(l.Baseline.P50)} | {Ms(l.Baseline.P95)} | {Ms(l.Baseline.P99)} | {l.Ratio:0.00} |");
                    }
                sb.AppendLine();
                sb.AppendLine($"Targets at {clients} clients: every class p95 ≤ {MaxRatioToBaseline}× its baseline p95; slowest class p95 ≤ {MaxSlowestToMedian}× the median class p95; at 1M every class p95 ≤ {MaxP95AtMillionMs} ms.");
                sb.AppendLine();
                foreach (var s in Sizes.Where(s => s.Classes.Count > 0))
                    sb.AppendLine($"- {CheckLine(s, clients)}");
                sb.AppendLine();
            }

            sb.AppendLine("## Catalog, one client");
            sb.AppendLine();
            sb.AppendLine("The same requests with a single client after the measurements above: what one request costs without queueing. " +
                          "`EXPLAIN ANALYZE` is the server's execution time of each search statement, run once (plans in bench/results/plans/).");
            sb.AppendLine();
            sb.AppendLine("| size | class | API p50 | API p95 | baseline p50 | baseline p95 | EXPLAIN ANALYZE ms |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var s in Sizes)
                foreach (var c in s.Classes.Where(c => c.SingleApi is not null && c.SingleBaseline is not null))
                    sb.AppendLine($"| {SizeLabel(s.Size)} | {c.Query.Name} | {Ms(c.SingleApi!.P50)} | {Ms(c.SingleApi.P95)} | {Ms(c.SingleBaseline!.P50)} | {Ms(c.SingleBaseline.P95)} | {c.ExecutionMs} |");
            sb.AppendLine();

            var estimates = Sizes.SelectMany(s => s.Classes.Where(c => c.Estimate is not null).Select(c => (s, c, e: c.Estimate!))).ToList();
            sb.AppendLine("## The SQL fallback's estimates against exact counts");
            sb.AppendLine();
            sb.AppendLine("The API answers every class above from the catalog index: its counts are exact. The SQL search it falls back on (while a large " +
                          $"catalog's index loads, and for quoted phrases, `or` and `-word`) counts exactly up to {new CountBudget().Exact:#,0} matches and above that " +
                          $"estimates from a row sample of about {new CountBudget().SampleRows:#,0} rows. Here that SQL search is run for each class over the budget " +
                          $"and counted again without a budget. Target: within ±{EstimateError.MaxError:P0}.");
            sb.AppendLine();
            if (estimates.Count == 0) sb.AppendLine("No class was over the budget at these sizes.");
            else
            {
                sb.AppendLine("| size | class | estimated total | exact total | error | worst facet value (≥ 1% of the total) | facet values compared | within ±5% |");
                sb.AppendLine("|---|---|---:|---:|---:|---|---:|---|");
                foreach (var (sz, c, e) in estimates)
                    sb.AppendLine($"| {SizeLabel(sz.Size)} | {c.Query.Name} | {e.Estimated:#,0} | {e.Exact:#,0} | {e.TotalError:P1} | {e.WorstFacet} {e.WorstFacetError:P1} | {e.FacetValues} | " +
                                  $"{(e.TotalError <= EstimateError.MaxError ? "total PASS" : "total FAIL")}, {(e.WorstFacetError <= EstimateError.MaxError ? "facets PASS" : "facets FAIL")} |");
            }
            sb.AppendLine();

            if (Sizes.Any(s => s.Mix is not null))
            {
                sb.AppendLine("## Realistic mix");
                sb.AppendLine();
                sb.AppendLine($"{SearchMix.Queries:#,0} query strings drawn with a Zipf distribution (s = {SearchMix.ZipfExponent}) from the catalog's 400 most frequent words " +
                              "and 200 commonest title phrases, a third with one filter, sent in turn by the clients to `GET /api/courses`. No cache: every request searches.");
                sb.AppendLine();
                sb.AppendLine("| size | clients | distinct queries | p50 | p95 | p99 | req/s | errors |");
                sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var sz in Sizes.Where(x => x.Mix is not null))
                {
                    var (clients, m, distinct) = sz.Mix!.Value;
                    sb.AppendLine($"| {SizeLabel(sz.Size)} | {clients} | {distinct} | {Ms(m.P50)} | {Ms(m.P95)} | {Ms(m.P99)} | {m.PerSecond:0} | {m.Errors} |");
                }
                sb.AppendLine();
            }

            var errors = Sizes.SelectMany(s => s.Classes.SelectMany(c => c.Loads.Where(l => l.Errors > 0).Select(l => (s, c, l)))).ToList();
            if (errors.Count > 0)
            {
                sb.AppendLine("Errors during measurement:");
                sb.AppendLine();
                foreach (var (s, c, l) in errors)
                    sb.AppendLine($"- {SizeLabel(s.Size)} {c.Query.Name} at {l.Clients} clients: API {l.Api.Errors} ({l.Api.FirstError}), baseline {l.Baseline.Errors} ({l.Baseline.FirstError})");
                sb.AppendLine();
            }
        }

        if (Sizes.Any(s => s.Recommendations.Count > 0))
        {
            sb.AppendLine("## Recommendations");
            sb.AppendLine();
            sb.AppendLine($"`POST /api/recommendations` for three learners, in the same database and run as the catalog (courses located with `Gazetteer.LocateCoursesAsync` after each load). " +
                          $"Every request stores a profile and a plan (as the API does). API ranker wiring: {RankerWiring ?? "?"}.");
            sb.AppendLine();
            sb.AppendLine("| learner | body |");
            sb.AppendLine("|---|---|");
            foreach (var l in LearnerCase.All) sb.AppendLine($"| {l.Name} | {Escape(l.Meaning)} |");
            sb.AppendLine();
            sb.AppendLine("| size | learner | clients | p50 | p95 | p99 | req/s | ranker | picks in-person/online/free | candidates |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|---:|");
            foreach (var s in Sizes)
                foreach (var r in s.Recommendations)
                {
                    if (r.Failure is not null) { sb.AppendLine($"| {SizeLabel(s.Size)} | {r.Learner.Name} | | failed: {Escape(r.Failure)} | | | | | | |"); continue; }
                    var picks = r.Check is { } c ? $"{c.InPerson}/{c.Online}/{c.Free}" : "–";
                    var ranker = r.Check is { } k ? (k.ModelVersion is int v ? $"{k.Ranker} v{v}" : k.Ranker) : "?";
                    foreach (var (clients, m) in r.Loads)
                        sb.AppendLine($"| {SizeLabel(s.Size)} | {r.Learner.Name} | {clients} | {Ms(m.P50)} | {Ms(m.P95)} | {Ms(m.P99)} | {m.PerSecond:0} | {ranker} | {picks} | {r.Breakdown?.Candidates.ToString(CultureInfo.InvariantCulture) ?? "–"} |");
                }
            sb.AppendLine();
            sb.AppendLine($"Targets: p95 ≤ {MaxRecommendationP95Ms} ms at 100k courses; scoring adds ≤ {MaxScoringOverhead:0%} over the same request with a constant scorer.");
            sb.AppendLine();
            foreach (var s in Sizes.Where(s => s.Recommendations.Count > 0))
                sb.AppendLine($"- {RecommendationCheckLine(s)}");
            sb.AppendLine();

            sb.AppendLine("### Where the time goes (one client, in process)");
            sb.AppendLine();
            sb.AppendLine($"Measured in the bench process with its own `NpgsqlDataSource`, one call at a time, medians over the iterations. Ranker: {BreakdownRanker ?? "?"}. " +
                          "Candidate SQL = `Candidates.FindAsync` (one statement; the learner's context is read before it, untimed); features = `FeatureVector.Compute` over the candidates; " +
                          "score = `ranker.Score`; whole = `RecommendationService.RecommendAsync` (one batch for the taxonomy, the place and the exchange rate, validation, " +
                          "candidates, features, scoring, tracks, path, reasons, storing the profile and the plan with EF); rest = whole − candidate SQL − features − score. " +
                          "Constant = the same `RecommendAsync` with an `IRankerSource` whose score is always 0 (alternated with the real one, iteration by iteration). " +
                          "Overhead = median over iterations of (whole with the ranker ÷ whole with the constant scorer, run back to back) − 1 (noisy on a shared machine); " +
                          "ranker's own = (score p50 − constant score p50) ÷ constant whole p50: the time scoring adds, measured on the part itself (the target's verdict). EXPLAIN = server execution time of the candidate statement (plans in bench/results/plans/*-recommendations.txt).");
            sb.AppendLine();
            sb.AppendLine("| size | learner | n | whole p50 | p95 | candidate SQL p50 (share) | features p50 | score p50 | scoring share | rest share | constant whole p50 | p95 | overhead | ranker's own | EXPLAIN ms |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var s in Sizes)
                foreach (var r in s.Recommendations.Where(r => r.Breakdown is not null))
                {
                    var b = r.Breakdown!;
                    sb.AppendLine($"| {SizeLabel(s.Size)} | {r.Learner.Name} | {b.Iterations} | {Ms(b.WholeP50)} | {Ms(b.WholeP95)} | {Ms(b.CandidatesP50)} ({b.CandidateShare:0%}) | " +
                                  $"{Ms(b.FeaturesP50)} | {Ms(b.ScoreP50)} | {b.ScoringShare:0.0%} | {b.RestShare:0%} | {Ms(b.ConstantWholeP50)} | {Ms(b.ConstantWholeP95)} | " +
                                  $"{b.ScoringOverhead:+0.0%;-0.0%} | {b.DirectOverhead:0.0%} | {b.ExplainMs ?? "–"} |");
                }
            sb.AppendLine();
        }

        if (Demo is not null || DemoFailure is not null || Training is not null || TrainingFailure is not null)
        {
            sb.AppendLine("## Training");
            sb.AppendLine();
            if (Demo is { } d)
                sb.AppendLine($"- Demo model (`RankerTraining.TrainAsync` on the demo catalog, defaults, promote): version {d.ModelVersionId}, {d.Groups:#,0} groups / {d.Rows:#,0} rows, " +
                              $"gathered in {d.GatherSeconds:0.0} s, trained in {d.TrainSeconds:0.0} s, {d.TotalSeconds:0.0} s in all; {(d.Promoted ? "promoted" : "**not promoted**")}: {Escape(d.Reason)}");
            else if (DemoFailure is not null) sb.AppendLine($"- Demo model: failed: {Escape(DemoFailure)}");
            if (Training is { } t)
            {
                var pass = t.TrainSeconds <= TrainingBench.MaxTrainSeconds;
                sb.AppendLine($"- `RankerTrainer.Train` (LightGBM LambdaRank, the app's default `RankerSettings`: 100 iterations, 16 leaves, threads {(t.Threads == 0 ? "chosen by LightGBM" : t.Threads.ToString(CultureInfo.InvariantCulture))}) on " +
                              $"{t.Groups:#,0} groups × {t.Candidates:#,0} candidates = {t.Rows:#,0} rows of {Recommendations.FeatureVector.Count} random features with graded labels 0–4 from a hidden utility + noise: " +
                              $"**{t.TrainSeconds:0.0} s** (building the rows {t.BuildSeconds:0.0} s, not counted). Target ≤ {TrainingBench.MaxTrainSeconds:0} s on 2 cores: **{(pass ? "PASS" : "FAIL")}**.");
            }
            else if (TrainingFailure is not null) sb.AppendLine($"- Training time: failed: {Escape(TrainingFailure)}");
            sb.AppendLine();
        }

        if (Sizes.Any(s => s.Classes.Count > 0))
        {
            sb.AppendLine("## Query classes");
            sb.AppendLine();
            sb.AppendLine("`total` is the API's answer: exact, from the catalog index (`~` would mark an estimate, which the API gives only from its SQL fallback).");
            sb.AppendLine();
            sb.AppendLine($"| class | request | meaning | baseline statements | {string.Join(" | ", Sizes.Where(s => s.Classes.Count > 0).Select(s => $"total at {SizeLabel(s.Size)}"))} |");
            sb.AppendLine($"|---|---|---|---|{string.Concat(Sizes.Where(s => s.Classes.Count > 0).Select(_ => "---:|"))}");
            foreach (var q in QueryClass.All)
            {
                var cells = Sizes.Where(s => s.Classes.Count > 0).Select(s =>
                {
                    var c = s.Classes.FirstOrDefault(c => c.Query == q)?.Check;
                    if (c is null) return "–";
                    var mode = c.MatchMode is null or "words" ? "" : $" ({c.MatchMode}{(c.CorrectedQuery is null ? "" : $": “{c.CorrectedQuery}”")})";
                    return $"{c.Total:#,0}{(c.CountsAreEstimates ? "~" : "")}{mode}";
                });
                var steps = Sizes.SelectMany(s => s.Classes).LastOrDefault(c => c.Query == q)?.BaselineSteps ?? [];
                sb.AppendLine($"| {q.Name} | `{q.Path}` | {Escape(q.Meaning)} | {Escape(string.Join(" → ", steps))} | {string.Join(" | ", cells)} |");
            }
        }
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
