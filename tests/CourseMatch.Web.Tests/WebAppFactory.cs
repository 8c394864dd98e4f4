using System.Net;
using AngleSharp.Html.Parser;
using CourseMatch.Accounts;
using CourseMatch.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CourseMatch.Web.Tests;

/// <summary>The real web app on its own seeded PostgreSQL database, in Production mode.</summary>
public class WebAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDb Db { get; protected set; } = null!;

    /// <summary>Sign-in attempts allowed per minute from one address; the tests all come from one, so high by default.</summary>
    protected virtual int SignInAttemptsPerMinute => 10_000;

    public WebAppFactory()
    {
        // The auth and antiforgery cookies are Secure: the test client must speak "https" for them to be sent back.
        ClientOptions.BaseAddress = new Uri("https://localhost");
    }

    public virtual async Task InitializeAsync() => Db = await TestDatabase.CreateAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:CourseMatch", Db.ConnectionString);
        builder.UseSetting("CourseMatch:SignInAttemptsPerMinute", SignInAttemptsPerMinute.ToString());
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>Creates a user in the role (a fresh address each call) and returns their email and generated password.</summary>
    public async Task<(string Email, string Password)> CreateUserAsync(string role, string? email = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var (created, errors) = await accounts.CreateAsync(email, role);
        if (created is null) throw new InvalidOperationException(string.Join("; ", errors));
        return (email, created.Password);
    }

    /// <summary>A client that signed in through the real sign-in form (antiforgery token and all).</summary>
    public async Task<HttpClient> SignedInClientAsync(string role)
    {
        var (email, password) = await CreateUserAsync(role);
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });
        var response = await SignInAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in as {role} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>Posts the sign-in form as a browser would: reads the page for its antiforgery token, then submits.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var url = "/account/login" + (returnUrl is null ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var form = await FormFieldsAsync(client, url, "sign-in");
        form["Input.Email"] = email;
        form["Input.Password"] = password;
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>The hidden fields (antiforgery token, handler name) of the named form on a page.</summary>
    public static async Task<Dictionary<string, string>> FormFieldsAsync(HttpClient client, string url, string formName)
    {
        var html = await client.GetStringAsync(url);
        var doc = new HtmlParser().ParseDocument(html);
        var form = doc.QuerySelectorAll("form").FirstOrDefault(f => f.QuerySelector($"input[name=_handler][value='{formName}']") is not null)
                   ?? throw new InvalidOperationException($"No form {formName} on {url}.");
        return form.QuerySelectorAll("input[type=hidden]").Where(i => i.GetAttribute("name") is not null)
            .GroupBy(i => i.GetAttribute("name")!).ToDictionary(g => g.Key, g => g.First().GetAttribute("value") ?? "");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Db.DisposeAsync();
        await DisposeResourcesAsync();
    }

    protected virtual Task DisposeResourcesAsync() => Task.CompletedTask;
}
