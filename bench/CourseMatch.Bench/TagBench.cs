using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CourseMatch.Curation;
using CourseMatch.Data;
using CourseMatch.Tagging;
using CourseMatch.Tooling;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Bench;

/// <summary>
/// The tagging benchmark (bench/README.md, "Tagging"), issue 12's speed targets: tag 10,000 imported courses in at
/// most 5 minutes, and tag 100,000 in the background of a serving app without raising catalog search p95 by more than
/// 20%. Also what the text encoder costs in memory.
/// </summary>
public static class TagBench
{
    public const double MaxForegroundSeconds = 300;
    public const double MaxP95Increase = 0.20;

    /// <summary>Catalog searches a visitor makes; the imported catalog is real-looking text, so these match it.</summary>
    private static readonly string[] Searches =
    [
        "/api/courses?q=python", "/api/courses?q=linear+algebra", "/api/courses?q=statistics&format=online",
        "/api/courses?price=free", "/api/courses?level=beginner&q=data", "/api/courses",
    ];

    private sealed class Result
    {
        public DateTimeOffset Started { get; } = DateTimeOffset.Now;
        public string PostgresVersion = "?";
        public int Imported, Generated;
        public double ImportSeconds, TrainSeconds;
        public TaggerTrainingResult? Trained;
        public double EncoderLoadMb, EncoderLoadSeconds;
        public TagOutcome? Foreground;
        public double ForegroundSeconds, ForegroundPeakMb;
        public Measurement? Idle, During, IdlePaced, DuringPaced;
        public double AppIdleMb, AppDuringMb;
        public int BackgroundTotal, BackgroundDoneAtStart, BackgroundDoneAtEnd;
        public double BackgroundWindowSeconds;
        public bool BackgroundRanThroughout;
        public string? Failure;
        public List<CpuWindow> Cpu = [];
    }

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var r = new Result();
        var foreground = options.TagRows!.Value;
        var total = foreground + options.TagBackgroundRows;
        BenchProgram.Log($"CourseMatch tagging benchmark: {options.Describe()}");
        try
        {
            BenchProgram.Log("Starting a throwaway PostgreSQL cluster…");
            var pg = await LocalPostgres.StartThrowawayAsync("bench");
            await using var stopCluster = pg;
            await using var cpu = new CpuSampler(pg.DataDirectory);
            cpu.Phase("setup");
            await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres") + ";Pooling=false"))
            {
                await admin.OpenAsync(ct);
                await using var create = new NpgsqlCommand("CREATE DATABASE tagging", admin);
                await create.ExecuteNonQueryAsync(ct);
                await using var version = new NpgsqlCommand("SHOW server_version", admin);
                r.PostgresVersion = (string?)await version.ExecuteScalarAsync(ct) ?? "?";
            }
            var connectionString = pg.ConnectionString("tagging");
            await using var db = NpgsqlDataSource.Create(connectionString);
            await Database.MigrateAsync(db, ct);
            await Database.SeedDemoAsync(db, ct);

            await using (var services = CourseMatchServices.BuildCore(db))
            {
                // What the encoder costs on its own, measured first, before anything else has grown the process.
                var embedder = services.GetRequiredService<TextEmbedder>();
                var before = SettledMb();
                var clock = Stopwatch.StartNew();
                embedder.Encode(["Linear algebra for machine learning"], ct);
                (r.EncoderLoadSeconds, r.EncoderLoadMb) = (clock.Elapsed.TotalSeconds, SettledMb() - before);
                BenchProgram.Log($"   text encoder loaded in {r.EncoderLoadSeconds:0.0} s, +{r.EncoderLoadMb:0} MB working set");

                cpu.Phase("import");
                BenchProgram.Log($"Generating and importing {total:#,0} messy aggregator rows (untagged courses)…");
                var bytes = new MemoryStream();
                var generated = MessyCatalog.Write(bytes, total, CatalogForms.Written);
                r.Generated = generated.Rows;
                var file = ImportFile.Parse(bytes.ToArray(), "messy.csv");
                if (file.Error is not null) throw new InvalidOperationException(file.Error);
                clock.Restart();
                var imported = await services.GetRequiredService<CatalogImport>().CommitAsync(file,
                    new ImportRequest { Mapping = MessyCatalog.Mapping(CatalogForms.Written), CreateProviders = true, SkipBad = true }, ImportBench.Actor, null, ct);
                r.ImportSeconds = clock.Elapsed.TotalSeconds;
                r.Imported = imported.Creates;
                BenchProgram.Log($"   imported {r.Imported:#,0} courses in {r.ImportSeconds:0} s");

                cpu.Phase("train");
                clock.Restart();
                r.Trained = await services.GetRequiredService<TaggerTraining>().TrainAsync(ct: ct);
                r.TrainSeconds = clock.Elapsed.TotalSeconds;
                BenchProgram.Log($"   trained tagger {r.Trained.ModelId} in {r.TrainSeconds:0} s (promoted: {r.Trained.Promoted}, threshold {r.Trained.Threshold:0.000})");
                if (!r.Trained.Promoted) throw new InvalidOperationException("The trained tagger was not promoted (it does not beat the keyword baseline?), so nothing can be tagged.");

                cpu.Phase($"tag {foreground:#,0} (foreground)");
                var ids = await UntaggedAsync(db, foreground, ct);
                BenchProgram.Log($"Tagging {ids.Count:#,0} courses in the foreground, as `coursematch tag --untagged` does…");
                using (var peak = new PeakSampler())
                {
                    clock.Restart();
                    r.Foreground = await services.GetRequiredService<CourseTagging>().TagAsync(new TagRequest { CourseIds = ids }, null, ct);
                    r.ForegroundSeconds = clock.Elapsed.TotalSeconds;
                    r.ForegroundPeakMb = peak.PeakMb;
                }
                BenchProgram.Log($"   {r.Foreground.Proposed:#,0} proposals in {r.ForegroundSeconds:0} s ({r.Foreground.Courses / r.ForegroundSeconds:0.0} courses/s): " +
                                 $"{r.Foreground.Applied:#,0} applied, {r.Foreground.Outside:#,0} outside, {r.Foreground.NotEnoughText:#,0} too short" + (r.Foreground.Problem is { } p ? $"; {p}" : ""));
            }

            await BackgroundAsync(r, options, connectionString, db, cpu, ct);
            cpu.Phase("idle");
            r.Cpu = [.. cpu.Windows];
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            r.Failure = $"{e.GetType().Name}: {e.Message}";
            BenchProgram.Log($"FAILED: {r.Failure}");
        }

        var markdown = ToMarkdown(r, options);
        Console.WriteLine();
        Console.WriteLine(markdown);
        var root = Report.RepositoryRoot();
        foreach (var path in new[] { Path.Combine(root, "bench", "results", "tagging.md"), Path.Combine(root, "docs", "bench", "tagging.md") }
                     .Concat(options.Output is { Length: > 0 } o ? [Path.GetFullPath(o)] : []))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, markdown, CancellationToken.None);
            BenchProgram.Log($"Wrote {path}");
        }
        return r.Failure is null ? 0 : 1;
    }

    /// <summary>
    /// The web app on the same database: catalog searches measured while nothing else runs, then while the app's own
    /// background run tags the rest of the untagged courses (started as the import page starts it).
    /// </summary>
    private static async Task BackgroundAsync(Result r, BenchOptions options, string connectionString, NpgsqlDataSource db, CpuSampler cpu, CancellationToken ct)
    {
        var window = TimeSpan.FromSeconds(options.TagWindowSeconds);
        var warmup = TimeSpan.FromSeconds(3);
        var app = BenchApp.Start(connectionString);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            { BaseAddress = app.BaseAddress, Timeout = LoadRunner.OperationTimeout };
            var next = -1;
            async Task Search(CancellationToken token)
            {
                var path = Searches[(int)((uint)Interlocked.Increment(ref next) % Searches.Length)];
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, token);
                if (response.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}.");
                await (await response.Content.ReadAsStreamAsync(token)).CopyToAsync(Stream.Null, token);
            }

            cpu.Phase("searches, nothing else running");
            BenchProgram.Log($"Catalog searches for {window.TotalSeconds:0} s at {options.TagRate} a second, then {window.TotalSeconds:0} s from {options.TagClients} clients as fast as answered; nothing else running…");
            r.IdlePaced = await LoadRunner.MeasurePacedAsync(Search, options.TagRate, warmup, window, ct);
            r.Idle = await LoadRunner.MeasureAsync(Search, options.TagClients, warmup, window, ct);
            r.AppIdleMb = SettledMb();
            BenchProgram.Log($"   paced p95 {r.IdlePaced.P95:0.0} ms; flat out p95 {r.Idle.P95:0.0} ms, {r.Idle.PerSecond:0} searches/s; process {r.AppIdleMb:0} MB");

            var tagging = app.Services.GetRequiredService<CourseTagging>();
            r.BackgroundTotal = (await UntaggedAsync(db, int.MaxValue, ct)).Count;
            tagging.StartInBackground(new TagRequest { Scope = TagScope.Untagged });
            // Measured once the run has encoded its first batch, so the window is all tagging, not model loading.
            var started = Stopwatch.StartNew();
            while ((tagging.Progress?.Done ?? 0) == 0 && started.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(200, ct);
            cpu.Phase("searches while tagging in the background");
            r.BackgroundDoneAtStart = tagging.Progress?.Done ?? 0;
            BenchProgram.Log($"Background tagging of {r.BackgroundTotal:#,0} courses started; the same searches while it runs…");
            var during = Stopwatch.StartNew();
            r.DuringPaced = await LoadRunner.MeasurePacedAsync(Search, options.TagRate, warmup, window, ct);
            r.During = await LoadRunner.MeasureAsync(Search, options.TagClients, warmup, window, ct);
            r.BackgroundWindowSeconds = during.Elapsed.TotalSeconds;
            r.BackgroundDoneAtEnd = tagging.Progress?.Done ?? r.BackgroundTotal;
            r.BackgroundRanThroughout = tagging.IsRunning;
            r.AppDuringMb = CurrentMb();
            BenchProgram.Log($"   paced p95 {r.DuringPaced.P95:0.0} ms; flat out p95 {r.During.P95:0.0} ms, {r.During.PerSecond:0} searches/s; " +
                             $"{r.BackgroundDoneAtEnd - r.BackgroundDoneAtStart:#,0} courses tagged meanwhile; process {r.AppDuringMb:0} MB");
            cpu.Phase("stopping");
        }
        finally
        {
            // Stopping the app cancels its background run after the current batch.
            await app.DisposeAsync();
        }
    }

    private static async Task<List<int>> UntaggedAsync(NpgsqlDataSource db, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM courses WHERE skills_status = 'Unknown' ORDER BY id LIMIT $1");
        cmd.Parameters.AddWithValue(limit == int.MaxValue ? (object)long.MaxValue : (long)limit);
        var ids = new List<int>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt32(0));
        return ids;
    }

    private static double CurrentMb()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / (1024.0 * 1024);
    }

    /// <summary>The working set after a full collection: what the process holds, not garbage waiting.</summary>
    private static double SettledMb()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return CurrentMb();
    }

    /// <summary>Samples the working set every 250 ms; the kernel's own peak cannot be reset per step everywhere.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer timer;
        private double peak;
        public PeakSampler() => timer = new Timer(_ => peak = Math.Max(peak, CurrentMb()), null, 0, 250);
        public double PeakMb => Math.Max(peak, CurrentMb());
        public void Dispose() => timer.Dispose();
    }

    private static string ToMarkdown(Result r, BenchOptions options)
    {
        var sb = new StringBuilder();
        string S(double s) => s.ToString(s < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";
        string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
        string Pass(bool ok) => ok ? "PASS" : "FAIL";
        sb.AppendLine("# Tagging benchmark: skills for imported courses");
        sb.AppendLine();
        sb.AppendLine($"{r.Started:yyyy-MM-dd HH:mm zzz} · machine: {Report.Machine()} · PostgreSQL {r.PostgresVersion} (throwaway cluster) · settings: {options.Describe()}");
        sb.AppendLine();
        sb.AppendLine("Targets (issue 12): tag 10,000 courses in ≤ 5 minutes; tag 100,000 in the background without raising catalog search p95 by more than 20% while it runs; say the web app's memory with the model loaded.");
        sb.AppendLine();
        if (r.Failure is not null) { sb.AppendLine($"**The run failed:** {r.Failure}"); sb.AppendLine(); }
        sb.AppendLine($"A fresh database with the demo catalog, then {r.Generated:#,0} generated aggregator rows imported as untagged courses " +
                      $"({r.Imported:#,0} created in {S(r.ImportSeconds)}). The tagger trained on the labelled set and the catalog in {S(r.TrainSeconds)} " +
                      $"(model {r.Trained?.ModelId}, auto-apply threshold {r.Trained?.Threshold:0.000}).");
        sb.AppendLine();
        if (r.Foreground is { } f)
        {
            sb.AppendLine("## Foreground: `coursematch tag --untagged`");
            sb.AppendLine();
            sb.AppendLine("`CourseTagging.TagAsync` from Core's services, as the CLI runs it: texts encoded in batches over every core, proposals written a batch of 128 courses at a time.");
            sb.AppendLine();
            sb.AppendLine("| courses | time | courses/s | encoded | applied as inferred | waiting for review | outside the taxonomy | too little text | peak working set | target |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            var ok = f.Ok && r.ForegroundSeconds * 10_000.0 / Math.Max(1, f.Courses) <= MaxForegroundSeconds;
            sb.AppendLine($"| {f.Courses:#,0} | {S(r.ForegroundSeconds)} | {f.Courses / r.ForegroundSeconds:0.0} | {f.Encoded:#,0} | {f.Applied:#,0} | {f.Proposed - f.Applied:#,0} | {f.Outside:#,0} | {f.NotEnoughText:#,0} | {r.ForegroundPeakMb:#,0} MB | " +
                          $"{(f.Courses == 10_000 ? "" : "scaled to 10,000: ")}{S(r.ForegroundSeconds * 10_000.0 / Math.Max(1, f.Courses))} ≤ 300 s: {Pass(ok)} |");
            sb.AppendLine();
        }
        if (r.Idle is { } idle && r.During is { } during && r.IdlePaced is { } idlePaced && r.DuringPaced is { } duringPaced)
        {
            var increase = duringPaced.P95 / idlePaced.P95 - 1;
            var flatOut = during.P95 / idle.P95 - 1;
            var rate = (r.BackgroundDoneAtEnd - r.BackgroundDoneAtStart) / Math.Max(1e-9, r.BackgroundWindowSeconds);
            sb.AppendLine("## Background: the web app tagging while it serves searches");
            sb.AppendLine();
            sb.AppendLine($"The web app (real Kestrel on 127.0.0.1, Production) answers `GET /api/courses`, cycling through {Searches.Length} searches " +
                          $"({string.Join(", ", Searches.Select(s => $"`{s}`"))}): first with nothing else running, then while the app's own background run " +
                          $"(`CourseTagging.StartInBackground`, as after an import) tags the {r.BackgroundTotal:#,0} courses still untagged. Each load runs {options.TagWindowSeconds} s after a 3 s warm-up, " +
                          $"in two shapes: **paced**, {options.TagRate} searches a second arriving whether or not earlier ones are answered (visitors; latency counted from when each is sent), " +
                          $"and **flat out**, {options.TagClients} clients each sending the next search as soon as one is answered, which keeps this 2-core machine, bench included, near saturation. " +
                          "The background run encodes on one thread that rests after each batch as long as the batch took.");
            sb.AppendLine();
            sb.AppendLine("| load | while | requests | p50 | p95 | p99 | searches/s | errors |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            void Row(string load, string when, Measurement m) =>
                sb.AppendLine($"| {load} | {when} | {m.Count:#,0} | {Ms(m.P50)} | {Ms(m.P95)} | {Ms(m.P99)} | {m.PerSecond:0} | {m.Errors} |");
            Row($"paced, {options.TagRate}/s", "nothing else running", idlePaced);
            Row($"paced, {options.TagRate}/s", "tagging in the background", duringPaced);
            Row($"flat out, {options.TagClients} clients", "nothing else running", idle);
            Row($"flat out, {options.TagClients} clients", "tagging in the background", during);
            sb.AppendLine();
            sb.AppendLine($"- Paced (the target's case: the app serving visitors): p95 {(increase >= 0 ? "rose" : "fell")} by {Math.Abs(increase):P0} while tagging (≤ 20%): " +
                          $"**{Pass(increase <= MaxP95Increase && duringPaced.Errors == 0 && r.BackgroundRanThroughout)}**" +
                          (r.BackgroundRanThroughout ? "" : " (the run finished before the windows ended, so part of them was idle)"));
            sb.AppendLine($"- Flat out (no spare CPU): p95 {(flatOut >= 0 ? "rose" : "fell")} by {Math.Abs(flatOut):P0} and throughput went from {idle.PerSecond:0} to {during.PerSecond:0} searches a second. " +
                          "At most half a core goes to encoding; the run's database writes and garbage collections come on top.");
            sb.AppendLine($"- Meanwhile the background run tagged {r.BackgroundDoneAtEnd - r.BackgroundDoneAtStart:#,0} courses in {S(r.BackgroundWindowSeconds)} ({rate:0.0} courses/s while serving): " +
                          $"at that pace 100,000 courses take about {(rate > 0 ? 100_000 / rate / 3600 : 0):0.0} h. That is the price of leaving the cores to searches; `coursematch tag` runs at the foreground's pace.");
            sb.AppendLine();
        }
        sb.AppendLine("## Memory");
        sb.AppendLine();
        sb.AppendLine($"- Loading the text encoder (MiniLM, ONNX Runtime) and encoding once: {S(r.EncoderLoadSeconds)}, +{r.EncoderLoadMb:#,0} MB working set.");
        if (r.AppIdleMb > 0)
            sb.AppendLine($"- The process hosting the web app (it also holds the bench's own clients): {r.AppIdleMb:#,0} MB after the idle searches, before the app loaded a model; " +
                          $"{r.AppDuringMb:#,0} MB while its background run tags (the encoder and its single-threaded background copy loaded): the model costs the web app about {r.AppDuringMb - r.AppIdleMb:#,0} MB.");
        sb.AppendLine();
        if (r.Cpu.Count > 0)
        {
            sb.AppendLine("## Where the machine was busy");
            sb.AppendLine();
            foreach (var w in r.Cpu) sb.AppendLine($"- {w.Describe()}");
            sb.AppendLine();
        }
        sb.AppendLine("Generated by `dotnet run -c Release --project bench/CourseMatch.Bench -- --tag-rows 10000`; see bench/README.md.");
        return sb.ToString();
    }
}
