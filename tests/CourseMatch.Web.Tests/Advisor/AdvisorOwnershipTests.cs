using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static CourseMatch.Tests.Advising.AdvisingTestData;
using static CourseMatch.Web.Tests.Advisor.AdvisorWebTestData;

namespace CourseMatch.Web.Tests.Advisor;

/// <summary>
/// Every advisor route, found from the app's endpoint table (so a new one cannot be forgotten), opened with one
/// advisor's ids by that advisor and by another.
/// </summary>
public partial class AdvisorOwnershipTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private static readonly string[] Prefixes = ["/advisor", "/api/advisor"];

    /// <summary>A route pattern and the URL it becomes with the given learner's and plan's ids.</summary>
    private sealed record Route(string Pattern, string Url)
    {
        public bool NamesOne => Pattern.Contains('{');
    }

    private List<Route> AdvisorRoutes(int learnerId, int olderPlanId, int newerPlanId)
    {
        _ = app.CreateClient(); // builds the host
        var routes = new List<Route>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!Prefixes.Any(p => pattern == p || pattern.StartsWith(p + "/", StringComparison.Ordinal))) continue;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            if (!methods.Contains("GET")) continue;
            var url = Parameter().Replace(pattern, m => m.Groups[1].Value.Split(':')[0] switch
            {
                "Id" or "id" => learnerId.ToString(),
                "PlanId" or "planId" => newerPlanId.ToString(),
                // A new kind of id needs its own owned value here, or the test would try a meaningless one.
                var other => throw new InvalidOperationException($"{pattern} has a parameter {other} this test does not know how to fill."),
            });
            if (pattern.EndsWith("/compare", StringComparison.Ordinal)) url += $"?older={olderPlanId}&newer={newerPlanId}";
            routes.Add(new Route(pattern, url));
        }
        return routes.DistinctBy(r => r.Url).OrderBy(r => r.Url).ToList();
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Parameter();

    private async Task<(SignedInAdvisor Owner, SignedInAdvisor Other, string Name, List<Route> Routes)> ArrangeAsync()
    {
        var owner = await AdvisorAsync(app);
        var other = await AdvisorAsync(app);
        var name = $"Ownership Learner {Guid.NewGuid():N}";
        var learner = await LearnerAsync(app.Db, owner.Id, name, notes: "Only their advisor may read this.");
        var (older, _) = await PlanAsync(app.Db, owner.Id, learner.Id, OnlineUpskill(level: 1));
        var (newer, _) = await PlanAsync(app.Db, owner.Id, learner.Id, OnlineUpskill(level: 2));
        return (owner, other, name, AdvisorRoutes(learner.Id, older, newer));
    }

    [Fact]
    public async Task TheRoutesTriedIncludeEveryAdvisorPageAndApi()
    {
        var (_, _, _, routes) = await ArrangeAsync();
        var patterns = routes.Select(r => r.Pattern.ToLowerInvariant()).ToHashSet();

        foreach (var expected in new[]
                 {
                     "/advisor", "/advisor/learners/{id:int}", "/advisor/learners/{id:int}/answers",
                     "/advisor/learners/{id:int}/plans/{planid:int}", "/advisor/learners/{id:int}/plans/{planid:int}/print",
                     "/advisor/learners/{id:int}/compare",
                     "/api/advisor/learners", "/api/advisor/learners/{id:int}", "/api/advisor/learners/{id:int}/plans/{planid:int}",
                     "/api/advisor/learners/{id:int}/export",
                 })
            Assert.True(patterns.Contains(expected), $"{expected} not among the enumerated routes: {string.Join(", ", patterns)}");
    }

    [Fact]
    public async Task AnotherAdvisorGetsNotFoundOnEveryRouteWithTheLearnersIdsAndNeverSeesTheirName()
    {
        var (_, other, name, routes) = await ArrangeAsync();
        var failures = new List<string>();

        foreach (var route in routes)
        {
            var response = await other.Client.GetAsync(route.Url);
            var body = await response.Content.ReadAsStringAsync();
            // A list has no id to refuse: it answers with the caller's own (empty) list.
            var expected = route.NamesOne ? HttpStatusCode.NotFound : HttpStatusCode.OK;
            if (response.StatusCode != expected) failures.Add($"GET {route.Url}: {(int)response.StatusCode}, expected {(int)expected}");
            if (body.Contains(name, StringComparison.Ordinal)) failures.Add($"GET {route.Url}: the body shows the other advisor's learner");
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task TheOwningAdvisorOpensEveryRouteAndSeesTheLearner()
    {
        var (owner, _, name, routes) = await ArrangeAsync();
        var failures = new List<string>();

        foreach (var route in routes)
        {
            var response = await owner.Client.GetAsync(route.Url);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK) failures.Add($"GET {route.Url}: {(int)response.StatusCode}");
            // Shows the 200 is the learner's own page, not an empty shell: the 404s above then mean something.
            else if (!body.Contains(name, StringComparison.Ordinal)) failures.Add($"GET {route.Url}: the learner's name is missing");
        }

        Assert.Empty(failures);
    }
}
