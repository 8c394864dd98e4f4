using System.Diagnostics;
using System.Globalization;
using CourseMatch.Curation;
using CourseMatch.Data;
using CourseMatch.Tooling;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Bench;

/// <summary>One generated file imported into a fresh database: reading, dry run, commit, re-import dry run.</summary>
public sealed class ImportSizeResult(int rows, CatalogForms forms)
{
    public int Rows { get; } = rows;
    public CatalogForms Forms { get; } = forms;
    public GeneratedCatalog? File { get; set; }
    public string? FilePath { get; set; }
    public double SeedSeconds { get; set; }
    public double GenerateSeconds { get; set; }
    public int DemoCourses { get; set; }
    public StepResult Read { get; } = new("read");
    public StepResult DryRun { get; } = new("dry run");
    public StepResult Commit { get; } = new("commit");
    public StepResult Reimport { get; } = new("re-import dry run");
    public IEnumerable<StepResult> Steps => [Read, DryRun, Commit, Reimport];
    /// <summary>Parts of the import timed alone after it (see <see cref="ImportBench"/>).</summary>
    public List<PartTiming> Parts { get; } = [];
    /// <summary>After the commit, counted in the database: the courses this feed keys and the providers added.</summary>
    public long FeedCourses { get; set; } = -1;
    public long ProvidersAdded { get; set; } = -1;
    public string? Failure { get; set; }
    public string Label => $"{Report.SizeLabel(Rows)}, {Forms.ToString().ToLowerInvariant()} forms";
}

/// <summary>
/// The import benchmark (bench/README.md, "Import"): a messy aggregator catalog of N rows read with ImportFile.Parse
/// and imported through CatalogImport as the CLI and the admin page do (new providers created, bad rows skipped),
/// then the same file checked again, which should find every imported row unchanged.
/// </summary>
public static class ImportBench
{
    public const string Actor = "bench";

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var report = new ImportBenchReport(options);
        BenchProgram.Log($"CourseMatch import benchmark: {options.Describe()}");
        if (report.StandIns) BenchProgram.Log("Built with the stand-ins of src/CourseMatch.Core/Curation/_Stubs.cs: written forms are not read, so the figures are provisional.");
        try
        {
            BenchProgram.Log("Starting a throwaway PostgreSQL cluster…");
            var pg = await LocalPostgres.StartThrowawayAsync("bench");
            await using var stopCluster = options.KeepCluster ? null : pg;
            await using var cpu = new CpuSampler(pg.DataDirectory);
            report.Cpu = cpu;
            using var memory = new MemoryWatch();
            using var sql = new SqlTimer();
            report.PeakResets = memory.PeakResets;
            await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres") + ";Pooling=false"))
            {
                await admin.OpenAsync(ct);
                await using var version = new NpgsqlCommand("SHOW server_version", admin);
                report.PostgresVersion = (string?)await version.ExecuteScalarAsync(ct) ?? "?";
            }

            var stopped = false;
            foreach (var rows in options.ImportRows)
                foreach (var forms in options.ImportForms)
                {
                    ct.ThrowIfCancellationRequested();
                    var result = new ImportSizeResult(rows, forms);
                    report.Results.Add(result);
                    if (stopped)
                    {
                        result.Failure = "not run: an earlier step was abandoned and may still be running";
                        continue;
                    }
                    try
                    {
                        stopped = !await RunOneAsync(pg, result, options, cpu, memory, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        result.Failure = $"{e.GetType().Name}: {e.Message}";
                        BenchProgram.Log($"   FAILED: {result.Failure}");
                    }
                    NpgsqlConnection.ClearAllPools();
                }
            cpu.Phase("idle");
            if (options.KeepCluster)
            {
                BenchProgram.Log($"The cluster keeps running: {pg.ConnectionString("postgres")}");
                BenchProgram.Log($"Stop and delete it with: runuser -u postgres -- {Path.Combine(LocalPostgres.FindBinaries(), "pg_ctl")} -D {pg.DataDirectory} -m fast stop && rm -rf {pg.DataDirectory}");
            }
            else BenchProgram.Log("Stopping and deleting the cluster…");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            BenchProgram.Log("Cancelled; the partial results follow.");
            report.Cancelled = true;
        }

        var markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        foreach (var path in report.OutputPaths())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, markdown, CancellationToken.None);
            BenchProgram.Log($"Wrote {path}");
        }
        return report.Cancelled ? 130 : report.Results.Any(r => r.Failure is not null || r.Steps.Any(s => s.Failure is not null)) ? 1 : 0;
    }

    /// <summary>One file in its own database. False when a step was abandoned (it may still be running, so nothing more is measured).</summary>
    private static async Task<bool> RunOneAsync(LocalPostgres pg, ImportSizeResult result, BenchOptions options, CpuSampler cpu, MemoryWatch memory, CancellationToken ct)
    {
        BenchProgram.Log($"== {result.Label}");
        var database = $"import_{result.Rows}_{result.Forms.ToString().ToLowerInvariant()}";
        cpu.Phase("setup");
        var clock = Stopwatch.StartNew();
        await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres") + ";Pooling=false"))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        await using var db = NpgsqlDataSource.Create(pg.ConnectionString(database));
        await Database.MigrateAsync(db, ct);
        result.DemoCourses = await Database.SeedDemoAsync(db, ct);
        result.SeedSeconds = clock.Elapsed.TotalSeconds;
        var providersBefore = await ScalarAsync(db, "SELECT count(*) FROM providers", ct);
        BenchProgram.Log($"   fresh database {database}: migrated and seeded {result.DemoCourses} demo courses in {result.SeedSeconds:0.0} s");

        // The file goes to disk (streamed, so generating it does not count against the import's memory) and is read back.
        cpu.Phase("generate");
        var directory = Path.Combine(Report.RepositoryRoot(), "bench", "results", "import");
        Directory.CreateDirectory(directory);
        var name = $"messy-{result.Rows}{(result.Forms == CatalogForms.Plain ? "-plain" : "")}";
        result.FilePath = Path.Combine(directory, name + ".csv");
        var mapping = MessyCatalog.Mapping(result.Forms);
        clock.Restart();
        await using (var output = File.Create(result.FilePath))
            result.File = MessyCatalog.Write(output, result.Rows, result.Forms);
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".mapping.json"), MappingDocument.ToJson(mapping), ct);
        result.GenerateSeconds = clock.Elapsed.TotalSeconds;
        BenchProgram.Log($"   generated {result.FilePath}: {result.File.Rows:#,0} rows ({result.File.Repeats:#,0} repeats), " +
                         $"{MemoryWatch.Mb(result.File.Bytes):0.0} MB, {result.File.Institutions} institutions, in {result.GenerateSeconds:0.0} s");
        var bytes = await File.ReadAllBytesAsync(result.FilePath, ct);

        cpu.Phase($"read {result.Label}");
        var mark = memory.Begin(result.Read);
        clock.Restart();
        var file = ImportFile.Parse(bytes, Path.GetFileName(result.FilePath));
        result.Read.Seconds = clock.Elapsed.TotalSeconds;
        result.Read.Ran = true;
        memory.End(result.Read, mark);
        if (file.Error is not null)
        {
            result.Read.Failure = file.Error;
            BenchProgram.Log($"   FAILED to read: {file.Error}");
            return true;
        }
        BenchProgram.Log($"   read {file.Rows.Count:#,0} rows in {result.Read.Seconds:0.0} s");

        await using var services = CourseMatchServices.BuildCore(db);
        var import = services.GetRequiredService<CatalogImport>();
        var request = new ImportRequest { Mapping = mapping, CreateProviders = true, SkipBad = true };
        var limit = TimeSpan.FromSeconds(options.ImportLimitSeconds);
        // Each stage of a step is a phase of the CPU sampler, so the report shows whether the bench or PostgreSQL was busy in it.
        Action<string> Stage(string step) => stage => cpu.Phase($"{step} {result.Label}: {stage}");

        cpu.Phase($"dry run {result.Label}");
        if (!await StepAsync(result.DryRun, memory, limit, (progress, token) => import.CheckAsync(file, request, progress, token), Stage("dry run"), ct)) return false;
        cpu.Phase($"commit {result.Label}");
        if (!await StepAsync(result.Commit, memory, limit, (progress, token) => import.CommitAsync(file, request, Actor, progress, token), Stage("commit"), ct)) return false;
        if (result.Commit.Counts is { Committed: true })
        {
            result.FeedCourses = await ScalarAsync(db, $"SELECT count(*) FROM course_sources WHERE feed = '{MessyCatalog.Feed}'", ct);
            result.ProvidersAdded = await ScalarAsync(db, "SELECT count(*) FROM providers", ct) - providersBefore;
            BenchProgram.Log($"   in the database: {result.FeedCourses:#,0} courses keyed by {MessyCatalog.Feed}, {result.ProvidersAdded:#,0} providers added");
        }
        cpu.Phase($"re-import {result.Label}");
        if (!await StepAsync(result.Reimport, memory, limit, (progress, token) => import.CheckAsync(file, request, progress, token), Stage("re-import"), ct)) return false;
        cpu.Phase("parts timed alone");
        await TimePartsAsync(result, file, mapping, services, ct);
        cpu.Phase("setup");
        GC.KeepAlive(bytes);
        return true;
    }

    /// <summary>Runs one import call, timed, with its memory and segments; false when it overran the limit and was abandoned.</summary>
    private static async Task<bool> StepAsync(StepResult step, MemoryWatch memory, TimeSpan limit,
        Func<IProgress<ImportProgress>, CancellationToken, Task<ImportReport>> run, Action<string> onStage, CancellationToken ct)
    {
        using var stepCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var mark = memory.Begin(step);
        var statements = SqlTimer.Snapshot();
        var progress = new ProgressClock(step.Name, onStage);
        var task = Task.Run(() => run(progress, stepCancel.Token), CancellationToken.None);
        var finished = true;
        if (await Task.WhenAny(task, Task.Delay(limit, ct)) != task)
        {
            // Cancelling is honoured only between batches; a loop that does not look at the token runs on.
            var where = progress.Last;
            await stepCancel.CancelAsync();
            finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10), ct)) == task;
            step.Failure = $"abandoned after {limit.TotalSeconds:#,0} s (the limit), {where}" + (finished ? "" : "; it did not stop when cancelled");
        }
        var seconds = progress.Seconds;
        var allocated = GC.GetTotalAllocatedBytes();
        if (task.IsCompletedSuccessfully) step.Counts = ImportCounts.From(task.Result);
        else if (task.IsFaulted && step.Failure is null) step.Failure = $"{task.Exception!.InnerException!.GetType().Name}: {task.Exception.InnerException.Message}";
        step.Ran = true;
        step.Seconds = seconds;
        step.Segments = progress.Segments(seconds, allocated);
        step.Statements = SqlTimer.Slowest(statements, 6);
        memory.End(step, mark);
        BenchProgram.Log($"   {step.Name}: {(step.Failure is null ? $"{seconds:0.0} s" : $"FAILED: {step.Failure}")}; " +
                         $"peak working set {step.PeakWorkingSetMegabytes:#,0} MB, managed heap peak {step.PeakHeapMegabytes:#,0} MB, {step.AllocatedMegabytes:#,0} MB allocated" +
                         (step.Counts is { } r ? $" | {r.Summary}" : ""));
        return finished;
    }

    /// <summary>
    /// Parts the import runs for every row, timed alone over the whole file: the catalog lookups it loads first, the
    /// provider lookup of each row's provider, and the reading of each mapped cell (<see cref="WrittenForms.Read"/>).
    /// They say how much of a step's row loop is the reader and the directory, and they change when those are replaced.
    /// </summary>
    private static async Task TimePartsAsync(ImportSizeResult result, ImportFile file, MappingDocument mapping, IServiceProvider services, CancellationToken ct)
    {
        var dbs = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<CourseMatchDb>>();
        void Add(string name, long started, long allocated, long calls, string? note = null) =>
            result.Parts.Add(new PartTiming(name, Stopwatch.GetElapsedTime(started).TotalSeconds, calls,
                MemoryWatch.Mb(GC.GetTotalAllocatedBytes(precise: true) - allocated), note));

        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var (started, allocated) = (Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(precise: true));
            await CatalogLookups.LoadAsync(db, ct);
            Add("CatalogLookups.LoadAsync (providers, skills, every course's slug, places)", started, allocated, 1);

            (started, allocated) = (Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(precise: true));
            var providers = await Catalog.ProviderDirectory.LoadAsync(db, ct);
            var count = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Providers, ct);
            Add("ProviderDirectory.LoadAsync", started, allocated, 1, $"{count:#,0} providers");

            var source = mapping.Fields["provider"];
            var names = file.Rows.Select(r => mapping.RawValue("provider", source, r.Cells)).OfType<string>().ToList();
            (started, allocated) = (Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(precise: true));
            var found = 0;
            foreach (var name in names) if (providers.TryFind(name, out _)) found++;
            Add("ProviderDirectory.TryFind, each row's provider", started, allocated, names.Count, $"{found:#,0} found");
        }

        var totalStarted = Stopwatch.GetTimestamp();
        long calls = 0;
        foreach (var (field, source) in mapping.Fields)
        {
            ct.ThrowIfCancellationRequested();
            var raws = file.Rows.Select(r => mapping.RawValue(field, source, r.Cells)).Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
            var (started, allocated) = (Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(precise: true));
            var refused = 0;
            foreach (var raw in raws) if (WrittenForms.Read(field, raw).Error is not null) refused++;
            Add($"WrittenForms.Read(\"{field}\")", started, allocated, raws.Count, refused == 0 ? null : $"{refused:#,0} refused");
            calls += raws.Count;
        }
        var readSeconds = result.Parts.Where(p => p.Name.StartsWith("WrittenForms.Read", StringComparison.Ordinal)).Sum(p => p.Seconds);
        result.Parts.Add(new PartTiming("WrittenForms.Read, every mapped cell", readSeconds, calls,
            result.Parts.Where(p => p.Name.StartsWith("WrittenForms.Read", StringComparison.Ordinal)).Sum(p => p.AllocatedMegabytes),
            $"{Stopwatch.GetElapsedTime(totalStarted).TotalSeconds:0.0} s with taking the cells (MappingDocument.RawValue), not counted"));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
