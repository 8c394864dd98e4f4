using CourseMatch.Data;
using CourseMatch.Tooling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>
/// One test database, reached the way the app reaches its own: Core's services registered over <see cref="Source"/>
/// (<see cref="CourseMatchServices.BuildCore"/>), contexts from the registered <see cref="IDbContextFactory{TContext}"/>.
/// </summary>
public sealed class TestDb(string connectionString) : IAsyncDisposable
{
    private readonly Lazy<ServiceProvider> services = new(() => CourseMatchServices.BuildCore(NpgsqlDataSource.Create(connectionString)));

    public string ConnectionString { get; } = connectionString;

    /// <summary>The data source Core's services share (one connection pool per test database).</summary>
    public NpgsqlDataSource Source => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Core's services over this database, built on first use.</summary>
    public ServiceProvider Services => services.Value;

    /// <summary>A registered service, as the app would inject it.</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A new context (one per operation), from the registered factory.</summary>
    public CourseMatchDb Context() => Get<IDbContextFactory<CourseMatchDb>>().CreateDbContext();

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

    public async ValueTask DisposeAsync()
    {
        if (!services.IsValueCreated) return;
        // The data source is registered as an instance, so the container does not dispose it: do it here.
        var source = services.Value.GetRequiredService<NpgsqlDataSource>();
        await services.Value.DisposeAsync();
        await source.DisposeAsync();
    }
}

/// <summary>xunit fixture: one database per test class.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;
    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync();
    public Task DisposeAsync() => Db.DisposeAsync().AsTask();
}
