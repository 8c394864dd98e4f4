using CourseMatch.Web.Features.Admin.Models;
using Npgsql;

namespace CourseMatch.Web;

public static class DataRegistration
{
    /// <summary>One NpgsqlDataSource for the app: EF contexts and the raw search SQL share its pool.</summary>
    public static void AddCourseMatchData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("CourseMatch");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings__CourseMatch, or start CourseMatch with ./run.sh, which runs a local PostgreSQL for you.");

        var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "CourseMatch" }.Build();
        builder.Services.AddCourseMatchCore(dataSource);
        // Singletons whose state every instance reads from job_runs (one poller refreshes them).
        builder.Services.AddSharedJob<TrainingJobs>();
        builder.Services.AddSharedJob<TaggerJobs>();
    }
}
