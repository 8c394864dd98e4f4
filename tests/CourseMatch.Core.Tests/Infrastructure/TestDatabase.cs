using CourseMatch.Data;
using Npgsql;

namespace CourseMatch.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL cluster per test run (started here, from the machine's binaries), and one
/// database per test class, cloned from a migrated and seeded template in a few milliseconds.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalPostgres? server;
    private static bool templateReady;
    private static int counter;

    public static async Task<LocalPostgres> ServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (server is null)
            {
                server = await LocalPostgres.StartThrowawayAsync("tests");
                var s = server;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => s.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return server;
        }
        finally { Gate.Release(); }
    }

    /// <summary>A fresh database holding the migrated schema and the demo catalog.</summary>
    public static async Task<TestDb> CreateAsync(bool seeded = true)
    {
        var pg = await ServerAsync();
        await Gate.WaitAsync();
        try
        {
            if (!templateReady)
            {
                foreach (var (name, seed) in new[] { ("cm_template_empty", false), ("cm_template", true) })
                {
                    await ExecAsync(pg, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    await ExecAsync(pg, $"CREATE DATABASE {name}");
                    await using var source = NpgsqlDataSource.Create(pg.ConnectionString(name));
                    await Database.MigrateAsync(source);
                    if (seed) await Database.SeedDemoAsync(source);
                }
                NpgsqlConnection.ClearAllPools();
                templateReady = true;
            }
            var db = $"cm_test_{Interlocked.Increment(ref counter)}";
            await ExecAsync(pg, $"CREATE DATABASE {db} TEMPLATE {(seeded ? "cm_template" : "cm_template_empty")}");
            return new TestDb(pg.ConnectionString(db));
        }
        finally { Gate.Release(); }
    }

    private static async Task ExecAsync(LocalPostgres pg, string sql)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString("postgres") + ";Pooling=false");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

public sealed class TestDb(string connectionString) : IAsyncDisposable
{
    public string ConnectionString { get; } = connectionString;
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(connectionString);

    public CourseMatchDb Context() => CourseMatchDb.Create(Source);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = Source.CreateCommand(sql);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecAsync(string sql)
    {
        await using var cmd = Source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}

/// <summary>xunit fixture: one database per test class.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;
    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync();
    public Task DisposeAsync() => Db.DisposeAsync().AsTask();
}
