using System.Net;
using System.Text.RegularExpressions;
using CourseMatch.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Security;

/// <summary>
/// Every protected route the app maps (found from its endpoint table, so a new page cannot be forgotten),
/// tried as anonymous, advisor and admin.
/// </summary>
public partial class AuthorizationMatrixTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private static readonly string[] ProtectedPrefixes = ["/admin", "/api/admin", "/advisor", "/api/advisor"];

    private sealed record Route(string Method, string Path, bool IsApi, bool AdminOnly);

    private List<Route> ProtectedRoutes()
    {
        _ = app.CreateClient(); // builds the host
        var routes = new List<Route>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!ProtectedPrefixes.Any(p => pattern == p || pattern.StartsWith(p + "/", StringComparison.Ordinal))) continue;
            var path = Parameter().Replace(pattern, m => m.Groups[1].Value switch
            {
                var n when n.Contains(":int") || n.StartsWith("id") => "1",
                _ => "sample",
            });
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var adminOnly = pattern.StartsWith("/admin") || pattern.StartsWith("/api/admin");
            foreach (var method in methods.Where(m => m is "GET" or "POST" or "PUT" or "DELETE" or "PATCH"))
            {
                // Razor component endpoints accept POST for forms; the GET is the one a person opens.
                if (method == "POST" && !pattern.StartsWith("/api/")) continue;
                routes.Add(new Route(method, path, pattern.StartsWith("/api/"), adminOnly));
            }
        }
        return routes.DistinctBy(r => (r.Method, r.Path)).OrderBy(r => r.Path).ToList();
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Parameter();

    private static HttpRequestMessage Request(Route r) => new(new HttpMethod(r.Method), r.Path)
    {
        Content = r.Method is "GET" or "DELETE" ? null : new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
    };

    [Fact]
    public void TheMatrixCoversTheAdminPages()
    {
        var routes = ProtectedRoutes();
        var paths = routes.Select(r => r.Path).ToHashSet();
        Assert.True(routes.Count >= 10, $"only {routes.Count} protected routes found: {string.Join(", ", paths)}");
        foreach (var expected in new[] { "/admin", "/admin/courses", "/admin/import", "/admin/models", "/admin/audit", "/admin/providers", "/admin/skills", "/admin/skills/roles", "/admin/skills/roles/new", "/admin/skills/roles/1", "/admin/skills/questions", "/admin/skills/questions/new", "/admin/skills/questions/1", "/api/admin/skills/questions/export", "/admin/tagging" })
            Assert.Contains(expected, paths);
    }

    [Fact]
    public async Task AnonymousIsSentToSignInOrGets401Everywhere()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        var failures = new List<string>();
        foreach (var r in ProtectedRoutes())
        {
            var response = await client.SendAsync(Request(r));
            var ok = r.IsApi
                ? response.StatusCode == HttpStatusCode.Unauthorized
                : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.AbsolutePath == "/account/login";
            if (!ok) failures.Add($"{r.Method} {r.Path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task AdvisorIsRefusedEveryAdminRoute()
    {
        var client = await app.SignedInClientAsync(Roles.Advisor);
        var failures = new List<string>();
        foreach (var r in ProtectedRoutes().Where(r => r.AdminOnly))
        {
            var response = await client.SendAsync(Request(r));
            var ok = r.IsApi
                ? response.StatusCode == HttpStatusCode.Forbidden
                : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.AbsolutePath == "/account/denied";
            if (!ok) failures.Add($"{r.Method} {r.Path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task AdminIsLetThroughEveryRoute()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);
        var failures = new List<string>();
        foreach (var r in ProtectedRoutes())
        {
            var response = await client.SendAsync(Request(r));
            // Let through: not sent to sign-in, not refused. (A sample id may not exist: 404 is an answer, not a refusal.)
            var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                          || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.AbsolutePath.StartsWith("/account/"))
                          || (int)response.StatusCode >= 500;
            if (refused) failures.Add($"{r.Method} {r.Path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryResponseCarriesTheSecurityHeaders()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        foreach (var path in new[] { "/", "/courses", "/account/login", "/admin", "/api/courses?q=%22", "/no-such-page" })
        {
            var response = await client.GetAsync(path);
            var csp = string.Join(";", response.Headers.TryGetValues("Content-Security-Policy", out var v) ? v : []);
            Assert.Contains("object-src 'none'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.Contains("Referrer-Policy"), path);
        }
    }
}
