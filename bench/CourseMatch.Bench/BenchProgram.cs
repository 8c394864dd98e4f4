using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Data.Seed;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using CourseMatch.Tooling;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Bench;

/// <summary>Entry point: load, measure, report (see bench/README.md).</summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var options = BenchOptions.Parse(args, Console.Error);
        if (options is null) return args.Any(a => a is "-h" or "--help") ? 0 : 2;

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // stop cleanly: the cluster is stopped and deleted on the way out
            Console.Error.WriteLine("\nStopping…");
            cts.Cancel();
        };
        var ct = cts.Token;
        if (options.IsCluster) return await ClusterBench.RunAsync(options, ct);
        if (options.IsTag) return await TagBench.RunAsync(options, ct);
        if (options.IsImport) return await ImportBench.RunAsync(options, ct);

        var report = new Report(options);
        Log($"CourseMatch search benchmark: {options.Describe()}");
        try
        {
            Log("Starting a throwaway PostgreSQL cluster…");
            // A quarter of memory, up to 2 GB: the usual production setting, and enough to hold a million courses.
            var pg = await LocalPostgres.StartThrowawayAsync("bench", Report.SharedBuffers);
            await using var stopCluster = options.KeepCluster ? null : pg;
            await using var cpu = new CpuSampler(pg.DataDirectory);
            report.Cpu = cpu;
            cpu.Phase("setup");
            await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres") + ";Pooling=false"))
            {
                await admin.OpenAsync(ct);
                await using var create = new NpgsqlCommand("CREATE DATABASE coursematch", admin);
                await create.ExecuteNonQueryAsync(ct);
                await using var version = new NpgsqlCommand("SHOW server_version", admin);
                report.PostgresVersion = (string?)await version.ExecuteScalarAsync(ct) ?? "?";
            }
            var connectionString = pg.ConnectionString("coursematch");
            await using var db = NpgsqlDataSource.Create(connectionString);

            Log($"PostgreSQL {report.PostgresVersion} on 127.0.0.1:{pg.Port}; migrating and seeding the demo catalog…");
            await Database.MigrateAsync(db, ct);
            var demo = await Database.SeedDemoAsync(db, ct);
            Log($"Demo catalog: {demo} courses.");

            // The ranker: a first model trained on the demo catalog (as run.sh does), and the training time at scale.
            var breakdownRanker = ActiveRanker.RubricRanker;
            report.BreakdownRanker = "rubric (no training asked)";
            if (!options.NoTraining)
            {
                cpu.Phase("training (demo model)");
                try
                {
                    Log("Training the demo model (RankerTraining.TrainAsync, promote)…");
                    report.Demo = await TrainingBench.TrainDemoAsync(db, ct);
                    Log($"   version {report.Demo.ModelVersionId}: trained in {report.Demo.TrainSeconds:0.0} s ({report.Demo.TotalSeconds:0.0} s in all); {(report.Demo.Promoted ? "promoted" : "not promoted")}: {report.Demo.Reason}");
                    await using var core = CourseMatchServices.BuildCore(db);
                    var version = await core.GetRequiredService<ModelRegistry>().FindAsync(report.Demo.ModelVersionId, ct) ?? throw new InvalidOperationException("The trained version is not stored.");
                    breakdownRanker = RankerModel.Load(version.Model).AsActiveRanker(version.Id);
                    report.BreakdownRanker = $"model v{version.Id} (LightGBM, {(report.Demo.Promoted ? "promoted: the API serves it too" : "not promoted: the API serves the rubric")})";
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    report.DemoFailure = $"{e.GetType().Name}: {e.Message}";
                    report.BreakdownRanker = "rubric (training the demo model failed)";
                    Log($"   FAILED: {report.DemoFailure}");
                }
                cpu.Phase($"training ({options.TrainingGroups:#,0} × {options.TrainingCandidates:#,0})");
                try
                {
                    Log($"Timing RankerTrainer.Train on {options.TrainingGroups:#,0} groups × {options.TrainingCandidates:#,0} candidates…");
                    report.Training = await Task.Run(() => TrainingBench.Measure(options.TrainingGroups, options.TrainingCandidates), ct);
                    Log($"   trained in {report.Training.TrainSeconds:0.0} s (rows built in {report.Training.BuildSeconds:0.0} s)");
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    report.TrainingFailure = $"{e.GetType().Name}: {e.Message}";
                    Log($"   FAILED: {report.TrainingFailure}");
                }
                cpu.Phase("setup");
            }

            BenchApp? app = null;
            HttpClient? http = null;
            try
            {
                if (!options.LoadOnly)
                {
                    app = BenchApp.Start(connectionString);
                    http = new HttpClient(new SocketsHttpHandler
                    {
                        MaxConnectionsPerServer = options.Concurrency.Max(),
                        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                        UseProxy = false,
                        UseCookies = false,
                        AutomaticDecompression = DecompressionMethods.None,
                    })
                    { BaseAddress = app.BaseAddress, Timeout = LoadRunner.OperationTimeout };
                    Log($"API listening on {app.BaseAddress}; {app.RankerWiring}");
                    report.RankerWiring = app.RankerWiring;
                }

                foreach (var size in options.Sizes)
                {
                    ct.ThrowIfCancellationRequested();
                    var result = new SizeResult(size);
                    report.Sizes.Add(result);

                    var existing = await ScalarAsync<long>(db, "SELECT count(*) FROM courses", ct);
                    var toAdd = (int)Math.Max(0, size - existing);
                    Log($"== {Report.SizeLabel(size)}: {existing:#,0} courses in the catalog, loading {toAdd:#,0} synthetic courses…");
                    cpu.Phase($"load {Report.SizeLabel(size)}");
                    var clock = Stopwatch.StartNew();
                    if (toAdd > 0)
                    {
                        var lastPrint = Stopwatch.StartNew();
                        await SyntheticCatalog.LoadAsync(db, toAdd, done =>
                        {
                            if (done == toAdd || lastPrint.Elapsed > TimeSpan.FromSeconds(2))
                            {
                                Console.Error.Write($"\r   {done:#,0} / {toAdd:#,0} rows copied ({clock.Elapsed.TotalSeconds:0} s)   ");
                                lastPrint.Restart();
                            }
                        }, ct);
                        Console.Error.WriteLine();
                    }
                    result.Added = toAdd;
                    result.LoadSeconds = clock.Elapsed.TotalSeconds;

                    clock.Restart();
                    await Places.Gazetteer.LocateCoursesAsync(db, ct); // in-person candidates need place_id
                    result.LocateSeconds = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    await CatalogSearch.RefreshVocabularyAsync(db, ct);
                    await ExecAsync(db, "VACUUM ANALYZE", ct);
                    result.PrepareSeconds = clock.Elapsed.TotalSeconds;
                    result.Courses = await ScalarAsync<long>(db, "SELECT count(*) FROM courses WHERE status = 'Published'", ct);
                    result.TableMegabytes = await ScalarAsync<long>(db, "SELECT pg_total_relation_size('courses') / 1048576", ct);
                    Log($"   loaded in {result.LoadSeconds:0.0} s; vocabulary + VACUUM ANALYZE {result.PrepareSeconds:0.0} s; " +
                        $"{result.Courses:#,0} published courses, courses table with indexes {result.TableMegabytes:#,0} MB; located in {result.LocateSeconds:0.0} s");
                    if (options.LoadOnly) continue;

                    // The app's catalog index sees the load as too many changes to patch and loads again, in the background
                    // at this size; searches use SQL meanwhile. Measure once it is loaded.
                    cpu.Phase($"index {Report.SizeLabel(size)}");
                    var index = app!.Services.GetRequiredService<CatalogIndex>();
                    clock.Restart();
                    for (var status = index.Current(); !status.Ready || status.Courses != result.Courses; status = index.Current())
                    {
                        using var _ = await http!.GetAsync("/api/courses?q=data", ct);
                        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                    }
                    result.IndexSeconds = index.Current().LoadTime?.TotalSeconds ?? clock.Elapsed.TotalSeconds;
                    result.IndexMegabytes = (long)(GC.GetTotalMemory(forceFullCollection: true) / 1048576);
                    Log($"   catalog index loaded in {result.IndexSeconds:0.0} s; the process holds {result.IndexMegabytes:#,0} MB of managed memory");
                    cpu.Phase($"catalog {Report.SizeLabel(size)}");

                    var plans = new System.Text.StringBuilder($"EXPLAIN (ANALYZE, BUFFERS) of each class's search statements at {size:#,0} courses, one at a time on an idle database.\n\n");
                    foreach (var qc in QueryClass.All)
                    {
                        ct.ThrowIfCancellationRequested();
                        var row = new ClassResult(qc);
                        result.Classes.Add(row);
                        try
                        {
                            row.Check = await CheckAsync(http!, qc, ct);
                            row.Estimate = await EstimateCheck.MeasureAsync(db, qc.Parse(), ct);
                            var plan = await BaselinePlan.CreateAsync(db, index, qc.Parse(), ct);
                            row.BaselineSteps = plan.Description;

                            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
                            var duration = TimeSpan.FromSeconds(options.DurationSeconds);
                            foreach (var clients in options.Concurrency)
                            {
                                var api = await LoadRunner.MeasureAsync(c => GetAsync(http!, qc.Path, c), clients, warmup, duration, ct);
                                var baseline = await LoadRunner.MeasureAsync(plan.RunAsync, clients, warmup, duration, ct);
                                row.Loads.Add(new LoadPair(clients, api, baseline));
                            }

                            // The same with one client on the otherwise idle machine: the cost of one request, without queueing.
                            var single = TimeSpan.FromSeconds(Math.Max(1, options.DurationSeconds / 5.0));
                            row.SingleApi = await LoadRunner.MeasureAsync(c => GetAsync(http!, qc.Path, c), 1, TimeSpan.Zero, single, ct);
                            row.SingleBaseline = await LoadRunner.MeasureAsync(plan.RunAsync, 1, TimeSpan.Zero, single, ct);
                            var explain = await plan.ExplainAsync(ct);
                            row.ExecutionMs = ExecutionTimes(explain);
                            plans.AppendLine($"==== {qc.Name}: {qc.Path}").AppendLine().AppendLine(explain);
                        }
                        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            row.Failure = $"{e.GetType().Name}: {e.Message}";
                        }
                        Log("   " + report.ConsoleLine(result, row));
                    }
                    foreach (var clients in options.Concurrency) Log("   " + report.CheckLine(result, clients));

                    try
                    {
                        var mix = await SearchMix.BuildAsync(db, ct);
                        var mixClients = options.Concurrency.Max();
                        var measured = await SearchMix.MeasureAsync(http!, mix, mixClients, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.DurationSeconds * 2), ct);
                        result.Mix = (mixClients, measured, mix.Distinct().Count());
                        Log($"   realistic mix at {mixClients} clients: p50 {measured.P50:0.0} ms, p95 {measured.P95:0.0} ms, {measured.PerSecond:0} req/s, {measured.Errors} errors");
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        Log($"   realistic mix failed: {e.GetType().Name}: {e.Message}");
                    }

                    if (!options.NoRecommendations)
                    {
                        cpu.Phase($"recommendations {Report.SizeLabel(size)}");
                        var recPlans = new System.Text.StringBuilder($"EXPLAIN (ANALYZE, BUFFERS) of the recommendation candidate statement (Candidates.FindAsync) at {size:#,0} courses, once per learner after its measurements.\n\n");
                        foreach (var learner in LearnerCase.All)
                        {
                            ct.ThrowIfCancellationRequested();
                            var rec = new RecommendationResult(learner);
                            result.Recommendations.Add(rec);
                            try
                            {
                                rec.Check = await RecommendationBench.CheckAsync(http!, learner, ct);
                                var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
                                var duration = TimeSpan.FromSeconds(options.DurationSeconds);
                                foreach (var clients in options.Concurrency)
                                    rec.Loads.Add((clients, await LoadRunner.MeasureAsync(c => RecommendationBench.PostAsync(http!, learner.Body, c), clients, warmup, duration, ct)));
                                rec.Breakdown = await RecommendationBench.BreakdownAsync(db, breakdownRanker, learner, duration * 2, ct);
                                recPlans.AppendLine($"==== {learner.Name}: {learner.Meaning}").AppendLine().AppendLine(RecommendationBench.LastExplain);
                            }
                            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                            {
                                rec.Failure = $"{e.GetType().Name}: {e.Message}";
                            }
                            Log("   " + report.RecommendationLine(rec));
                        }
                        Log("   " + report.RecommendationCheckLine(result));
                        if (!options.Quick)
                        {
                            var recPath = Path.Combine(Report.RepositoryRoot(), "bench", "results", "plans", $"{Report.SizeLabel(size)}-recommendations.txt");
                            Directory.CreateDirectory(Path.GetDirectoryName(recPath)!);
                            await File.WriteAllTextAsync(recPath, recPlans.ToString(), ct);
                        }
                    }
                    if (!options.Quick)
                    {
                        var plansPath = Path.Combine(Report.RepositoryRoot(), "bench", "results", "plans", $"{Report.SizeLabel(size)}.txt");
                        Directory.CreateDirectory(Path.GetDirectoryName(plansPath)!);
                        await File.WriteAllTextAsync(plansPath, plans.ToString(), ct);
                        Log($"   EXPLAIN ANALYZE of every class: {plansPath}");
                    }
                }
            }
            finally
            {
                http?.Dispose();
                if (app is not null) await app.DisposeAsync();
                NpgsqlConnection.ClearAllPools();
            }
            if (options.KeepCluster)
            {
                Log($"The cluster keeps running: {connectionString}");
                Log($"Stop and delete it with: runuser -u postgres -- {Path.Combine(LocalPostgres.FindBinaries(), "pg_ctl")} -D {pg.DataDirectory} -m fast stop && rm -rf {pg.DataDirectory}");
            }
            else Log("Stopping and deleting the cluster…");
            cpu.Phase("idle");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log("Cancelled; the partial results follow.");
            report.Cancelled = true;
        }

        var markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        foreach (var path in report.OutputPaths())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, markdown, CancellationToken.None);
            Log($"Wrote {path}");
        }
        return report.Cancelled ? 130 : 0;
    }

    internal static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync(ct))!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = 3600;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string ExecutionTimes(string explain) => string.Join(" + ",
        System.Text.RegularExpressions.Regex.Matches(explain, @"Execution Time: ([0-9.]+) ms")
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture).ToString("0.0", CultureInfo.InvariantCulture)));

    private static async Task GetAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}.");
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(Stream.Null, ct);
    }

    // One request before measuring: the class must answer 200 with facets, and the report shows what it matched.
    private static async Task<ApiCheck> CheckAsync(HttpClient http, QueryClass qc, CancellationToken ct)
    {
        using var response = await http.GetAsync(qc.Path, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"GET {qc.Path} answered {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var facets = root.TryGetProperty("facets", out var f) && f.ValueKind == JsonValueKind.Array ? f.GetArrayLength() : 0;
        if (facets == 0) throw new InvalidOperationException($"GET {qc.Path} returned no facets.");
        return new ApiCheck(
            root.GetProperty("total").GetInt32(),
            root.TryGetProperty("countsAreEstimates", out var lb) && lb.ValueKind == JsonValueKind.True,
            Text("matchMode"), Text("correctedQuery"), facets, body.Length);
    }
}
