using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace CourseMatch.Web;

public static class HealthReport
{
    /// <summary>/health says, as JSON, whether the database answers.</summary>
    public static readonly HealthCheckOptions Options = new()
    {
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), error = e.Value.Exception?.Message }),
            }));
        },
    };
}
