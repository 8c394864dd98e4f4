using System.Text.Json;
using CourseMatch.Data;
using CourseMatch.Web.Operations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CourseMatch.Web;

/// <summary>
/// Three health endpoints, for three questions. <c>/health/live</c>: is the process serving (no checks; a proxy or
/// orchestrator restarts it when not). <c>/health/ready</c>: can it do its work, i.e. does the primary answer (a proxy
/// stops sending it traffic when not). <c>/health</c>: the full report as JSON, primary, replica and lag.
/// </summary>
public static class HealthReport
{
    private const string Ready = "ready";

    public static void AddCourseMatchHealth(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddDbContextCheck<CourseMatchDb>("primary", tags: [Ready])
            .AddCheck<ReplicaMonitor.HealthCheck>("replica");

    public static void MapCourseMatchHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson });
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
