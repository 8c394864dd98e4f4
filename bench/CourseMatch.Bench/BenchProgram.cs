using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Data.Seed;
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

        var report = new Report(options);
        Log($"CourseMatch search benchmark: {options.Describe()}");
        try
        {
            Log("Starting a throwaway PostgreSQL cluster…");
            var pg = await LocalPostgres.StartThrowawayAsync("bench");
            await using var stopCluster = options.KeepCluster ? null : pg;
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

            BenchApp? app = null;
            HttpClient? http = null;
            try
            {
                if (!options.LoadOnly)
                {
                    app = BenchApp.Start(connectionString);
                    http = new HttpClient(new SocketsHttpHandler
                    {
                        MaxConnectionsPerServer = options.Concurrency,
                        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                        UseProxy = false,
                        UseCookies = false,
                        AutomaticDecompression = DecompressionMethods.None,
                    })
                    { BaseAddress = app.BaseAddress, Timeout = LoadRunner.OperationTimeout };
                    Log($"API listening on {app.BaseAddress}");
                }

                foreach (var size in options.Sizes)
                {
                    ct.ThrowIfCancellationRequested();
                    var result = new SizeResult(size);
                    report.Sizes.Add(result);

                    var existing = await ScalarAsync<long>(db, "SELECT count(*) FROM courses", ct);
                    var toAdd = (int)Math.Max(0, size - existing);
                    Log($"== {Report.SizeLabel(size)}: {existing:#,0} courses in the catalog, loading {toAdd:#,0} synthetic courses…");
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
                    await CatalogSearch.RefreshVocabularyAsync(db, ct);
                    await ExecAsync(db, "VACUUM ANALYZE", ct);
                    result.PrepareSeconds = clock.Elapsed.TotalSeconds;
                    result.Courses = await ScalarAsync<long>(db, "SELECT count(*) FROM courses WHERE status = 'Published'", ct);
                    result.TableMegabytes = await ScalarAsync<long>(db, "SELECT pg_total_relation_size('courses') / 1048576", ct);
                    Log($"   loaded in {result.LoadSeconds:0.0} s; vocabulary + VACUUM ANALYZE {result.PrepareSeconds:0.0} s; " +
                        $"{result.Courses:#,0} published courses, courses table with indexes {result.TableMegabytes:#,0} MB");
                    if (options.LoadOnly) continue;

                    var plans = new System.Text.StringBuilder($"EXPLAIN (ANALYZE, BUFFERS) of each class's search statements at {size:#,0} courses, one at a time on an idle database.\n\n");
                    foreach (var qc in QueryClass.All)
                    {
                        ct.ThrowIfCancellationRequested();
                        var row = new ClassResult(qc);
                        result.Classes.Add(row);
                        try
                        {
                            row.Check = await CheckAsync(http!, qc, ct);
                            var plan = await BaselinePlan.CreateAsync(db, qc.Parse(), ct);
                            row.BaselineSteps = plan.Description;

                            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
                            var duration = TimeSpan.FromSeconds(options.DurationSeconds);
                            row.Api = await LoadRunner.MeasureAsync(c => GetAsync(http!, qc.Path, c), options.Concurrency, warmup, duration, ct);
                            row.Baseline = await LoadRunner.MeasureAsync(plan.RunAsync, options.Concurrency, warmup, duration, ct);

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
                    Log("   " + report.CheckLine(result));
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

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

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
            root.TryGetProperty("totalIsLowerBound", out var lb) && lb.ValueKind == JsonValueKind.True,
            Text("matchMode"), Text("correctedQuery"), facets, body.Length);
    }
}
