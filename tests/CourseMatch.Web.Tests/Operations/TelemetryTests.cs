using Microsoft.Extensions.Configuration;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CourseMatch.Web.Operations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CourseMatch.Web.Tests.Operations;

/// <summary>
/// The app on real Kestrel ports, named "t1", with a metrics port: the only way to see which port a request came in on.
/// Request logs are captured through the console formatter the app configured, so a test reads the lines the console gets.
/// </summary>
public sealed class MetricsApp : WebAppFactory
{
    public const string Instance = "t1";
    public int MetricsPort { get; } = FreeLoopbackPort();
    public Uri BaseAddress { get; private set; } = null!;
    public ConcurrentQueue<string> LogLines { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Endpoints from code replace the URLs the app adds the metrics port to, so both are listed here.
        UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Listen(IPAddress.Loopback, MetricsPort);
        });
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => !a.EndsWith($":{MetricsPort}", StringComparison.Ordinal)));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("CourseMatch:Instance", Instance);
        builder.UseSetting("CourseMatch:MetricsPort", MetricsPort.ToString());
        builder.ConfigureLogging(l => l.AddFilter<CapturingProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information));
        builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(sp => new CapturingProvider(
            sp.GetServices<ConsoleFormatter>(), sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), LogLines)));
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Formats each entry with the console's configured formatter and keeps the text.</summary>
    private sealed class CapturingProvider(IEnumerable<ConsoleFormatter> formatters, IOptionsMonitor<ConsoleLoggerOptions> options, ConcurrentQueue<string> lines)
        : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;
        public void Dispose() { }

        private void Write<TState>(LogEntry<TState> entry)
        {
            var name = options.CurrentValue.FormatterName;
            var console = formatters.First(f => f.Name == name);
            using var text = new StringWriter();
            console.Write(entry, scopes, text);
            lines.Enqueue(text.ToString());
        }

        private sealed class Logger(CapturingProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.scopes.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
        }
    }
}

public class TelemetryTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private HttpClient Public() => new() { BaseAddress = app.BaseAddress };
    private HttpClient Metrics() => new() { BaseAddress = new Uri($"http://127.0.0.1:{app.MetricsPort}") };

    [Fact]
    public async Task MetricsAnswerOnlyOnTheMetricsPortAndCarryTheSearchTime()
    {
        using var web = Public();
        var search = await web.GetAsync("/api/courses?q=python");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var recommendation = await web.PostAsync("/api/recommendations", new StringContent("""
            {"skills":{"python":2}, "goal":"career-switch", "budget":{"amount":5000,"currency":"USD","strict":true},
             "format":"online", "hoursPerWeek":6, "startWithinWeeks":12, "pacing":"any", "language":"en", "wantsCertificate":false}
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, recommendation.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync("/metrics")).StatusCode);

        using var metrics = Metrics();
        var scrape = await metrics.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("coursematch_search_duration", text);
        Assert.Contains("coursematch_recommendation_phase_duration", text);
        Assert.Contains("phase=\"candidates\"", text);
        Assert.Contains("coursematch_ranker_model_version", text);
        Assert.Contains("http_server_request_duration", text); // ASP.NET Core's own
        Assert.Contains("db_client_", text); // Npgsql's

        // The metrics port serves nothing else, not even the app's pages.
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/api/courses")).StatusCode);
    }

    [Fact]
    public async Task EveryResponseNamesTheInstanceThatAnswered()
    {
        using var web = Public();
        foreach (var path in new[] { "/", "/api/courses", "/no-such-page" })
        {
            var response = await web.GetAsync(path);
            Assert.Equal(MetricsApp.Instance, Assert.Single(response.Headers.GetValues(Telemetry.InstanceHeader)));
        }
    }

    [Fact]
    public async Task ARequestsLogLinesAreJsonWithItsTraceIdAndTheInstance()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var web = Public();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/courses?pageSize=1");
        request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.OK, (await web.SendAsync(request)).StatusCode);

        // "Request finished" is written as the response completes: give it a moment to arrive.
        JsonElement[] lines = [];
        for (var i = 0; i < 50 && lines.Length < 2; i++)
        {
            lines = app.LogLines.Select(l => JsonDocument.Parse(l).RootElement)
                .Where(l => l.TryGetProperty("TraceId", out var t) && t.GetString() == traceId).ToArray();
            if (lines.Length < 2) await Task.Delay(100);
        }
        Assert.True(lines.Length >= 2, $"{lines.Length} lines carry the trace id; captured: {string.Join("", app.LogLines.Take(5))}");
        foreach (var line in lines)
        {
            Assert.Equal(MetricsApp.Instance, line.GetProperty("Instance").GetString());
            Assert.Equal(16, line.GetProperty("SpanId").GetString()!.Length);
            Assert.Equal("Microsoft.AspNetCore.Hosting.Diagnostics", line.GetProperty("Category").GetString());
            Assert.False(string.IsNullOrEmpty(line.GetProperty("Message").GetString()));
        }
    }

    [Theory]
    [InlineData("http://+:8080", null, null, "http://+:8080")]
    [InlineData("http://a:1;https://b:2", "9", null, "http://a:1|https://b:2")]
    [InlineData(null, "8080", "8443", "http://*:8080|https://*:8443")]
    [InlineData("", null, null, "http://localhost:5000")]
    public void TheMetricsPortIsAddedBesideTheUrlsTheAppWouldServe(string? urls, string? httpPorts, string? httpsPorts, string expected) =>
        Assert.Equal(expected, string.Join("|", Telemetry.ServedUrls(urls, httpPorts, httpsPorts)));

    [Theory]
    [InlineData("ninety")]
    [InlineData("70000")]
    [InlineData("0")]
    public void AMetricsPortThatIsNotAPortStopsTheStartNamingTheSetting(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("CourseMatch:MetricsPort", value)]).Build();
        var refused = Assert.Throws<InvalidOperationException>(() => Telemetry.MetricsPort(configuration));
        Assert.Contains("CourseMatch:MetricsPort", refused.Message);
        Assert.Contains(value, refused.Message);
    }
}
