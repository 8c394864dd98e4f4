using CourseMatch.Data;
using CourseMatch.Web.Features.Admin.Models;
using CourseMatch.Web.Operations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace CourseMatch.Web;

public static class DataRegistration
{
    /// <summary>
    /// The app's data sources over one Npgsql pool: EF contexts and the raw search SQL share it. A connection string
    /// that lists several hosts (primary first, then a streaming standby) makes writes go to whichever is the primary
    /// and public reads prefer the standby (<see cref="ReadDatabase"/>, <see cref="ReplicaMonitor"/>). The
    /// data-protection keys live in the database too, so every instance reads every cookie and form token.
    /// </summary>
    public static void AddCourseMatchData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("CourseMatch");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings__CourseMatch, or start CourseMatch with ./run.sh, which runs a local PostgreSQL for you.");

        var sources = new NpgsqlDataSourceBuilder(connectionString) { Name = "CourseMatch" };
        NpgsqlDataSource primary;
        ReadDatabase reads;
        StandbySource standby;
        if (sources.ConnectionStringBuilder.Host?.Contains(',') == true)
        {
            var hosts = sources.BuildMultiHost();
            primary = hosts.WithTargetSession(TargetSessionAttributes.Primary);
            reads = new ReadDatabase(primary, hosts.WithTargetSession(TargetSessionAttributes.PreferStandby));
            standby = new StandbySource(hosts.WithTargetSession(TargetSessionAttributes.Standby));
        }
        else
        {
            primary = sources.Build();
            reads = ReadDatabase.PrimaryOnly(primary);
            standby = new StandbySource(null);
        }
        builder.Services.AddCourseMatchCore(primary, reads);
        builder.Services.AddSingleton(standby);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReplicaMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaMonitor>());
        builder.Services.AddHostedService<CatalogIndexWarmup>();

        builder.Services.AddDataProtection()
            .SetApplicationName("CourseMatch")
            .PersistKeysToDbContext<CourseMatchDb>();

        // Singletons whose state every instance reads from job_runs (one poller refreshes them).
        builder.Services.AddSharedJob<TrainingJobs>();
        builder.Services.AddSharedJob<TaggerJobs>();
    }

    /// <summary>
    /// Makes sure the shared key ring has a key before the first request, so an instance started right after this one
    /// finds it instead of making its own (two fresh instances each making a key would refuse each other's cookies
    /// until their key rings refresh). A database that is not up yet only costs a warning: the key is made on first use.
    /// </summary>
    public static void CreateKeyRingBeforeServing(this WebApplication app)
    {
        try { app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("CourseMatch.Startup").Protect("ready"u8.ToArray()); }
        catch (Exception e) { app.Logger.LogWarning("The data-protection key ring could not be read at start ({Error}).", e.Message); }
    }
}
