using System.Net;
using AngleSharp.Html.Parser;
using CourseMatch.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Account;

public class SignInTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private HttpClient NewClient() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });

    private static string Alert(string html) => new HtmlParser().ParseDocument(html).QuerySelector("[role=alert]")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task AdminSignsInAndIsSentBackToTheAdminPage()
    {
        var (email, password) = await app.CreateUserAsync(Roles.Admin);
        var client = NewClient();

        var toLogin = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        Assert.StartsWith("https://localhost/account/login?ReturnUrl=%2Fadmin", toLogin.Headers.Location!.ToString());

        var signedIn = await WebAppFactory.SignInAsync(client, email, password, "/admin");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("https://localhost/admin", signedIn.Headers.Location!.ToString());
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("CourseMatch.Auth="));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        var admin = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains(email, await admin.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("//evil.example/phish")]
    [InlineData("https://evil.example/phish")]
    [InlineData("/\\evil.example/phish")]
    public async Task ReturnUrlToAnotherSiteIsIgnored(string returnUrl)
    {
        var (email, password) = await app.CreateUserAsync(Roles.Advisor);
        var response = await WebAppFactory.SignInAsync(NewClient(), email, password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://localhost/advisor", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData(Roles.Advisor, "/advisor")]
    [InlineData(Roles.Admin, "/admin")]
    public async Task WithNowhereToReturnToEachRoleLandsOnItsOwnPage(string role, string landing)
    {
        var (email, password) = await app.CreateUserAsync(role);
        var response = await WebAppFactory.SignInAsync(NewClient(), email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://localhost" + landing, response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task AnAdvisorGoingToAPageOfThisSiteIsSentThere()
    {
        var (email, password) = await app.CreateUserAsync(Roles.Advisor);
        var response = await WebAppFactory.SignInAsync(NewClient(), email, password, "/courses?q=statistics");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://localhost/courses?q=statistics", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task WrongPasswordSaysSoWithoutSayingWhichPartWasWrong()
    {
        var (email, _) = await app.CreateUserAsync(Roles.Advisor);
        var response = await WebAppFactory.SignInAsync(NewClient(), email, "not the password at all");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("That email and password do not match an account.", Alert(await response.Content.ReadAsStringAsync()));

        var unknown = await WebAppFactory.SignInAsync(NewClient(), "nobody@example.test", "not the password at all");
        Assert.Equal("That email and password do not match an account.", Alert(await unknown.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task EmptyFieldsAreNamed()
    {
        var response = await WebAppFactory.SignInAsync(NewClient(), "", "");
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Enter your email.", doc.QuerySelector("#email-error")!.TextContent);
        Assert.Equal("Enter your password.", doc.QuerySelector("#password-error")!.TextContent);
    }

    [Fact]
    public async Task FiveFailuresLockTheAccountEvenAgainstTheRightPassword()
    {
        var (email, password) = await app.CreateUserAsync(Roles.Advisor);
        for (var i = 0; i < AccountSetup.MaxFailedSignIns; i++)
            await WebAppFactory.SignInAsync(NewClient(), email, $"wrong password number {i}");

        var response = await WebAppFactory.SignInAsync(NewClient(), email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("This account is locked", Alert(await response.Content.ReadAsStringAsync()));

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByEmailAsync(email))!));
    }

    [Fact]
    public async Task SignInWithoutTheAntiforgeryTokenIsRefused()
    {
        var (email, password) = await app.CreateUserAsync(Roles.Admin);
        var response = await NewClient().PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in", ["Input.Email"] = email, ["Input.Password"] = password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("CourseMatch.Auth="));
    }

    [Fact]
    public async Task SignOutEndsTheSessionAndNeedsItsToken()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);
        var forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);

        var html = await client.GetStringAsync("/");
        var token = new HtmlParser().ParseDocument(html).QuerySelector("form[action='/account/logout'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var signedOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task ACookieCopiedBeforeSignOutOpensNothingAfterwards()
    {
        var (email, password) = await app.CreateUserAsync(Roles.Admin);
        var browser = NewClient();
        var signedIn = await WebAppFactory.SignInAsync(browser, email, password);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("CourseMatch.Auth=")).Split(';')[0];
        var thief = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = app.ClientOptions.BaseAddress });
        Task<HttpResponseMessage> Replay() => thief.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin/courses") { Headers = { { "Cookie", cookie } } });
        Assert.Equal(HttpStatusCode.OK, (await Replay()).StatusCode);

        var token = new HtmlParser().ParseDocument(await browser.GetStringAsync("/")).QuerySelector("form[action='/account/logout'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }))).StatusCode);

        var replayed = await Replay();
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("https://localhost/account/login", replayed.Headers.Location!.ToString());
    }

    [Fact]
    public async Task AdvisorIsDeniedTheAdminPage()
    {
        var client = await app.SignedInClientAsync(Roles.Advisor);
        var response = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://localhost/account/denied", response.Headers.Location!.ToString());
    }
}

/// <summary>Its own app, with a limit low enough to reach in a test.</summary>
public sealed class LowSignInLimitApp : WebAppFactory
{
    protected override int SignInAttemptsPerMinute => 3;
}

public class SignInRateLimitTests(LowSignInLimitApp app) : IClassFixture<LowSignInLimitApp>
{
    [Fact]
    public async Task TooManyAttemptsFromOneAddressGet429WithRetryAfter()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        // Windows are aligned to the clock's minutes: four attempts straddling a minute's end would fall in two windows.
        var left = TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(DateTime.UtcNow.Ticks % TimeSpan.TicksPerMinute);
        if (left < TimeSpan.FromSeconds(20)) await Task.Delay(left + TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await WebAppFactory.SignInAsync(client, "someone@example.test", "wrong password here")).StatusCode);

        var limited = await WebAppFactory.SignInAsync(client, "someone@example.test", "wrong password here");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        Assert.Contains("Too many sign-in attempts", await limited.Content.ReadAsStringAsync());
        // Reading the page is not an attempt.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
    }
}
