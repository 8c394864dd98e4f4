using System.Text.Json;
using CourseMatch.Data;
using CourseMatch.Web.Operations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CourseMatch.Web;

/// <summary>
/// Three health endpoints, for three questions. <c>/health/live</c>: is the process serving (no checks; a proxy or
/// orchestrator restarts it when not). <c>/health/ready</c>: can it serve, i.e. does the primary answer, or at least a
/// fresh standby for public reads (a proxy stops sending it traffic when neither does). <c>/health</c>: the full
/// report as JSON, primary, replica and lag.
/// </summary>
public static class HealthReport
{
    private const string Ready = "ready";

    public static void AddCourseMatchHealth(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddDbContextCheck<CourseMatchDb>("primary")
            .AddCheck<ReplicaMonitor.HealthCheck>("replica")
            .AddCheck<CatalogIndexHealthCheck>("catalogIndex")
            .AddCheck<ReadyCheck>("serving", tags: [Ready]);

    public static void MapCourseMatchHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson });
    }

    /// <summary>
    /// Ready while the primary answers; while it does not but the standby does, ready but degraded: the catalog, course
    /// pages and plans' candidates go on from the standby, and pages that write say the database is away. Taking every
    /// instance out of the proxy during a primary restart would turn all of that into errors.
    /// </summary>
    public sealed class ReadyCheck(CourseMatchDb db, ReplicaMonitor replica) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            if (await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Healthy("The primary answers.");
            return replica.State is { Reachable: true, ReadsOnStandby: true }
                ? HealthCheckResult.Degraded("The primary does not answer: public reads go on from the standby; writes wait for the primary.")
                : HealthCheckResult.Unhealthy("Neither the primary nor a fresh standby answers.");
        }
    }

    private static Task WriteJson(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                error = e.Value.Exception?.Message,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        }, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
