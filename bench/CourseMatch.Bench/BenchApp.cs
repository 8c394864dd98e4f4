using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CourseMatch.Bench;

/// <summary>The real web app on real Kestrel, bound to 127.0.0.1 on a free port, in Production.</summary>
public sealed class BenchApp : WebApplicationFactory<global::Program>
{
    private readonly string connectionString;

    private BenchApp(string connectionString) => this.connectionString = connectionString;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the app registered as its IRankerSource, and what the bench serves with (see <see cref="ConfigureWebHost"/>).</summary>
    public string RankerWiring { get; private set; } = "?";

    public static BenchApp Start(string connectionString)
    {
        // WebApplicationFactory checks this setting before guessing the web project's folder from the solution
        // (which fails when the bench runs from a published folder).
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COURSEMATCH_WEB", WebContentRoot());
        var app = new BenchApp(connectionString);
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel did not report its address.");
        app.BaseAddress = new Uri(addresses.Addresses.First());
        if (!IPAddress.IsLoopback(IPAddress.Parse(app.BaseAddress.Host)))
            throw new InvalidOperationException($"The app listens on {app.BaseAddress}, not on the loopback interface.");
        return app;
    }

    /// <summary>
    /// The web project's folder, from the manifest Mvc.Testing writes next to this program (WebApplicationFactory
    /// only looks for it in the current directory, and its solution-relative guess misses src/); else this folder.
    /// </summary>
    private static string WebContentRoot()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
        if (File.Exists(manifest))
        {
            var roots = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifest)) ?? [];
            var web = roots.FirstOrDefault(kv => kv.Key.StartsWith("CourseMatch.Web,", StringComparison.Ordinal)).Value;
            if (web is not null && Directory.Exists(web)) return web;
        }
        return AppContext.BaseDirectory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(WebContentRoot());
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:CourseMatch", connectionString);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddConsole();
            logging.SetMinimumLevel(LogLevel.Warning);
        });
        // Issue 3: "the web app serves the active [model] through a thread-safe pool". When the app still registers
        // the rubric-only source, the bench serves the active model version itself (ModelRankerSource, as the app
        // should) so the API is measured with the model ranker; the report says which wiring was found.
        builder.ConfigureTestServices(services =>
        {
            var registered = services.LastOrDefault(d => d.ServiceType == typeof(IRankerSource));
            var type = registered?.ImplementationType ?? registered?.ImplementationInstance?.GetType();
            if (registered is null || type == typeof(RubricOnly))
            {
                services.AddSingleton<IRankerSource>(sp => new ModelRankerSource(
                    sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<ModelRankerSource>>()));
                RankerWiring = $"the app registers {(type?.Name ?? "no IRankerSource")}; the bench swapped in ModelRankerSource";
            }
            else RankerWiring = $"the app registers {(type?.Name ?? "a factory")} (unchanged)";
        });
    }
}
