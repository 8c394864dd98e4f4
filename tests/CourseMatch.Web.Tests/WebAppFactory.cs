using CourseMatch.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace CourseMatch.Web.Tests;

/// <summary>The real web app on its own seeded PostgreSQL database, in Production mode.</summary>
public sealed class WebAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;

    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:CourseMatch", Db.ConnectionString);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Db.DisposeAsync();
    }
}
