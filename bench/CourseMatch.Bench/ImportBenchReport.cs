using System.Globalization;
using System.Runtime;
using System.Text;
using CourseMatch.Curation;

namespace CourseMatch.Bench;

/// <summary>The import benchmark's Markdown: targets, one row per file, where the time and memory go, the file itself.</summary>
public sealed class ImportBenchReport(BenchOptions options)
{
    /// <summary>Issue 11, item 7: a 100,000-row messy catalog on this machine.</summary>
    public const int TargetRows = 100_000;
    public const double MaxDryRunSeconds = 30;
    public const double MaxCommitSeconds = 120;
    public const double MaxWorkingSetMegabytes = 1024;

    public DateTimeOffset Started { get; } = DateTimeOffset.Now;
    public string PostgresVersion { get; set; } = "?";
    public bool Cancelled { get; set; }
    public bool PeakResets { get; set; }
    public CpuSampler? Cpu { get; set; }
    public List<ImportSizeResult> Results { get; } = [];

    /// <summary>
    /// True while Core is built with the temporary stand-ins (WrittenForms passes text through unread): the written
    /// forms then make bad rows, and the figures say little about the real reader.
    /// </summary>
    public bool StandIns { get; } =
        !(WrittenForms.Read("level", "Beginner Level").Fields.TryGetValue("level", out var level) && level == "beginner");

    public IEnumerable<string> OutputPaths()
    {
        var root = Report.RepositoryRoot();
        yield return Path.Combine(root, "bench", "results", "import.md");
        yield return Path.Combine(root, "docs", "bench", "import.md");
        if (options.Output is { Length: > 0 } extra) yield return Path.GetFullPath(extra);
    }

    private static string S(double seconds) => seconds.ToString(seconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " s";
    private static string Mb(double mb) => mb.ToString("#,0", CultureInfo.InvariantCulture) + " MB";
    private static string N(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);
    private static string Step(StepResult s) => !s.Ran ? "–" : s.Failure is not null ? $"**failed** ({Escape(s.Failure)})" : S(s.Seconds);

    private static string Gc() =>
        $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC{(GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent")}";

    /// <summary>The targets for one file, as one line: seconds and memory, and whether the re-import found every imported row unchanged.</summary>
    public string CheckLine(ImportSizeResult r)
    {
        var parts = new List<string>();
        string Verdict(bool pass) => pass ? "PASS" : "FAIL";
        void Time(StepResult s, double max)
        {
            if (!s.Ran) return;
            parts.Add(s.Failure is not null ? $"{s.Name}: FAIL ({Escape(s.Failure)})" : $"{s.Name} {S(s.Seconds)} ≤ {max:0} s: {Verdict(s.Seconds <= max)}");
        }
        Time(r.DryRun, MaxDryRunSeconds);
        Time(r.Commit, MaxCommitSeconds);
        Time(r.Reimport, MaxDryRunSeconds);
        var ran = r.Steps.Where(s => s.Ran).ToList();
        if (ran.Count > 0)
        {
            var peak = ran.Max(s => s.PeakWorkingSetMegabytes);
            parts.Add($"peak working set {Mb(peak)} ≤ {Mb(MaxWorkingSetMegabytes)}: {Verdict(peak <= MaxWorkingSetMegabytes)}");
        }
        if (r.Commit.Counts is { } c && r.Reimport.Counts is { } again)
        {
            var imported = c.Imported;
            var pass = again.Unchanged == imported && again.Creates == 0 && again.Updates == 0;
            if (imported == 0) parts.Add("re-import: nothing was imported, so there is nothing to find unchanged");
            else parts.Add($"re-import finds every imported row unchanged: {Verdict(pass)} ({N(again.Unchanged)} unchanged of {N(imported)} imported, " +
                      $"{N(again.Creates)} to create, {N(again.Updates)} to update)");
        }
        if (r.Commit.Counts is { Committed: true } committed && r.FeedCourses >= 0)
            parts.Add($"in the database: {N(r.FeedCourses)} courses keyed by the feed ({Verdict(r.FeedCourses == committed.Creates)}), {N(r.ProvidersAdded)} providers added");
        if (r.Commit.Counts is { Committed: false } refused && r.Commit.Failure is null)
            parts.Add($"**nothing committed**: {Escape(refused.FileError ?? refused.Summary)}");
        var scope = r.Rows == TargetRows ? "" : $" (the targets are for {TargetRows:#,0} rows; for information)";
        return $"**{r.Label}**{scope}: {(r.Failure is not null ? $"failed: {Escape(r.Failure)}; " : "")}{string.Join("; ", parts.DefaultIfEmpty("no results"))}";
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Import benchmark: a messy aggregator catalog");
        sb.AppendLine();
        sb.AppendLine($"{Started:yyyy-MM-dd HH:mm zzz} · machine: {Report.Machine()} · {Gc()} · PostgreSQL {PostgresVersion} (throwaway cluster, fsync off, shared_buffers 256MB) · " +
                      $"settings: {options.Describe()}{(Cancelled ? " · **CANCELLED: partial results**" : "")}");
        sb.AppendLine();
        sb.AppendLine($"Targets (issue 11, item 7) for a generated {TargetRows:#,0}-row file in the forms real catalogs use, on this machine " +
                      $"({Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0} GiB): " +
                      $"dry run ≤ {MaxDryRunSeconds:0} s, commit ≤ {MaxCommitSeconds / 60:0} min, peak working set of the importing process ≤ {MaxWorkingSetMegabytes / 1024:0} GB.");
        sb.AppendLine();
        if (StandIns)
        {
            sb.AppendLine("**Provisional.** Core was built with the temporary stand-ins of `src/CourseMatch.Core/Curation/_Stubs.cs`: " +
                          "`WrittenForms.Read` passes every value through unread (so \"$1,481.00\", \"Beginner Level\" and \"Español\" are bad rows, and durations and " +
                          "start dates are dropped) and `ProviderDirectory` is simplified. Re-run the same command once the real ones are merged.");
            sb.AppendLine();
        }
        if (Cpu is { Available: true, Windows.Count: > 0 } cpu)
        {
            var measured = cpu.Windows.Where(w => w.Phase.StartsWith("read", StringComparison.Ordinal) || w.Phase.StartsWith("dry run", StringComparison.Ordinal)
                || w.Phase.StartsWith("commit", StringComparison.Ordinal) || w.Phase.StartsWith("re-import", StringComparison.Ordinal)).ToList();
            var seconds = measured.Sum(w => w.Seconds);
            var others = seconds == 0 ? 0 : measured.Sum(w => w.OthersPercent * w.Seconds) / seconds;
            var peak = measured.Count == 0 ? 0 : measured.Max(w => w.MaxOthersPercent);
            var verdict = others < 5 ? "the machine was otherwise idle" : others < 20 ? "**some contention**"
                : "**heavy contention: other processes took a large share of the cores, so the times are inflated**";
            sb.AppendLine($"Contention (sampled from /proc every 5 s; 100% = every core): while importing, other processes (not the bench or its PostgreSQL) used " +
                          $"{others:0}% of the machine on average, {peak:0}% at peak: {verdict}. Per phase:");
            sb.AppendLine();
            foreach (var w in cpu.Windows) sb.AppendLine($"- {w.DescribeSplit()}");
            sb.AppendLine();
        }
        sb.AppendLine("Each file is imported into a fresh database holding the migrated demo catalog, through `CatalogImport` from Core's services " +
                      "(`CourseMatchServices.BuildCore`), as the admin page and the CLI do: read with `ImportFile.Parse`, a dry run (`CheckAsync`), " +
                      "the commit (`CommitAsync`, creating new providers and skipping bad rows), then a dry run of the same file again, which should find " +
                      "every imported row unchanged. Times are wall clock in the bench process; memory is this process's (PostgreSQL's is not counted).");
        sb.AppendLine();

        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.AppendLine("| rows | forms | file | read | dry run | commit | re-import dry run | peak working set | managed heap peak | created | updated | unchanged on re-import | bad | repeats | possible duplicates | new providers |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Results)
        {
            var ran = r.Steps.Where(s => s.Ran).ToList();
            var first = r.Commit.Counts ?? r.DryRun.Counts;
            sb.AppendLine($"| {N(r.Rows)} | {r.Forms.ToString().ToLowerInvariant()} | {(r.File is { } f ? $"{MemoryWatch.Mb(f.Bytes):0.0} MB" : "–")} | {Step(r.Read)} | {Step(r.DryRun)} | {Step(r.Commit)} | {Step(r.Reimport)} | " +
                          $"{(ran.Count == 0 ? "–" : Mb(ran.Max(s => s.PeakWorkingSetMegabytes)))} | {(ran.Count == 0 ? "–" : Mb(ran.Max(s => s.PeakHeapMegabytes)))} | " +
                          $"{Count(first, x => x.Creates)} | {Count(first, x => x.Updates)} | {Count(r.Reimport.Counts, x => x.Unchanged)} | {Count(first, x => x.BadRows)} | " +
                          $"{Count(first, x => x.Repeats)} | {Count(first, x => x.PossibleDuplicates)} | {Count(first, x => x.NewProviders)} |");
        }
        sb.AppendLine();
        sb.AppendLine("Created, updated, bad, repeats, possible duplicates and new providers are the commit's (the dry run's when nothing was committed). " +
                      "Peak working set: the largest of the steps' peaks" + (PeakResets
                          ? " (the kernel's high-water mark, `PeakWorkingSet64`, reset before each step, so generating the file is not counted)."
                          : " (`PeakWorkingSet64`; the high-water mark could not be reset, so it is the process's peak so far, generation included).") +
                      " Managed heap peak: `GC.GetTotalMemory` sampled every 100 ms (live objects and garbage not yet collected).");
        sb.AppendLine();
        foreach (var r in Results) sb.AppendLine($"- {CheckLine(r)}");
        sb.AppendLine();

        foreach (var r in Results.Where(r => r.Steps.Any(s => s.Ran)))
        {
            sb.AppendLine($"## Where the time goes: {r.Label}");
            sb.AppendLine();
            sb.AppendLine("Each step cut at the import's progress reports (`IProgress<ImportProgress>`: every 1,000 rows while checking, after each batch of " +
                          "1,000 while writing). In SQL commands: the durations EF Core reports for the commands it executed (its DiagnosticListener; for a query, " +
                          "until its first rows arrive); the rest of a segment is spent in the bench process (EF Core's change tracking and command building, " +
                          "the import's own work) or waiting for the CPU. GC pauses: the time garbage collections stopped the process (`GC.GetTotalPauseDuration`). " +
                          "Allocated: managed memory allocated in the segment.");
            sb.AppendLine();
            sb.AppendLine("| step | segment | time | share of the step | in SQL commands | commands | GC pauses | allocated | |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var s in r.Steps.Where(s => s.Ran))
            {
                if (s.Segments.Count == 0)
                {
                    sb.AppendLine($"| {s.Name} | whole step | {S(s.Seconds)} | 100% | | | {S(s.GcPauseSeconds)} | {Mb(s.AllocatedMegabytes)} | |");
                    continue;
                }
                foreach (var seg in s.Segments)
                    sb.AppendLine($"| {s.Name} | {seg.Name} | {S(seg.Seconds)} | {(s.Seconds > 0 ? seg.Seconds / s.Seconds : 0):0%} | " +
                                  $"{(seg.SqlCommands == 0 ? "" : S(seg.SqlSeconds))} | {(seg.SqlCommands == 0 ? "" : N(seg.SqlCommands))} | {S(seg.GcPauseSeconds)} | {Mb(seg.AllocatedMegabytes)} | {seg.Detail} |");
            }
            sb.AppendLine();
            sb.AppendLine("| step | time | allocated | GC pauses | collections (gen 0 / 1 / 2) | working set at the start | peak working set | managed heap peak | alive after a full GC at the end |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var s in r.Steps.Where(s => s.Ran))
                sb.AppendLine($"| {s.Name} | {S(s.Seconds)} | {Mb(s.AllocatedMegabytes)} | {S(s.GcPauseSeconds)} | {s.Collections.Gen0} / {s.Collections.Gen1} / {s.Collections.Gen2} | " +
                              $"{Mb(s.StartWorkingSetMegabytes)} | {Mb(s.PeakWorkingSetMegabytes)} | {Mb(s.PeakHeapMegabytes)} | {Mb(s.RetainedHeapMegabytes)} |");
            sb.AppendLine();
            sb.AppendLine("Before each step a full, aggressive collection returns free memory to the system; the working set at the start is then the runtime, " +
                          "EF Core's model, the file's bytes and the parsed file (from the dry run on), which every later step keeps. Alive at the end includes the " +
                          "step's `ImportReport` (every row's outcome), which the caller holds.");
            sb.AppendLine();
            if (r.Steps.Any(s => s.Statements.Any(q => q.Seconds >= 0.05)))
            {
                sb.AppendLine("The SQL commands that took longest (durations as EF Core reports them):");
                sb.AppendLine();
                sb.AppendLine("| step | statement | runs | time | per run |");
                sb.AppendLine("|---|---|---:|---:|---:|");
                foreach (var s in r.Steps)
                    foreach (var q in s.Statements.Where(q => q.Seconds >= 0.05))
                        sb.AppendLine($"| {s.Name} | `{Escape(q.Text).Replace("`", "'", StringComparison.Ordinal)}` | {N(q.Count)} | {S(q.Seconds)} | " +
                                      $"{(q.Seconds * 1000 / q.Count).ToString(q.Seconds * 1000 / q.Count < 10 ? "0.00" : "0", CultureInfo.InvariantCulture)} ms |");
                sb.AppendLine();
            }
            sb.AppendLine($"Not counted: migrating and seeding the fresh database {S(r.SeedSeconds)}; generating the file {S(r.GenerateSeconds)}.");
            sb.AppendLine();
            if (r.Parts.Count > 0)
            {
                sb.AppendLine("Parts of the row loop timed alone, after the import, over the same file (the providers then include the ones the commit created):");
                sb.AppendLine();
                sb.AppendLine("| part | calls | time | per call | allocated | |");
                sb.AppendLine("|---|---:|---:|---:|---:|---|");
                foreach (var p in r.Parts)
                    sb.AppendLine($"| {Escape(p.Name)} | {N(p.Calls)} | {S(p.Seconds)} | {(p.Calls > 1 ? (p.Seconds * 1e6 / p.Calls).ToString("0.0", CultureInfo.InvariantCulture) + " µs" : "")} | " +
                                  $"{p.AllocatedMegabytes.ToString("#,0.0", CultureInfo.InvariantCulture)} MB | {Escape(p.Note ?? "")} |");
                sb.AppendLine();
            }

            if ((r.Commit.Counts ?? r.DryRun.Counts) is { BadRows: > 0 } bad)
            {
                sb.AppendLine($"Most common problems ({N(bad.BadRows)} bad rows, {N(bad.Problems)} problems; the value in quotes stands for any):");
                sb.AppendLine();
                sb.AppendLine("| problems | field | message | example value |");
                sb.AppendLine("|---:|---|---|---|");
                foreach (var g in bad.CommonProblems)
                    sb.AppendLine($"| {N(g.Count)} | {g.Field} | {Escape(g.Message)} | {Escape(g.Example ?? "")} |");
                sb.AppendLine();
            }
        }

        sb.AppendLine("## The file");
        sb.AppendLine();
        var institutions = MessyCatalog.Institutions();
        sb.AppendLine($"`MessyCatalog.Write` (seed {MessyCatalog.DefaultSeed}): UTF-8 CSV with the columns {string.Join(", ", MessyCatalog.Headers.Select(h => $"`{h}`"))}; " +
                      $"{institutions.Count} institutions ({MessyCatalog.ExistingInstitutions.Length} of them demo providers as aggregators write them, like \"The University of Michigan\"), " +
                      "a few publishing thousands of courses and most a handful; titles from word lists (\"Applied Bayesian Statistics for Nurses\"); " +
                      "prices like `$1,481.00`, `USD 49`, `49 USD`, `€30`, `£1,200.50`, `Free`, `Free Video`, `Free Trial`, `Paid Course`, `Audit`, " +
                      "`FREE-Add a Verified Certificate for $49 USD` or empty; durations like `6 Weeks`, `8 weeks, 1-2 hours a week`, `2 hours 1 minute`, `1-2 hours`, " +
                      "`3.5 total hours`, `45 minutes`, `3 months`, `2–4 hours per week`, `On-Demand`, `Self-paced`; levels `Introductory`, `Beginner Level`, `All Levels`, " +
                      "`Intermediate Level`, `Expert Level`, `Mixed`; nine languages by their own names (`Español`, `中文`, `العربية`, …); start dates as `23rd Sep, 2024`, " +
                      "`Sep 23, 2024`, `23 September 2024`, `2024-09-23` or `On-Demand`; reviews as `1,234`; descriptions of a few hundred characters, with commas, " +
                      $"quotes and line breaks; a unique URL per course (the feed's key); about {MessyCatalog.RepeatShare:0.0%} of rows byte-identical repeats of an earlier row. " +
                      "The plain forms write the same catalog with prices as amounts (a USD constant in the mapping), levels, languages and counts as stored.");
        sb.AppendLine();
        sb.AppendLine($"The file and its mapping are written to `bench/results/import/` (import them by hand with `coursematch import FILE --mapping-file FILE.mapping.json --create-providers --skip-bad`). The mapping:");
        sb.AppendLine();
        sb.AppendLine("```json");
        sb.AppendLine(MappingDocument.ToJson(MessyCatalog.Mapping(CatalogForms.Written)));
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("Generated by `dotnet run -c Release --project bench/CourseMatch.Bench -- --import-rows 100000`; see bench/README.md.");
        return sb.ToString();
    }

    private static string Count(ImportCounts? r, Func<ImportCounts, int> value) => r is null || r.FileError is not null ? "–" : N(value(r));

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
