using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CourseMatch.Accounts;
using CourseMatch.Data;
using CourseMatch.Tests.Infrastructure;
using CourseMatch.Tooling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace CourseMatch.Cluster;

/// <summary>
/// The deployment <c>./run.sh --cluster</c> makes, as real processes on loopback: a PostgreSQL primary and a streaming
/// standby, Redis, two CourseMatch instances (the web app's build output, each its own process) and HAProxy with the
/// repository's own config file. Tests kill and restart parts of it; each test leaves it whole again.
/// </summary>
public sealed class RunningCluster : IAsyncLifetime
{
    public LocalPostgres Primary { get; private set; } = null!;
    public LocalPostgres Standby { get; private set; } = null!;
    public TestDb Db { get; private set; } = null!;
    public Instance A { get; private set; } = null!;
    public Instance B { get; private set; } = null!;
    public string ProxyUrl { get; private set; } = "";
    public int RedisPort { get; private set; }
    public IBrowser Browser { get; private set; } = null!;
    /// <summary>Sign-in attempts per client address per minute on the instances: low, so a test reaches it quickly.</summary>
    public const int SignInLimit = 6;

    private Process? redis, haproxy;
    private string redisServerPath = "";
    private IPlaywright? playwright;
    private string logs = "";

    public static string RepositoryRoot { get; } = FindRoot();

    public async Task InitializeAsync()
    {
        var redisServer = Tool("redis-server");
        var haproxyBin = Tool("haproxy");
        logs = Directory.CreateTempSubdirectory("cm-cluster-logs-").FullName;

        Primary = await LocalPostgres.StartThrowawayAsync("clp");
        await using (var admin = NpgsqlDataSource.Create(Primary.ConnectionString("postgres")))
        await using (var create = admin.CreateCommand("CREATE DATABASE coursematch"))
            await create.ExecuteNonQueryAsync();
        await using (var source = NpgsqlDataSource.Create(Primary.ConnectionString("coursematch")))
        {
            await Database.MigrateAsync(source);
            await Database.SeedDemoAsync(source);
        }
        Db = new TestDb(Primary.ConnectionString("coursematch"));
        Standby = await Primary.StartStandbyAsync("cls");

        RedisPort = FreePort();
        redisServerPath = redisServer;
        await StartRedisAsync();

        var hosts = $"Host=127.0.0.1:{Primary.Port},127.0.0.1:{Standby.Port};Username=postgres;Database=coursematch;Include Error Detail=true";
        A = new Instance("a", hosts, RedisPort, logs);
        B = new Instance("b", hosts, RedisPort, logs);
        // One after the other, as run.sh does: the first makes the shared key ring, the second finds it.
        await A.StartAsync();
        await B.StartAsync();

        var proxyPort = FreePort();
        ProxyUrl = $"http://127.0.0.1:{proxyPort}";
        haproxy = StartProcess(haproxyBin, ["-db", "-f", Path.Combine(RepositoryRoot, "scripts", "cluster", "haproxy.cfg")], new()
        {
            ["CM_PROXY_BIND"] = $"127.0.0.1:{proxyPort}",
            ["CM_APP_A"] = $"127.0.0.1:{A.Port}",
            ["CM_APP_B"] = $"127.0.0.1:{B.Port}",
        }, "haproxy");
        await WaitUntilAsync(async () => (await Http.Plain().GetAsync(ProxyUrl + "/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "HAProxy to answer");

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("COURSEMATCH_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        foreach (var p in new[] { haproxy, redis })
            if (p is { HasExited: false }) { p.Kill(entireProcessTree: true); await p.WaitForExitAsync(); }
        if (A is not null) await A.StopAsync();
        if (B is not null) await B.StopAsync();
        if (Db is not null) await Db.DisposeAsync();
        if (Standby is not null) await Standby.DisposeAsync();
        if (Primary is not null) await Primary.DisposeAsync();
        try { Directory.Delete(logs, recursive: true); } catch (IOException) { }
    }

    /// <summary>Redis on its port (again): empty, as a restarted Redis without persistence is.</summary>
    public async Task StartRedisAsync()
    {
        redis = StartProcess(redisServerPath, ["--port", RedisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], new(), "redis");
        await WaitForPortAsync(RedisPort, "Redis");
    }

    public async Task StopRedisAsync()
    {
        if (redis is { HasExited: false }) { redis.Kill(); await redis.WaitForExitAsync(); }
    }

    /// <summary>An account made the way the CLI makes one (<c>coursematch users add</c>).</summary>
    public async Task<(string Email, string Password)> CreateUserAsync(string role)
    {
        var services = new ServiceCollection().AddCourseMatchCore(Db.Source);
        services.AddCourseMatchIdentityCore();
        services.AddScoped<UserAccounts>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var (created, errors) = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(email, role);
        return created is null ? throw new InvalidOperationException(string.Join("; ", errors)) : (email, created.Password);
    }

    public async Task<IPage> NewPageAsync(string baseUrl, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>What a process wrote, for a failure message.</summary>
    public string LogOf(string name) => File.Exists(Path.Combine(logs, name + ".log")) ? File.ReadAllText(Path.Combine(logs, name + ".log")) : "";

    private static string Tool(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/bin"))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        throw new InvalidOperationException($"{name} is needed for the cluster tests: install it (Debian/Ubuntu: apt-get install -y redis-server haproxy); ./test.sh does this where it runs as root.");
    }

    internal static Process StartProcess(string file, IEnumerable<string> arguments, Dictionary<string, string> environment, string logName, string? logs = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var log = logs is null ? null : new StreamWriter(Path.Combine(logs, logName + ".log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (process) log?.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (process) log?.WriteLine(e.Data); };
        process.Exited += (_, _) => log?.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < limit)
        {
            try { if (await condition()) return; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or NpgsqlException or IOException) { last = e; }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.{(last is null ? "" : " Last error: " + last.Message)}");
    }

    private static async Task WaitForPortAsync(int port, string what) =>
        await WaitUntilAsync(async () =>
        {
            using var probe = new TcpClient();
            try { await probe.ConnectAsync(IPAddress.Loopback, port); return true; }
            catch (SocketException) { return false; }
        }, TimeSpan.FromSeconds(10), what);

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CourseMatch.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (CourseMatch.sln) was not found above the test binaries.");
    }
}

/// <summary>One CourseMatch instance: the web app's build output run as its own process, killable like a real one.</summary>
public sealed class Instance(string name, string connectionString, int redisPort, string logs)
{
    public string Name { get; } = name;
    public int Port { get; } = RunningCluster.FreePort();
    public int MetricsPort { get; } = RunningCluster.FreePort();
    public string Url => $"http://127.0.0.1:{Port}";
    private Process? process;

    public async Task StartAsync()
    {
        // The build the tests run in (Release under ./test.sh) has the app's output beside it in the same configuration.
        var configuration = AppContext.BaseDirectory.Contains("/Debug/") ? "Debug" : "Release";
        var bin = Path.Combine(RunningCluster.RepositoryRoot, "src", "CourseMatch.Web", "bin", configuration, "net10.0");
        process = RunningCluster.StartProcess("dotnet", [Path.Combine(bin, "CourseMatch.Web.dll")], new()
        {
            // Development serves the static web assets from the project without a publish step, as the browser tests do.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = Url,
            ["ConnectionStrings__CourseMatch"] = connectionString,
            ["CourseMatch__Redis"] = $"127.0.0.1:{redisPort}",
            ["CourseMatch__Instance"] = Name,
            ["CourseMatch__KnownProxies"] = "127.0.0.1",
            ["CourseMatch__MetricsPort"] = MetricsPort.ToString(),
            ["CourseMatch__SignInAttemptsPerMinute"] = RunningCluster.SignInLimit.ToString(),
            ["CourseMatch__MaxReplicaLagSeconds"] = "2",
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        }, "instance-" + Name, logs, bin);
        await RunningCluster.WaitUntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"Instance {Name} exited ({process.ExitCode}) while starting.");
            return (await Http.Plain().GetAsync(Url + "/health/ready")).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), $"instance {Name} to be ready");
    }

    /// <summary>As a crash would: no shutdown, no goodbye to circuits or connections.</summary>
    public void Kill()
    {
        if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        process?.WaitForExit();
    }

    public async Task StopAsync()
    {
        Kill();
        await Task.CompletedTask;
    }

    public bool Running => process is { HasExited: false };
}
