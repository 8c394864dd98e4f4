using CourseMatch.Catalog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CourseMatch.Web.Operations;

/// <summary>Starts loading the catalog index when the app starts, so the first visitor does not wait for it (ADR 0018).</summary>
public sealed class CatalogIndexWarmup(CatalogIndex index) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        _ = index.WarmAsync(); // in the background: a large catalog takes seconds, and searches use SQL until it is in
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// What the catalog index holds, on /health. Always healthy: while it loads, searches are answered by SQL (slower
/// on a large catalog, never wrong), so it is reported rather than taken out of service.
/// </summary>
public sealed class CatalogIndexHealthCheck(CatalogIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var s = index.Current();
        var data = new Dictionary<string, object> { ["courses"] = s.Courses, ["patchedCourses"] = s.PatchedCourses, ["loading"] = s.Loading };
        if (s.LoadTime is { } t) data["loadSeconds"] = Math.Round(t.TotalSeconds, 1);
        var description = s.Ready
            ? $"{s.Courses:#,0} published courses in memory; searches count and order from it."
            : s.Loading ? "Loading: searches use SQL until it is in." : "Not loaded yet: it loads on the next search.";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
