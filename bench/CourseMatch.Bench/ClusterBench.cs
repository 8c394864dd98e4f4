using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CourseMatch.Catalog;
using CourseMatch.Data.Seed;
using Npgsql;

namespace CourseMatch.Bench;

/// <summary>One closed-loop measurement against a running deployment, with who answered and what else ran meanwhile.</summary>
public sealed record ClusterLoad(string Deployment, int Round, string Workload, int Clients, Measurement Result, IReadOnlyDictionary<string, int> AnsweredBy,
    double LoadBefore, double WaitedSeconds, CpuShare Cpu);

/// <summary>
/// The cluster benchmark (issue 14, "Numbers"): the realistic search mix and recommendations driven over HTTP through
/// a deployment that is already running (HAProxy in front of one or two instances), or the memory of interactive
/// circuits on one instance (<see cref="CircuitBench"/>). The deployment is started and changed between runs by
/// bench/cluster-bench.sh with the project's own scripts; this program only measures.
/// </summary>
public static class ClusterBench
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        if (options.Circuits > 0) return await CircuitBench.RunAsync(options, ct);
        // The deployment under test, and the one it is compared with (measured back to back, in alternating order,
        // so other work on the machine weighs on both alike).
        var targets = new List<(string Label, Uri Url)> { (options.Label, new Uri(options.TargetUrl! + "/")) };
        if (options.Versus is { } versus) targets.Add((versus.Label, new Uri(versus.Url + "/")));
        BenchProgram.Log($"Cluster benchmark: {string.Join(" vs ", targets.Select(t => $"'{t.Label}' ({t.Url})"))}; {string.Join(" and ", options.Concurrency)} clients; " +
                         $"{options.WarmupSeconds} s warm-up + {options.DurationSeconds} s per measurement");
        var clientsOf = new List<(string Label, HttpClient Http, ConcurrentDictionary<string, int> AnsweredBy)>();
        try
        {
            var catalog = await PrepareCatalogAsync(options, ct);
            foreach (var (label, url) in targets)
            {
                var answeredBy = new ConcurrentDictionary<string, int>();
                var http = new HttpClient(new InstanceCounter(answeredBy)
                {
                    InnerHandler = new SocketsHttpHandler
                    {
                        MaxConnectionsPerServer = options.Concurrency.Max(),
                        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                        UseProxy = false,
                        // An API client: no cookies, so no sticky-session cookie; HAProxy balances every request.
                        UseCookies = false,
                        AutomaticDecompression = DecompressionMethods.None,
                    },
                })
                { BaseAddress = url, Timeout = LoadRunner.OperationTimeout };
                clientsOf.Add((label, http, answeredBy));
                foreach (var learner in LearnerCase.All)
                {
                    var check = await RecommendationBench.CheckAsync(http, learner, ct);
                    BenchProgram.Log($"   {label}, {learner.Name}: ranker {check.Ranker} (model {check.ModelVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}), " +
                                     $"picks {check.InPerson}/{check.Online}/{check.Free}");
                }
            }

            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
            var duration = TimeSpan.FromSeconds(options.DurationSeconds);
            var loads = new List<ClusterLoad>();
            var turn = 0;
            for (var round = 1; round <= options.Rounds; round++)
                foreach (var clients in options.Concurrency.Order())
                    foreach (var workload in new[] { "search mix", "recommendations" })
                    {
                        var order = turn++ % 2 == 0 ? clientsOf : Enumerable.Reverse(clientsOf).ToList();
                        var first = true;
                        foreach (var (label, http, answeredBy) in order)
                        {
                            // The three learners in turn, one after the other across all clients.
                            var next = -1;
                            Task Recommend(CancellationToken c) =>
                                RecommendationBench.PostAsync(http, LearnerCase.All[(int)((uint)Interlocked.Increment(ref next) % (uint)LearnerCase.All.Count)].Body, c);
                            Func<TimeSpan, Task<Measurement>> run = workload == "search mix"
                                ? d => SearchMix.MeasureAsync(http, catalog.Mix, clients, TimeSpan.Zero, d, ct)
                                : d => LoadRunner.MeasureAsync(Recommend, clients, TimeSpan.Zero, d, ct);
                            // Only the first of a pair waits for a quiet machine: the second follows at once, under the same conditions.
                            loads.Add(await MeasureAsync(options, label, round, workload, clients, answeredBy, run, warmup, duration, first, ct));
                            first = false;
                        }
                    }

            var markdown = ToMarkdown(options, catalog, loads);
            Console.WriteLine(markdown);
            await WriteAsync(options, markdown);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            BenchProgram.Log("Cancelled.");
            return 130;
        }
        finally
        {
            foreach (var c in clientsOf) c.Http.Dispose();
        }
    }

    public sealed record Catalog(long Courses, int Added, double LoadSeconds, IReadOnlyList<string> Mix, int DistinctQueries);

    // The catalog: brought up to the first --sizes value in the primary (synthetic courses, as the main bench loads
    // them), prepared as the main bench prepares it, and waited for on the replica.
    private static async Task<Catalog> PrepareCatalogAsync(BenchOptions options, CancellationToken ct)
    {
        if (options.TargetDb is null) throw new InvalidOperationException("--target-url needs --target-db (the deployment's database) to build the search mix.");
        var builder = new NpgsqlDataSourceBuilder(options.TargetDb);
        await using var multi = builder.BuildMultiHost();
        await using var primary = multi.WithTargetSession(TargetSessionAttributes.Primary);
        var hosts = builder.ConnectionStringBuilder.Host?.Split(',', StringSplitOptions.RemoveEmptyEntries).Length ?? 1;

        var size = options.Sizes[0];
        var existing = await ScalarAsync(primary, "SELECT count(*) FROM courses", ct);
        var toAdd = (int)Math.Max(0, size - existing);
        var clock = Stopwatch.StartNew();
        if (toAdd > 0)
        {
            BenchProgram.Log($"Loading {toAdd:#,0} synthetic courses into the primary ({existing:#,0} there)…");
            await SyntheticCatalog.LoadAsync(primary, toAdd, null, ct);
            await Places.Gazetteer.LocateCoursesAsync(primary, ct);
            await CatalogSearch.RefreshVocabularyAsync(primary, ct);
            await using (var vacuum = primary.CreateCommand("VACUUM ANALYZE")) { vacuum.CommandTimeout = 3600; await vacuum.ExecuteNonQueryAsync(ct); }
            BenchProgram.Log($"   loaded and prepared in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        var courses = await ScalarAsync(primary, "SELECT count(*) FROM courses WHERE status = 'Published'", ct);
        if (hosts > 1)
        {
            // The instances read the catalog from the replica: measure only once it has every course.
            await using var standby = multi.WithTargetSession(TargetSessionAttributes.Standby);
            var waited = Stopwatch.StartNew();
            while (await ScalarAsync(standby, "SELECT count(*) FROM courses WHERE status = 'Published'", ct) != courses)
            {
                if (waited.Elapsed > TimeSpan.FromMinutes(2)) throw new InvalidOperationException("The replica did not catch up with the primary within 2 minutes.");
                await Task.Delay(500, ct);
            }
            BenchProgram.Log($"   the replica has all {courses:#,0} published courses");
        }
        var mix = await SearchMix.BuildAsync(primary, ct);
        return new Catalog(courses, toAdd, clock.Elapsed.TotalSeconds, mix, mix.Distinct().Count());
    }

    private static async Task<ClusterLoad> MeasureAsync(BenchOptions options, string deployment, int round, string workload, int clients, ConcurrentDictionary<string, int> answeredBy,
        Func<TimeSpan, Task<Measurement>> run, TimeSpan warmup, TimeSpan duration, bool waitForQuiet, CancellationToken ct)
    {
        var (load, waited) = waitForQuiet
            ? await Machine.WaitForQuietAsync(options.MaxLoad, TimeSpan.FromSeconds(options.LoadWaitSeconds), ct)
            : (Machine.Load1(), 0);
        await run(warmup);
        answeredBy.Clear();
        var before = CpuShare.Take(options.OwnPids);
        var measured = await run(duration);
        var cpu = CpuShare.Since(before, options.OwnPids);
        var row = new ClusterLoad(deployment, round, workload, clients, measured, new Dictionary<string, int>(answeredBy), load, waited, cpu);
        BenchProgram.Log($"   {deployment}, round {round}, {workload}, {clients} clients: {measured.PerSecond:0.0} req/s, p50 {measured.P50:0.0} ms, p95 {measured.P95:0.0} ms, " +
                         $"{measured.Errors} errors; answered by {AnsweredBy(row)}; load {load:0.00} before{(waited > 1 ? $" (waited {waited:0} s)" : "")}; {cpu.Describe()}");
        return row;
    }

    private static string AnsweredBy(ClusterLoad row) => row.AnsweredBy.Count == 0 ? "?" :
        string.Join(" / ", row.AnsweredBy.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value:#,0}"));

    private static string ToMarkdown(BenchOptions options, Catalog catalog, IReadOnlyList<ClusterLoad> loads)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {options.Label}{(options.Versus is { } v ? $" vs {v.Label}" : "")} ({DateTime.Now:yyyy-MM-dd HH:mm})").AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Through {options.TargetUrl}{(options.Versus is { } w ? $" and {w.Url}, measured back to back in alternating order" : "")}; {catalog.Courses:#,0} published courses") +
            (catalog.Added > 0 ? $" ({catalog.Added:#,0} synthetic courses loaded in {catalog.LoadSeconds:0.0} s)" : "") +
            $"; search mix of {SearchMix.Queries:#,0} queries ({catalog.DistinctQueries} distinct); recommendations: the three learners in turn. " +
            $"{options.WarmupSeconds} s warm-up, {options.DurationSeconds} s measured; {Machine.Describe()}.").AppendLine();
        md.AppendLine("| deployment | round | workload | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors | answered by | load avg before | CPU: deployment + bench / others |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (var r in loads.OrderBy(l => l.Workload, StringComparer.Ordinal).ThenBy(l => l.Clients).ThenBy(l => l.Deployment, StringComparer.Ordinal).ThenBy(l => l.Round))
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Deployment} | {r.Round} | {r.Workload} | {r.Clients} | {r.Result.Count:#,0} | {r.Result.PerSecond:0.0} | {r.Result.P50:0.0} | {r.Result.P95:0.0} | {r.Result.P99:0.0} | {r.Result.Errors} | {AnsweredBy(r)} | {r.LoadBefore:0.00}{(r.WaitedSeconds > 1 ? $" (waited {r.WaitedSeconds:0} s)" : "")} | {r.Cpu.Own:0}% / {r.Cpu.Others:0}% |");
        var firstError = loads.Select(l => l.Result.FirstError).FirstOrDefault(e => e is not null);
        if (firstError is not null) md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"First error: {firstError}");
        return md.ToString();
    }

    internal static async Task WriteAsync(BenchOptions options, string markdown)
    {
        var slug = new string(options.Label.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        var paths = new List<string> { Path.Combine(Report.RepositoryRoot(), "bench", "results", $"cluster-{slug}.md") };
        if (options.Output is not null) paths.Add(options.Output);
        foreach (var path in paths)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, markdown, CancellationToken.None);
            BenchProgram.Log($"Wrote {path}");
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Counts which instance answered each response (the app's X-CourseMatch-Instance header).</summary>
    private sealed class InstanceCounter(ConcurrentDictionary<string, int> counts) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            var name = response.Headers.TryGetValues("X-CourseMatch-Instance", out var values) ? values.FirstOrDefault() ?? "?" : "?";
            counts.AddOrUpdate(name, 1, (_, n) => n + 1);
            return response;
        }
    }
}

/// <summary>The machine as the report states it, and the load other work puts on it.</summary>
public static class Machine
{
    public static double Load1()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or FormatException) { return double.NaN; }
    }

    /// <summary>Waits while the 1-minute load average is above <paramref name="maxLoad"/>, at most <paramref name="limit"/>; returns the load it measured under and the wait.</summary>
    public static async Task<(double Load, double WaitedSeconds)> WaitForQuietAsync(double maxLoad, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var load = Load1();
        var said = false;
        while (load > maxLoad && clock.Elapsed < limit)
        {
            if (!said) BenchProgram.Log($"   load average {load:0.00} > {maxLoad:0.0}: waiting (at most {limit.TotalSeconds:0} s)…");
            said = true;
            await Task.Delay(5_000, ct);
            load = Load1();
        }
        if (load > maxLoad) BenchProgram.Log($"   load average still {load:0.00} after {limit.TotalSeconds:0} s: measuring anyway");
        return (load, clock.Elapsed.TotalSeconds);
    }

    public static string Describe()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : "0";
        return $"{Environment.ProcessorCount} cores ({model}), {long.Parse(memory, CultureInfo.InvariantCulture) / 1024.0 / 1024.0:0.0} GB";
    }
}

/// <summary>
/// CPU used over a window, in % of the whole machine (100% = every core busy): by "ours" (this process and the
/// process trees given, exited children included once reaped) and by everything else.
/// </summary>
public sealed record CpuShare(double Busy, double Own, double Others)
{
    public sealed record Snapshot(double Total, double Busy, double Own);

    public string Describe() => $"CPU: machine {Busy:0}%, deployment + bench {Own:0}%, others {Others:0}%";

    public static Snapshot Take(IReadOnlyList<int> roots)
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var parents = new Dictionary<int, (int Parent, double Ticks)>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
                if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } s) parents[pid] = s;
            var self = Environment.ProcessId;
            bool Ours(int pid)
            {
                for (var hops = 0; hops < 64 && pid > 1; hops++)
                {
                    if (pid == self || roots.Contains(pid)) return true;
                    if (!parents.TryGetValue(pid, out var p)) return false;
                    pid = p.Parent;
                }
                return false;
            }
            var own = parents.Where(kv => Ours(kv.Key)).Sum(kv => kv.Value.Ticks);
            return new Snapshot(cpu.Sum(), cpu.Sum() - cpu[3] - cpu[4], own);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return new Snapshot(0, 0, 0);
        }
    }

    public static CpuShare Since(Snapshot start, IReadOnlyList<int> roots)
    {
        var now = Take(roots);
        var capacity = now.Total - start.Total;
        if (capacity <= 0) return new CpuShare(double.NaN, double.NaN, double.NaN);
        var busy = 100 * (now.Busy - start.Busy) / capacity;
        var own = Math.Min(busy, Math.Max(0, 100 * (now.Own - start.Own) / capacity));
        return new CpuShare(busy, own, Math.Max(0, busy - own));
    }

    // "pid (comm) state ppid ... utime stime cutime cstime": the parent and the ticks of the process and its reaped children.
    private static (int Parent, double Ticks)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            double V(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return (int.Parse(f[1], CultureInfo.InvariantCulture), V(11) + V(12) + V(13) + V(14));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return null; }
    }
}
