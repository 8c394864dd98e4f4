using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CourseMatch.Catalog;

namespace CourseMatch.Bench;

public sealed record ApiCheck(int Total, bool TotalIsLowerBound, string? MatchMode, string? CorrectedQuery, int Facets, int Bytes);

public sealed class ClassResult(QueryClass query)
{
    public QueryClass Query { get; } = query;
    public ApiCheck? Check { get; set; }
    public List<string> BaselineSteps { get; set; } = [];
    public Measurement? Api { get; set; }
    public Measurement? Baseline { get; set; }
    public Measurement? SingleApi { get; set; }
    public Measurement? SingleBaseline { get; set; }
    /// <summary>EXPLAIN ANALYZE execution time of each search statement, "a + b" for several.</summary>
    public string? ExecutionMs { get; set; }
    public string? Failure { get; set; }
    public double Ratio => Api is null || Baseline is null ? double.NaN : Api.P95 / Baseline.P95;
}

public sealed class SizeResult(int size)
{
    public int Size { get; } = size;
    public int Added { get; set; }
    public double LoadSeconds { get; set; }
    public double PrepareSeconds { get; set; }
    public long Courses { get; set; }
    public long TableMegabytes { get; set; }
    public List<ClassResult> Classes { get; } = [];
}

/// <summary>The Markdown report: header, load times, latency table, target checks, query classes.</summary>
public sealed class Report(BenchOptions options)
{
    public const double MaxRatioToBaseline = 1.5;
    public const double MaxSlowestToMedian = 3.0;
    public const double MaxP95AtMillionMs = 100;

    public DateTimeOffset Started { get; } = DateTimeOffset.Now;
    public string PostgresVersion { get; set; } = "?";
    public bool Cancelled { get; set; }
    public List<SizeResult> Sizes { get; } = [];

    public static string SizeLabel(int size) => size switch
    {
        >= 1_000_000 when size % 1_000_000 == 0 => $"{size / 1_000_000}M",
        >= 1_000 when size % 1_000 == 0 => $"{size / 1_000}k",
        _ => size.ToString("#,0", CultureInfo.InvariantCulture),
    };

    private static string Ms(double v) => double.IsNaN(v) ? "–" : v < 10 ? v.ToString("0.00", CultureInfo.InvariantCulture) : v.ToString("0.0", CultureInfo.InvariantCulture);

    public string ConsoleLine(SizeResult size, ClassResult c) => c.Failure is not null
        ? $"{c.Query.Name,-10} FAILED: {c.Failure}"
        : $"{c.Query.Name,-10} API p50/p95/p99 {Ms(c.Api!.P50)}/{Ms(c.Api.P95)}/{Ms(c.Api.P99)} ms, {c.Api.PerSecond:0} req/s" +
          $" | baseline {Ms(c.Baseline!.P50)}/{Ms(c.Baseline.P95)}/{Ms(c.Baseline.P99)} ms, {c.Baseline.PerSecond:0}/s | ratio p95 {c.Ratio:0.00}" +
          $" | total {c.Check!.Total}{(c.Check.TotalIsLowerBound ? "+" : "")}{Errors(c)}";

    private static string Errors(ClassResult c)
    {
        var n = (c.Api?.Errors ?? 0) + (c.Baseline?.Errors ?? 0);
        return n == 0 ? "" : $" | {n} errors, first: {c.Api?.FirstError ?? c.Baseline?.FirstError}";
    }

    /// <summary>The targets for one size, as one line.</summary>
    public string CheckLine(SizeResult s)
    {
        var ok = s.Classes.Where(c => c.Failure is null && c.Api is { Errors: 0 } && c.Baseline is { Errors: 0 }).ToList();
        var parts = new List<string>();
        if (ok.Count < s.Classes.Count)
            parts.Add($"FAIL: {string.Join(", ", s.Classes.Except(ok).Select(c => c.Query.Name))} failed or had errors");
        if (ok.Count == 0) return $"**{SizeLabel(s.Size)}**: {string.Join("; ", parts.DefaultIfEmpty("no results"))}";

        var worst = ok.MaxBy(c => c.Ratio)!;
        var over = ok.Where(c => c.Ratio > MaxRatioToBaseline).Select(c => $"{c.Query.Name} {c.Ratio:0.00}×").ToList();
        parts.Add(over.Count == 0
            ? $"p95 ≤ {MaxRatioToBaseline}× baseline: PASS (highest {worst.Query.Name} {worst.Ratio:0.00}×)"
            : $"p95 ≤ {MaxRatioToBaseline}× baseline: FAIL ({string.Join(", ", over)})");

        var p95s = ok.Select(c => c.Api!.P95).Order().ToList();
        var median = p95s.Count % 2 == 1 ? p95s[p95s.Count / 2] : (p95s[p95s.Count / 2 - 1] + p95s[p95s.Count / 2]) / 2;
        var slowest = ok.MaxBy(c => c.Api!.P95)!;
        var spread = slowest.Api!.P95 / median;
        parts.Add($"slowest p95 ≤ {MaxSlowestToMedian}× median: {(spread <= MaxSlowestToMedian ? "PASS" : "FAIL")} " +
                  $"({slowest.Query.Name} {Ms(slowest.Api.P95)} ms vs median {Ms(median)} ms = {spread:0.0}×)");

        if (s.Size >= 1_000_000)
        {
            var slow = ok.Where(c => c.Api!.P95 > MaxP95AtMillionMs).Select(c => $"{c.Query.Name} {Ms(c.Api!.P95)} ms").ToList();
            parts.Add(slow.Count == 0
                ? $"every p95 ≤ {MaxP95AtMillionMs} ms: PASS (slowest {Ms(slowest.Api.P95)} ms)"
                : $"every p95 ≤ {MaxP95AtMillionMs} ms: FAIL ({string.Join(", ", slow)})");
        }
        return $"**{SizeLabel(s.Size)}**: {string.Join("; ", parts)}";
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

    private static string Machine()
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
        sb.AppendLine("# Catalog search benchmark");
        sb.AppendLine();
        sb.AppendLine($"{Started:yyyy-MM-dd HH:mm zzz} · machine: {Machine()} · PostgreSQL {PostgresVersion} (throwaway cluster, fsync off, shared_buffers 256MB) · " +
                      $"settings: {options.Describe()}{(Cancelled ? " · **CANCELLED: partial results**" : "")}");
        sb.AppendLine();
        sb.AppendLine("API = `GET /api/courses?…` over HTTP/1.1 to the real app on Kestrel (127.0.0.1), facets included, whole body read. " +
                      "Baseline = the same SQL from `CatalogSearch.Build(...)` run directly with `NpgsqlDataSource` (typo: the same three statements the service runs). " +
                      "Latencies in milliseconds. Generated by `bench/CourseMatch.Bench`; see bench/README.md.");
        sb.AppendLine();

        sb.AppendLine("## Synthetic load");
        sb.AppendLine();
        sb.AppendLine("| size | courses added | load time | vocabulary + VACUUM ANALYZE | published courses | courses table + indexes |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var s in Sizes)
            sb.AppendLine($"| {SizeLabel(s.Size)} | {s.Added:#,0} | {s.LoadSeconds:0.0} s | {s.PrepareSeconds:0.0} s | {s.Courses:#,0} | {s.TableMegabytes:#,0} MB |");
        sb.AppendLine();

        if (Sizes.Any(s => s.Classes.Count > 0))
        {
            sb.AppendLine("## Latency");
            sb.AppendLine();
            sb.AppendLine("| size | class | API p50 | p95 | p99 | req/s | baseline p50 | p95 | p99 | ratio p95 (API/baseline) |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var s in Sizes)
                foreach (var c in s.Classes)
                {
                    if (c.Failure is not null || c.Api is null || c.Baseline is null)
                    {
                        sb.AppendLine($"| {SizeLabel(s.Size)} | {c.Query.Name} | failed: {Escape(c.Failure ?? "no result")} | | | | | | | |");
                        continue;
                    }
                    sb.AppendLine($"| {SizeLabel(s.Size)} | {c.Query.Name} | {Ms(c.Api.P50)} | {Ms(c.Api.P95)} | {Ms(c.Api.P99)} | {c.Api.PerSecond:0} | " +
                                  $"{Ms(c.Baseline.P50)} | {Ms(c.Baseline.P95)} | {Ms(c.Baseline.P99)} | {c.Ratio:0.00} |");
                }
            sb.AppendLine();

            sb.AppendLine("## Targets");
            sb.AppendLine();
            sb.AppendLine($"Every class p95 ≤ {MaxRatioToBaseline}× its baseline p95; slowest class p95 ≤ {MaxSlowestToMedian}× the median class p95; at 1M every class p95 ≤ {MaxP95AtMillionMs} ms.");
            sb.AppendLine();
            foreach (var s in Sizes.Where(s => s.Classes.Count > 0))
                sb.AppendLine($"- {CheckLine(s)}");
            sb.AppendLine();

            sb.AppendLine("## One client");
            sb.AppendLine();
            sb.AppendLine("The same requests with a single client after the measurement above: what one request costs without queueing. " +
                          "`EXPLAIN ANALYZE` is the server's execution time of each search statement, run once (plans in bench/results/plans/).");
            sb.AppendLine();
            sb.AppendLine("| size | class | API p50 | API p95 | baseline p50 | baseline p95 | EXPLAIN ANALYZE ms |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var s in Sizes)
                foreach (var c in s.Classes.Where(c => c.SingleApi is not null && c.SingleBaseline is not null))
                    sb.AppendLine($"| {SizeLabel(s.Size)} | {c.Query.Name} | {Ms(c.SingleApi!.P50)} | {Ms(c.SingleApi.P95)} | {Ms(c.SingleBaseline!.P50)} | {Ms(c.SingleBaseline.P95)} | {c.ExecutionMs} |");
            sb.AppendLine();

            var errors = Sizes.SelectMany(s => s.Classes.Select(c => (s, c))).Where(x => (x.c.Api?.Errors ?? 0) + (x.c.Baseline?.Errors ?? 0) > 0).ToList();
            if (errors.Count > 0)
            {
                sb.AppendLine("Errors during measurement:");
                sb.AppendLine();
                foreach (var (s, c) in errors)
                    sb.AppendLine($"- {SizeLabel(s.Size)} {c.Query.Name}: API {c.Api?.Errors ?? 0} ({c.Api?.FirstError}), baseline {c.Baseline?.Errors ?? 0} ({c.Baseline?.FirstError})");
                sb.AppendLine();
            }

            sb.AppendLine("## Query classes");
            sb.AppendLine();
            sb.AppendLine($"`total` is the API's answer (`+`: at least; counting stops at the {CatalogSearch.CandidateCap:#,0}-candidate cap).");
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
                    return $"{c.Total:#,0}{(c.TotalIsLowerBound ? "+" : "")}{mode}";
                });
                var steps = Sizes.SelectMany(s => s.Classes).LastOrDefault(c => c.Query == q)?.BaselineSteps ?? [];
                sb.AppendLine($"| {q.Name} | `{q.Path}` | {Escape(q.Meaning)} | {Escape(string.Join(" → ", steps))} | {string.Join(" | ", cells)} |");
            }
        }
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
