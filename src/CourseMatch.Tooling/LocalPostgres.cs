using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CourseMatch.Tooling;

/// <summary>
/// A PostgreSQL cluster of our own, from the machine's PostgreSQL binaries: used by the test run and the
/// benchmark (a throwaway cluster) and by the CLI (the cluster run.sh keeps under COURSEMATCH_DATA).
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public string DataDirectory { get; }
    public int Port { get; }
    private readonly bool ownsDirectory;

    private LocalPostgres(string dir, int port, bool ownsDirectory)
    {
        DataDirectory = dir;
        Port = port;
        this.ownsDirectory = ownsDirectory;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Include Error Detail=true";

    /// <summary>The server's shared buffer pool: small for tests; the search benchmark asks for enough to hold a million courses.</summary>
    public string SharedBuffers { get; private init; } = "256MB";

    /// <summary>Starts a fresh cluster in a temporary directory, tuned for tests (fsync off).</summary>
    public static async Task<LocalPostgres> StartThrowawayAsync(string purpose, string sharedBuffers = "256MB")
    {
        var bin = FindBinaries();
        // Short: the Unix socket lives in this directory and its path is limited to about 100 characters.
        var root = Path.Combine(Path.GetTempPath(), $"cm-{purpose}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(root);
        var port = FreePort();
        var pg = new LocalPostgres(root, port, ownsDirectory: true) { SharedBuffers = sharedBuffers };
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", $"postgres {root}");
        await pg.PgAsync(bin, "initdb", $"-D {root} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync", asRoot);
        await pg.PgAsync(bin, "pg_ctl", $"-D {root} -l {root}/server.log -w -t 60 -o \"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers={sharedBuffers}\" start", asRoot);
        return pg;
    }

    /// <summary>
    /// A streaming hot standby of this running cluster: <c>pg_basebackup</c> with a replication slot (so the primary keeps
    /// the WAL the standby has not received yet, however long it is stopped), started on a port of its own.
    /// </summary>
    public async Task<LocalPostgres> StartStandbyAsync(string purpose)
    {
        var bin = FindBinaries();
        var asRoot = Environment.UserName == "root";
        // pg_basebackup makes the directory itself (with the permissions PostgreSQL insists on); its parent must exist.
        var root = Path.Combine(Path.GetTempPath(), $"cm-{purpose}-{Guid.NewGuid().ToString("N")[..12]}");
        var slot = $"standby_{Guid.NewGuid().ToString("N")[..12]}";
        await PgAsync(bin, "pg_basebackup", $"-h 127.0.0.1 -p {Port} -U postgres -D {root} -R -X stream -C -S {slot} --no-sync", asRoot);
        var standby = new LocalPostgres(root, FreePort(), ownsDirectory: true) { SharedBuffers = "128MB" };
        await standby.StartAsync();
        return standby;
    }

    /// <summary>Stops the server (fast shutdown), keeping its data: for tests of a database going away.</summary>
    public Task StopAsync() => PgAsync(FindBinaries(), "pg_ctl", $"-D {DataDirectory} -m fast -w stop", Environment.UserName == "root");

    /// <summary>Starts a stopped server again on the same port, with the settings it was created with.</summary>
    public Task StartAsync() => PgAsync(FindBinaries(), "pg_ctl",
        $"-D {DataDirectory} -l {DataDirectory}/server.log -w -t 60 -o \"-p {Port} -c listen_addresses=127.0.0.1 -k {DataDirectory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers={SharedBuffers}\" start",
        Environment.UserName == "root");

    private async Task PgAsync(string bin, string tool, string arguments, bool asRoot, CancellationToken ct = default)
    {
        var exe = Path.Combine(bin, tool);
        if (asRoot) await RunAsync("runuser", $"-u postgres -- {exe} {arguments}", ct);
        else await RunAsync(exe, arguments, ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var asRoot = Environment.UserName == "root";
            await PgAsync(FindBinaries(), "pg_ctl", $"-D {DataDirectory} -m immediate -w stop", asRoot);
        }
        catch (Exception) { /* already stopped */ }
        if (ownsDirectory)
        {
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Starts the cluster run.sh keeps in <paramref name="dataDirectory"/>/pg when it exists but is not running (after a
    /// reboot, say), on the port recorded in pg.port. Returns false when there is no such cluster. The server keeps
    /// running after the command ends, as if run.sh had started it; stop it with pg_ctl or by running ./run.sh and Ctrl-C.
    /// </summary>
    public static async Task<bool> StartManagedIfStoppedAsync(string dataDirectory, int port, CancellationToken ct = default)
    {
        var dir = Path.GetFullPath(Path.Combine(dataDirectory, "pg"));
        if (!File.Exists(Path.Combine(dir, "PG_VERSION"))) return false;
        using (var probe = new TcpClient())
        {
            try { await probe.ConnectAsync(IPAddress.Loopback, port, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(2), ct); return true; }
            catch (Exception e) when (e is SocketException or TimeoutException) { }
        }
        var asRoot = Environment.UserName == "root";
        var cluster = new LocalPostgres(dir, port, ownsDirectory: false);
        await Console.Error.WriteLineAsync($"Starting the local PostgreSQL in {dir} on port {port}…".AsMemory(), ct);
        await cluster.PgAsync(FindBinaries(), "pg_ctl", $"-D {dir} -l {dir}/server.log -w -t 60 -o \"-p {port} -c listen_addresses=127.0.0.1 -k {dir}\" start", asRoot, ct);
        return true;
    }

    /// <summary>The newest installed PostgreSQL server binaries, or a clear instruction when there are none.</summary>
    public static string FindBinaries()
    {
        var fromEnv = Environment.GetEnvironmentVariable("COURSEMATCH_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "initdb"))) return fromEnv;
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var best = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
            if (best is not null) return best;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (File.Exists(Path.Combine(dir, "initdb"))) return dir;
        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: apt-get install -y postgresql postgresql-contrib) " +
            "or set COURSEMATCH_PG_BIN to their folder, or point ConnectionStrings__CourseMatch at a running server.");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }
}
