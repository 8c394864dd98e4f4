using System.Net;
using CourseMatch.Accounts;
using CourseMatch.Data;
using CourseMatch.Tests.Infrastructure;
using CourseMatch.Tooling;
using Npgsql;

namespace CourseMatch.Web.Tests.Security;

/// <summary>The app on a PostgreSQL cluster of its own, so stopping it does not disturb the other test classes.</summary>
public sealed class OwnClusterApp : WebAppFactory
{
    public LocalPostgres Cluster { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Cluster = await LocalPostgres.StartThrowawayAsync("restart");
        var admin = NpgsqlDataSource.Create(Cluster.ConnectionString("postgres"));
        await using (var create = admin.CreateCommand("CREATE DATABASE coursematch")) await create.ExecuteNonQueryAsync();
        await admin.DisposeAsync();
        await using (var source = NpgsqlDataSource.Create(Cluster.ConnectionString("coursematch")))
        {
            await Database.MigrateAsync(source);
            await Database.SeedDemoAsync(source);
        }
        Db = new TestDb(Cluster.ConnectionString("coursematch"));
    }

    protected override async Task DisposeResourcesAsync() => await Cluster.DisposeAsync();
}

public class DatabaseRestartTests(OwnClusterApp app) : IClassFixture<OwnClusterApp>
{
    [Fact]
    public async Task AnAdminSessionSaysTheDatabaseIsAwayAndRecoversWhenItIsBack()
    {
        var admin = await app.SignedInClientAsync(Roles.Admin);
        var before = await admin.GetAsync("/admin/courses");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Contains("Courses", await before.Content.ReadAsStringAsync());

        await app.Cluster.StopAsync();
        try
        {
            var during = await admin.GetAsync("/admin/courses");
            Assert.True((int)during.StatusCode < 500, $"got {(int)during.StatusCode} while the database was down");
            Assert.Contains("database is not reachable", await during.Content.ReadAsStringAsync());
            var health = await admin.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }
        finally
        {
            await app.Cluster.StartAsync();
        }

        // Same app, same cookie: no restart, no new sign-in.
        var after = await admin.GetAsync("/admin/courses");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.DoesNotContain("database is not reachable", await after.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health")).StatusCode);
    }
}
