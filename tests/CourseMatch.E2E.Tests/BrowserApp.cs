using System.Net;
using CourseMatch.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace CourseMatch.E2E;

/// <summary>The app on a real port with its own seeded database, and a real headless Chromium.</summary>
public sealed class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright? playwright;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("COURSEMATCH_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development serves static web assets straight from the project, without a publish step.
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:CourseMatch", Db.ConnectionString);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }

    public async Task<IPage> NewPageAsync(bool javaScript = true, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseUrl, JavaScriptEnabled = javaScript, ViewportSize = new() { Width = width, Height = height } });
        return await context.NewPageAsync();
    }

    /// <summary>Creates a user in the role and returns the generated credentials, as `coursematch users add` would.</summary>
    public async Task<(string Email, string Password)> CreateUserAsync(string role)
    {
        await using var scope = Services.CreateAsyncScope();
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}@example.test";
        var (created, errors) = await scope.ServiceProvider.GetRequiredService<CourseMatch.Accounts.UserAccounts>().CreateAsync(email, role);
        if (created is null) throw new InvalidOperationException(string.Join("; ", errors));
        return (email, created.Password);
    }

    /// <summary>A new browser page signed in through the sign-in form as a fresh user in the role.</summary>
    public async Task<IPage> SignedInPageAsync(string role, int width = 1280, int height = 900)
    {
        var (email, password) = await CreateUserAsync(role);
        return await SignInAsync(email, password, width, height);
    }

    /// <summary>A new browser page (its own cookies: another device) signed in through the sign-in form.</summary>
    public async Task<IPage> SignInAsync(string email, string password, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width: width, height: height);
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        return page;
    }

    /// <summary>Interactive pages mark themselves with data-interactive="true" once their circuit is live and clicks are handled.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Screenshots for the README go to docs/screenshots at the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CourseMatch.sln"))) dir = dir.Parent;
        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await DisposeAsync();
        await Db.DisposeAsync();
    }
}

[CollectionDefinition(nameof(BrowserCollection))]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>;
