using CourseMatch.Operations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CourseMatch.Web.Operations;

/// <summary>
/// Traces, metrics and logs for running several instances (docs/decisions/0016-telemetry.md):
/// <list type="bullet">
/// <item>OpenTelemetry traces of requests, Npgsql commands and CourseMatch's own spans; metrics of the same plus the
/// runtime's, scraped by Prometheus from <c>/metrics</c> on a loopback-only port (<c>CourseMatch:MetricsPort</c>),
/// never from the public one;</item>
/// <item>JSON console logs (outside Development) carrying the trace and span ids and the instance name;</item>
/// <item>the instance name (<c>CourseMatch:Instance</c>) in the resource, the logs and an
/// <see cref="InstanceHeader"/> response header, so a person or a test behind the proxy sees who answered.</item>
/// </list>
/// </summary>
public static class Telemetry
{
    public const string InstanceHeader = "X-CourseMatch-Instance";
    public const string MetricsPath = "/metrics";

    /// <summary>This instance's short name: <c>CourseMatch:Instance</c>, or the machine's name.</summary>
    public static string InstanceName(IConfiguration configuration) =>
        configuration["CourseMatch:Instance"] is { Length: > 0 } name ? name.Trim() : Environment.MachineName;

    /// <summary>The loopback port Prometheus scrapes, or null when metrics are not served; a value that is not a port stops the start.</summary>
    public static int? MetricsPort(IConfiguration configuration) =>
        configuration["CourseMatch:MetricsPort"] is not { Length: > 0 } value ? null
        : int.TryParse(value, out var port) && port is > 0 and <= 65535 ? port
        : throw new InvalidOperationException($"CourseMatch:MetricsPort: \"{value}\" is not a port number (1–65535).");

    public static WebApplicationBuilder AddCourseMatchTelemetry(this WebApplicationBuilder builder)
    {
        var instance = InstanceName(builder.Configuration);
        var metricsPort = MetricsPort(builder.Configuration);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("CourseMatch", serviceInstanceId: instance))
            // No trace exporter: spans give every log line its trace id, and the proxy's traceparent joins them up.
            // An OTLP exporter can be added here when there is a collector to send them to.
            .WithTracing(t => t
                .AddSource(CourseMatchTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = c => c.Connection.LocalPort != metricsPort)
                .AddNpgsql());
        if (metricsPort is { } port)
        {
            otel.WithMetrics(m => m
                .AddMeter(CourseMatchTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddNpgsqlInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
            AddMetricsListener(builder, port);
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Logging.AddConsoleFormatter<JsonLogFormatter, JsonLogFormatter.Options>();
        var formatter = builder.Configuration["Logging:Console:FormatterName"];
        // "json" asks for JSON; with nothing configured, every environment but Development gets it (log collectors
        // read it), and Development keeps the readable lines.
        if (formatter is null ? !builder.Environment.IsDevelopment() : formatter.Equals(ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase))
            builder.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName = JsonLogFormatter.FormatterName);
        return builder;
    }

    /// <summary>
    /// Adds http://127.0.0.1:<paramref name="port"/> beside the addresses the app already serves. Kestrel takes either
    /// the URLs (ASPNETCORE_URLS, --urls, the HTTP_PORTS settings) or endpoints from code and configuration, not both,
    /// so the metrics address is added to whichever of the two the deployment uses.
    /// </summary>
    private static void AddMetricsListener(WebApplicationBuilder builder, int port)
    {
        var metricsUrl = $"http://127.0.0.1:{port}";
        if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            builder.Configuration.AddInMemoryCollection([new("Kestrel:Endpoints:CourseMatchMetrics:Url", metricsUrl)]);
            return;
        }
        var urls = ServedUrls(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey),
            builder.WebHost.GetSetting(WebHostDefaults.HttpPortsKey), builder.WebHost.GetSetting(WebHostDefaults.HttpsPortsKey));
        builder.WebHost.UseUrls([.. urls, metricsUrl]);
    }

    /// <summary>
    /// The URLs Kestrel would serve without the metrics port, by ASP.NET Core's own order: the URLs setting, else the
    /// HTTP_PORTS and HTTPS_PORTS settings, else its default http://localhost:5000.
    /// </summary>
    internal static IReadOnlyList<string> ServedUrls(string? urls, string? httpPorts, string? httpsPorts)
    {
        static IEnumerable<string> Split(string? list) => (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (Split(urls).ToList() is { Count: > 0 } given) return given;
        var fromPorts = Split(httpPorts).Select(p => $"http://*:{p}").Concat(Split(httpsPorts).Select(p => $"https://*:{p}")).ToList();
        return fromPorts.Count > 0 ? fromPorts : ["http://localhost:5000"];
    }

    /// <summary>
    /// Puts the instance header on every response and, with a metrics port, answers that port with the Prometheus
    /// scrape at <see cref="MetricsPath"/> and 404 for anything else. The branch is chosen by the port the connection
    /// arrived on, which a client cannot forge (a Host header can be): on the public port <c>/metrics</c> is an
    /// unknown page like any other. Call first, so every response carries the header.
    /// </summary>
    public static WebApplication UseCourseMatchTelemetry(this WebApplication app)
    {
        var instance = InstanceName(app.Configuration);
        app.Use((context, next) =>
        {
            // On starting, not now: the exception handler clears the headers before it writes the error page.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[InstanceHeader] = instance;
                return Task.CompletedTask;
            });
            return next(context);
        });

        if (MetricsPort(app.Configuration) is { } port)
            app.MapWhen(c => c.Connection.LocalPort == port, metrics =>
            {
                metrics.UseOpenTelemetryPrometheusScrapingEndpoint(c => c.Request.Path == MetricsPath);
                metrics.Run(c =>
                {
                    c.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
        return app;
    }
}
