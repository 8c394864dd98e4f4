using System.Text.Json;
using CourseMatch.Ranking;
using CourseMatch.Tests.Infrastructure;
using CourseMatch.Web.Features.Admin.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CourseMatch.Web.Tests.Admin;

/// <summary>One app instance of several on a database: named, and either on its own database or on another's.</summary>
public sealed class InstanceApp(string name, TestDb? shared = null) : WebAppFactory
{
    public string Name => name;

    public override async Task InitializeAsync()
    {
        if (shared is null) await base.InitializeAsync();
        else Db = shared;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("CourseMatch:Instance", name);
    }
}

/// <summary>Two instances of the app, each with its own services, poller and pool, on the SAME database.</summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public InstanceApp A { get; } = new("instance-a");
    public InstanceApp B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await A.InitializeAsync();
        B = new InstanceApp("instance-b", A.Db);
        await B.InitializeAsync();
        // Building the hosts starts their pollers.
        _ = A.Services;
        _ = B.Services;
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await ((IAsyncLifetime)A).DisposeAsync();
    }
}

/// <summary>Training across two instances: one run at a time, its progress and its end seen from the other.</summary>
public class SharedJobTests(TwoInstances apps) : IClassFixture<TwoInstances>
{
    /// <summary>Big enough to last several seconds on this machine, so the other instance sees it mid-way; small enough to stay quick.</summary>
    private static readonly TrainingOptions Slow = new() { SyntheticLearners = 300, Ranker = new RankerSettings { Iterations = 100 } };
    private static readonly TrainingOptions Small = new() { SyntheticLearners = 60, Ranker = new RankerSettings { Iterations = 30 } };

    /// <summary>The poll is once a second; a couple of seconds more covers a busy machine.</summary>
    private static readonly TimeSpan Seen = TimeSpan.FromSeconds(5);

    private TrainingJobs OnA => apps.A.Services.GetRequiredService<TrainingJobs>();
    private TrainingJobs OnB => apps.B.Services.GetRequiredService<TrainingJobs>();

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan within, string what)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var value = read();
            if (done(value)) return value;
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"Not seen within {within.TotalSeconds:0} s: {what}. Last: {value}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task ATrainingOnAIsRefusedOnBWhichSeesItsProgressAndItsEndAndThenMayTrain()
    {
        var seenOnB = new List<TrainingJobState>();
        void Listen(TrainingJobState s) { lock (seenOnB) seenOnB.Add(s); }
        OnB.Changed += Listen;
        try
        {
            var (started, message) = await OnA.TryStartAsync(Slow, "alice@example.test");
            Assert.True(started, message);

            var (again, busy) = await OnB.TryStartAsync(Small, "bob@example.test");
            Assert.False(again);
            Assert.StartsWith("A training run started by alice@example.test on instance instance-a is still going (", busy);
            Assert.EndsWith("Only one runs at a time: wait for it to finish.", busy);

            // B's page reads A's run: running, by Alice, and a percentage that moves.
            await EventuallyAsync(() => OnA.State, s => s.Percent > 0, TimeSpan.FromMinutes(1), "progress on A");
            var mid = await EventuallyAsync(() => OnB.State, s => s.Running && s.Percent > 0, Seen, "A's progress on B");
            Assert.Equal("alice@example.test", mid.StartedBy);
            Assert.False(string.IsNullOrEmpty(mid.Phase));

            await OnA.Current.WaitAsync(TimeSpan.FromMinutes(3));
            var done = OnA.State;
            Assert.Null(done.Error);
            Assert.NotNull(done.VersionId);

            var end = await EventuallyAsync(() => OnB.State, s => !s.Running, Seen, "A's end on B");
            Assert.Equal(done.VersionId, end.VersionId);
            Assert.Equal(done.Outcome, end.Outcome);
            Assert.Equal(100, end.Percent);
            lock (seenOnB)
            {
                Assert.Contains(seenOnB, s => s.Running && s.Percent > 0);
                Assert.Equal(end, seenOnB[^1]);
            }

            // The lock went with A's run: B trains now, and A sees B's run end the same way.
            var (mine, text) = await OnB.TryStartAsync(Small, "bob@example.test");
            Assert.True(mine, text);
            await OnB.Current.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Null(OnB.State.Error);
            var fromB = await EventuallyAsync(() => OnA.State, s => s.VersionId == OnB.State.VersionId, Seen, "B's run on A");
            Assert.Equal("bob@example.test", fromB.StartedBy);
            Assert.False(fromB.Running);
        }
        finally { OnB.Changed -= Listen; }
    }

    [Fact]
    public async Task ARunWhoseInstanceDiedBlocksWhileItsLockLivesThenShowsAsEndedAndFreesTheKind()
    {
        // A third "instance" that starts a run and dies: its lock on a connection of its own, its row beating.
        var running = new TrainingJobState(true, 40, "Training the ranker", "carol@example.test", DateTimeOffset.UtcNow, null, null, null, null);
        var crashing = new NpgsqlConnection(apps.A.Db.ConnectionString + ";Pooling=false");
        await crashing.OpenAsync();
        try
        {
            await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", crashing))
            {
                cmd.Parameters.AddWithValue("key", TrainingJobs.LockKey);
                await cmd.ExecuteScalarAsync();
            }
            await WriteRowAsync(running, "instance-c", age: TimeSpan.Zero);

            var (started, busy) = await OnB.TryStartAsync(Small, "bob@example.test");
            Assert.False(started);
            Assert.Equal("A training run started by carol@example.test on instance instance-c is still going (40% — Training the ranker). " +
                         "Only one runs at a time: wait for it to finish.", busy);
            await EventuallyAsync(() => OnA.State, s => s.Running && s.StartedBy == "carol@example.test", Seen, "C's run on A");
        }
        finally
        {
            // The process dies: its connection closes, PostgreSQL drops the lock; the row stops beating.
            await crashing.DisposeAsync();
        }
        await WriteRowAsync(running, "instance-c", age: TimeSpan.FromMinutes(1));

        foreach (var jobs in new[] { OnA, OnB })
        {
            var shown = await EventuallyAsync(() => jobs.State, s => !s.Running, Seen, "the dead run as ended");
            Assert.Equal("Training stopped: the instance running it (instance-c) stopped before it finished. Start it again.", shown.Error);
            Assert.Equal("carol@example.test", shown.StartedBy);
        }

        var (mine, message) = await OnA.TryStartAsync(Small, "alice@example.test");
        Assert.True(mine, message);
        await OnA.Current.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Null(OnA.State.Error);
        Assert.Equal("instance-a", await apps.A.Db.ScalarAsync<string>("SELECT instance FROM job_runs WHERE kind = 'ranker-training'"));
    }

    [Fact]
    public async Task ATaggerTrainingRunningElsewhereIsRefusedHereAndShownOnBoth()
    {
        // Its own lock and row, apart from the ranker's: a tagger run elsewhere blocks a tagger start, not a ranker one.
        var running = new TaggerJobState(true, "dana@example.test", DateTimeOffset.UtcNow, null, null, null);
        await using var elsewhere = new NpgsqlConnection(apps.A.Db.ConnectionString + ";Pooling=false");
        await elsewhere.OpenAsync();
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", elsewhere))
        {
            cmd.Parameters.AddWithValue("key", TaggerJobs.LockKey);
            await cmd.ExecuteScalarAsync();
        }
        await using (var row = apps.A.Db.Source.CreateCommand("""
            INSERT INTO job_runs (kind, state, instance, updated_at) VALUES (@kind, @state::jsonb, 'instance-c', now())
            ON CONFLICT (kind) DO UPDATE SET state = excluded.state, instance = excluded.instance, updated_at = excluded.updated_at
            """))
        {
            row.Parameters.AddWithValue("kind", TaggerJobs.Kind.Kind);
            row.Parameters.AddWithValue("state", JsonSerializer.Serialize(running, JsonSerializerOptions.Web));
            await row.ExecuteNonQueryAsync();
        }

        var taggerOnB = apps.B.Services.GetRequiredService<TaggerJobs>();
        var (started, message) = await taggerOnB.TryStartAsync("erin@example.test");
        Assert.False(started);
        Assert.Equal("A tagger training started by dana@example.test on instance instance-c is still going. Only one runs at a time: wait for it to finish.", message);
        foreach (var jobs in new[] { apps.A.Services.GetRequiredService<TaggerJobs>(), taggerOnB })
            await EventuallyAsync(() => jobs.State, s => s.Running && s.StartedBy == "dana@example.test", Seen, "the tagger run elsewhere");
        await using (var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", elsewhere)) await unlock.ExecuteNonQueryAsync();
        await apps.A.Db.ExecAsync($"DELETE FROM job_runs WHERE kind = '{TaggerJobs.Kind.Kind}'");
    }

    [Fact]
    public async Task TheRunningInstanceBeatsWhileItRunsAndWritesItsEnd()
    {
        var (started, message) = await OnB.TryStartAsync(Slow, "bob@example.test");
        Assert.True(started, message);
        try
        {
            var row = JsonSerializer.Deserialize<TrainingJobState>(
                await apps.A.Db.ScalarAsync<string>("SELECT state::text FROM job_runs WHERE kind = 'ranker-training'"), JsonSerializerOptions.Web)!;
            Assert.True(row.Running);
            Assert.Equal("bob@example.test", row.StartedBy);
            // The heartbeat is young while the run lasts (written every 5 s at the latest).
            Assert.True(await apps.A.Db.ScalarAsync<bool>("SELECT now() - updated_at < interval '6 seconds' FROM job_runs WHERE kind = 'ranker-training'"));
        }
        finally { await OnB.Current.WaitAsync(TimeSpan.FromMinutes(3)); }

        var end = JsonSerializer.Deserialize<TrainingJobState>(
            await apps.A.Db.ScalarAsync<string>("SELECT state::text FROM job_runs WHERE kind = 'ranker-training'"), JsonSerializerOptions.Web)!;
        Assert.Equal(OnB.State, end);
        // Its lock is released: nobody holds an advisory lock on this database any more (other test classes have their own).
        Assert.Equal(0, await apps.A.Db.ScalarAsync<long>(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    private async Task WriteRowAsync(TrainingJobState state, string instance, TimeSpan age)
    {
        await using var cmd = apps.A.Db.Source.CreateCommand("""
            INSERT INTO job_runs (kind, state, instance, updated_at) VALUES ('ranker-training', @state::jsonb, @instance, now() - @age)
            ON CONFLICT (kind) DO UPDATE SET state = excluded.state, instance = excluded.instance, updated_at = excluded.updated_at
            """);
        cmd.Parameters.AddWithValue("state", JsonSerializer.Serialize(state, JsonSerializerOptions.Web));
        cmd.Parameters.AddWithValue("instance", instance);
        cmd.Parameters.AddWithValue("age", age);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>The shared job and its poller when the database does not answer.</summary>
public class SharedJobOutageTests
{
    /// <summary>Nothing listens on port 1 of loopback: every open fails at once.</summary>
    private static NpgsqlDataSource Nowhere() => NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2");

    [Fact]
    public async Task AStartIsRefusedWithAMessageAndThePollKeepsTheLastState()
    {
        await using var db = Nowhere();
        var job = new SharedJob<TrainingJobState>(TrainingJobs.Kind, db, "here", NullLogger.Instance);
        var start = await job.TryStartAsync(TrainingJobState.Idle with { Running = true }, _ => Task.CompletedTask);
        Assert.False(start.Started);
        Assert.True(start.Unreachable);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => job.PollAsync(CancellationToken.None));
        Assert.Same(TrainingJobState.Idle, job.State);
    }

    [Fact]
    public async Task ThePollerWarnsOncePerOutageAndNeverStops()
    {
        var polls = 0;
        var failing = true;
        var job = new FakeJob(() =>
        {
            Interlocked.Increment(ref polls);
            if (Volatile.Read(ref failing)) throw new NpgsqlException("the database is down");
        });
        var log = new CountingLogger();
        var poller = new SharedJobPoller([job], log);
        await poller.StartAsync(CancellationToken.None);
        try
        {
            while (Volatile.Read(ref polls) < 3) await Task.Delay(100);
            Assert.Equal(1, log.Warnings);
            Volatile.Write(ref failing, false);
            var now = Volatile.Read(ref polls);
            while (Volatile.Read(ref polls) < now + 2) await Task.Delay(100);
            Volatile.Write(ref failing, true);
            now = Volatile.Read(ref polls);
            while (Volatile.Read(ref polls) < now + 2) await Task.Delay(100);
            Assert.Equal(2, log.Warnings);
        }
        finally { await poller.StopAsync(CancellationToken.None); }
    }

    private sealed class FakeJob(Action poll) : ISharedJob
    {
        public Task PollAsync(CancellationToken ct)
        {
            poll();
            return Task.CompletedTask;
        }
    }

    private sealed class CountingLogger : ILogger<SharedJobPoller>
    {
        private int warnings;
        public int Warnings => Volatile.Read(ref warnings);
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Interlocked.Increment(ref warnings);
        }
    }
}
