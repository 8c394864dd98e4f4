using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using CourseMatch.Web.Tests.Api;

namespace CourseMatch.Web.Tests.Security;

/// <summary>The app on a real Kestrel port, for what the in-memory test server never does (the Server header, real chunked bodies).</summary>
public sealed class KestrelApp : WebAppFactory
{
    public Uri BaseAddress { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}

public class HeaderTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private HttpClient Kestrel() => new() { BaseAddress = app.BaseAddress };

    [Theory]
    [InlineData("/")]
    [InlineData("/courses")]
    [InlineData("/match")]
    public async Task PagesSendExactlyOneContentSecurityPolicyAllowingOnlySameOriginConnections(string path)
    {
        using var http = Kestrel();
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("connect-src 'self';", csp);
        Assert.DoesNotContain("ws:", csp);
        Assert.DoesNotContain("wss:", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/skills")]
    [InlineData("/no-such-page")]
    public async Task KestrelSendsNoServerHeader(string path)
    {
        using var http = Kestrel();
        var response = await http.GetAsync(path);
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(",", response.Headers.Server)}");
    }

    [Fact]
    public async Task ChunkedFiveMegabyteBodyGets413ProblemDetailsUnderKestrel()
    {
        using var http = Kestrel();
        var response = await http.PostAsync("/api/recommendations", ApiRefusalTests.ChunkedJson(5 * 1024 * 1024));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
