using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CourseMatch.Web.Components.Shared;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Web.Features.Admin.Models;

/// <summary>
/// What differs between the kinds of background run: the row's key, the advisory lock's key, the state shown when
/// nothing ran yet, and how a run whose instance went silent is shown.
/// </summary>
/// <param name="Kind">The <c>job_runs</c> primary key.</param>
/// <param name="LockKey">The <c>pg_try_advisory_lock</c> key; constant per kind and unlike any other lock of the app.</param>
/// <param name="Abandoned">The state as shown once its instance stopped beating; gets the instance's name.</param>
public sealed record JobKind<TState>(string Kind, long LockKey, TState Idle, Func<TState, bool> IsRunning, Func<TState, string?, TState> Abandoned);

/// <summary>How a start went: started, or refused because a run holds the lock (<see cref="Other"/> is what its row says).</summary>
public sealed record JobStart<TState>(bool Started, TState? Other = default, string? OtherInstance = null, bool Unreachable = false);

/// <summary>A run the <see cref="SharedJobPoller"/> refreshes.</summary>
public interface ISharedJob
{
    /// <summary>Reads this kind's row once; throws on a database fault (the poller logs it) and keeps the snapshot then.</summary>
    Task PollAsync(CancellationToken ct);
}

/// <summary>
/// One background run of a kind at a time across every instance on the database, its state readable by all of them.
/// </summary>
/// <remarks>
/// The instance that starts a run takes a session-level advisory lock on a connection it keeps for the run: PostgreSQL
/// drops the lock when that connection closes, so a process that dies frees the kind without anyone cleaning up.
/// The state lives in memory on the running instance (its pages hear every step at once) and in the <c>job_runs</c>
/// row for everyone else: written a few times a second at most, and every <see cref="Heartbeat"/> even without
/// progress so that readers can tell a silent instance from a slow step. Other instances read the row through
/// <see cref="SharedJobPoller"/> and show a Running row older than <see cref="StaleAfter"/> as ended.
/// </remarks>
public sealed class SharedJob<TState> where TState : class
{
    public static readonly TimeSpan WriteEvery = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly JobKind<TState> kind;
    private readonly NpgsqlDataSource db;
    private readonly string instance;
    private readonly ILogger log;
    private readonly Lock gate = new();
    private TState snapshot;
    private OwnRun? own;
    // Bumped whenever this instance starts or ends a run: a poll read before that must not overwrite what it says.
    private long generation;

    public SharedJob(JobKind<TState> kind, NpgsqlDataSource db, string instance, ILogger log)
    {
        this.kind = kind;
        this.db = db;
        this.instance = instance;
        this.log = log;
        snapshot = kind.Idle;
    }

    public TState State { get { lock (gate) return snapshot; } }

    /// <summary>Raised on the running thread for this instance's own steps, and on the poller's for a changed row.</summary>
    public event Action<TState>? Changed;

    /// <summary>This instance's running (or last) run, its row written and its lock released when it completes.</summary>
    public Task Current { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Takes the kind's lock and starts <paramref name="run"/>, which reports its steps (and its end) through the
    /// update it is given; or says who holds the lock.
    /// </summary>
    public async Task<JobStart<TState>> TryStartAsync(TState starting, Func<Action<Func<TState, TState>>, Task> run)
    {
        NpgsqlConnection? conn = null;
        OwnRun mine;
        try
        {
            conn = await db.OpenConnectionAsync();
            if (!await TryLockAsync(conn))
            {
                var row = await ReadAsync(conn, CancellationToken.None);
                await conn.DisposeAsync();
                if (row is null) return new JobStart<TState>(false);
                Show(row.Value.Shown, Interlocked.Read(ref generation));
                return new JobStart<TState>(false, row.Value.State, row.Value.Instance);
            }
            mine = new OwnRun(conn, starting);
            await WriteAsync(conn, starting);
            lock (gate)
            {
                own = mine;
                snapshot = starting;
                generation++;
            }
        }
        catch (Exception e) when (DatabaseFault.Is(e))
        {
            log.LogWarning(e, "Could not start a {Kind} run: the database is not reachable", kind.Kind);
            if (conn is not null) await CloseAsync(conn);
            return new JobStart<TState>(false, Unreachable: true);
        }
        // Listeners hear "started" before any step of the run.
        Notify(starting);
        Current = Task.Run(() => SuperviseAsync(mine, run), CancellationToken.None);
        return new JobStart<TState>(true);
    }

    /// <summary>Runs the work and, beside it, writes the row whenever the state moved or a heartbeat is due.</summary>
    private async Task SuperviseAsync(OwnRun mine, Func<Action<Func<TState, TState>>, Task> run)
    {
        var work = Task.Run(() => run(change => Update(mine, change)));
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(WriteEvery));
            if (!work.IsCompleted) await FlushAsync(mine, final: false);
        }
        try { await work; }
        catch (Exception e)
        {
            log.LogError(e, "A {Kind} run ended on an unexpected error", kind.Kind);
            Update(mine, s => kind.Abandoned(s, instance));
        }
        await FlushAsync(mine, final: true);
        await ReleaseAsync(mine);
        lock (gate)
        {
            if (own == mine) own = null;
            generation++;
        }
    }

    private void Update(OwnRun mine, Func<TState, TState> change)
    {
        TState now;
        lock (gate)
        {
            now = mine.State = change(mine.State);
            mine.Version++;
            if (own == mine) snapshot = now;
        }
        Notify(now);
    }

    /// <summary>Writes the row if the state changed since the last write (throttled by the caller's pace) or a heartbeat is due.</summary>
    private async Task FlushAsync(OwnRun mine, bool final)
    {
        TState state;
        long version;
        lock (gate) (state, version) = (mine.State, mine.Version);
        if (!final && version == mine.Written && mine.SinceWrite.Elapsed < Heartbeat) return;
        try
        {
            if (mine.Connection is null)
            {
                // The lock went with the broken connection: take it again before writing, or leave the row to whoever has it.
                var conn = await db.OpenConnectionAsync();
                if (!await TryLockAsync(conn))
                {
                    await conn.DisposeAsync();
                    if (!mine.Lost) log.LogWarning("A {Kind} run lost its lock with its connection and another instance holds it now; this run's state is no longer written", kind.Kind);
                    mine.Lost = true;
                    return;
                }
                mine.Connection = conn;
            }
            await WriteAsync(mine.Connection, state);
            mine.Written = version;
            mine.SinceWrite.Restart();
            mine.Failing = false;
        }
        catch (Exception e) when (DatabaseFault.Is(e) || e is ObjectDisposedException)
        {
            if (!mine.Failing) log.LogWarning(e, "Could not write the state of the {Kind} run; retrying", kind.Kind);
            mine.Failing = true;
            if (mine.Connection is { } broken)
            {
                mine.Connection = null;
                await CloseAsync(broken);
            }
        }
    }

    private async Task ReleaseAsync(OwnRun mine)
    {
        if (mine.Connection is not { } conn) return;
        mine.Connection = null;
        await CloseAsync(conn);
    }

    /// <summary>
    /// Unlocks before closing: a pooled connection goes back to the pool alive, and its session (with the lock) would
    /// live on until the pool reuses it. Unlocking a lock this session does not hold only returns false.
    /// </summary>
    private async Task CloseAsync(NpgsqlConnection conn)
    {
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", conn);
            cmd.Parameters.AddWithValue("key", kind.LockKey);
            await cmd.ExecuteScalarAsync();
        }
        catch (Exception e) when (DatabaseFault.Is(e) || e is InvalidOperationException or ObjectDisposedException)
        {
            // A broken connection is closed for good, and the lock with it.
            log.LogDebug(e, "Could not release the {Kind} lock; closing its connection releases it", kind.Kind);
        }
        finally
        {
            try { await conn.DisposeAsync(); } catch (Exception) { /* already broken */ }
        }
    }

    /// <summary>One primary-key read; shows a change to every listener. Skipped while this instance runs the kind itself.</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        long seen;
        lock (gate)
        {
            if (own is not null) return;
            seen = generation;
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await ReadAsync(conn, ct);
        Show(row?.Shown ?? kind.Idle, seen);
    }

    private void Show(TState shown, long seen)
    {
        lock (gate)
        {
            if (own is not null || generation != seen || Equals(snapshot, shown)) return;
            snapshot = shown;
        }
        Notify(shown);
    }

    private void Notify(TState now)
    {
        try { Changed?.Invoke(now); }
        catch (Exception e) { log.LogWarning(e, "A {Kind} listener failed", kind.Kind); }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", conn);
        cmd.Parameters.AddWithValue("key", kind.LockKey);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task WriteAsync(NpgsqlConnection conn, TState state)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO job_runs (kind, state, instance, updated_at) VALUES (@kind, @state, @instance, now())
            ON CONFLICT (kind) DO UPDATE SET state = excluded.state, instance = excluded.instance, updated_at = excluded.updated_at
            """, conn);
        cmd.Parameters.AddWithValue("kind", kind.Kind);
        cmd.Parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(state, Json) });
        cmd.Parameters.AddWithValue("instance", instance);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The row as written, and as shown: a Running row whose heartbeat is older than <see cref="StaleAfter"/> is shown as
    /// ended. The age is the database's own clock against itself, so instances with skewed clocks agree.
    /// </summary>
    private async Task<(TState State, TState Shown, string? Instance)?> ReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT state::text, instance, now() - updated_at > @stale FROM job_runs WHERE kind = @kind", conn);
        cmd.Parameters.AddWithValue("kind", kind.Kind);
        cmd.Parameters.AddWithValue("stale", StaleAfter);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var state = Deserialize(reader.GetString(0));
        var name = reader.IsDBNull(1) ? null : reader.GetString(1);
        var stale = reader.GetBoolean(2);
        return (state, stale && kind.IsRunning(state) ? kind.Abandoned(state, name) : state, name);
    }

    private TState Deserialize(string json)
    {
        try { return JsonSerializer.Deserialize<TState>(json, Json) ?? kind.Idle; }
        catch (JsonException e)
        {
            // Written by an older or newer version of the app: show nothing rather than fail every poll.
            log.LogWarning(e, "The {Kind} row could not be read as this version's state", kind.Kind);
            return kind.Idle;
        }
    }

    /// <summary>The run this instance holds the lock for. Its fields past the state are touched by the supervising task only.</summary>
    private sealed class OwnRun(NpgsqlConnection connection, TState state)
    {
        public NpgsqlConnection? Connection = connection;
        public TState State = state;
        public long Version;
        public long Written;
        public readonly Stopwatch SinceWrite = Stopwatch.StartNew();
        public bool Failing, Lost;
    }
}

/// <summary>Refreshes every shared job's snapshot from its row once a second, on every instance.</summary>
public sealed class SharedJobPoller(IEnumerable<ISharedJob> jobs, ILogger<SharedJobPoller> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var outage = false;
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                foreach (var job in jobs) await job.PollAsync(ct);
                if (outage) log.LogInformation("The job runs are readable again");
                outage = false;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // Pages keep the last snapshot; one warning per outage, not one a second.
                if (!outage) log.LogWarning(e, "Could not read the job runs; showing the last known state until the database answers");
                outage = true;
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }
}

public static class SharedJobRegistration
{
    /// <summary>A job kind as a singleton, polled by the one <see cref="SharedJobPoller"/>.</summary>
    public static IServiceCollection AddSharedJob<TJob>(this IServiceCollection services) where TJob : class, ISharedJob
    {
        services.AddSingleton<TJob>();
        services.AddSingleton<ISharedJob>(sp => sp.GetRequiredService<TJob>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SharedJobPoller>());
        return services;
    }
}
