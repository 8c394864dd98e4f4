using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CourseMatch.Web.Operations;

/// <summary>
/// One JSON object per log line, like the built-in "json" formatter, plus what several instances behind a proxy need
/// to read their logs side by side: <c>TraceId</c> and <c>SpanId</c> of the current span at the top level (not buried in
/// the scopes), and <c>Instance</c> on every line, also those written outside a request (startup, background jobs),
/// which a request-scoped logging scope would miss.
/// </summary>
public sealed class JsonLogFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "coursematch-json";

    /// <summary>The built-in JSON formatter's settings, read from Logging:Console:FormatterOptions.</summary>
    public sealed class Options : JsonConsoleFormatterOptions;

    private readonly string instance;
    private readonly IDisposable? reload;
    private Options options;

    public JsonLogFormatter(IOptionsMonitor<Options> options, IConfiguration configuration) : base(FormatterName)
    {
        instance = Telemetry.InstanceName(configuration);
        this.options = options.CurrentValue;
        reload = options.OnChange(o => this.options = o);
    }

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = entry.Formatter?.Invoke(entry.State, entry.Exception);
        if (message is null && entry.Exception is null) return;
        var o = options;

        var buffer = new ArrayBufferWriter<byte>(512);
        // Log lines go to a collector, not into HTML: "+" and "<" stay readable unless an encoder is configured.
        var writerOptions = o.JsonWriterOptions.Encoder is null ? o.JsonWriterOptions with { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping } : o.JsonWriterOptions;
        using (var json = new Utf8JsonWriter(buffer, writerOptions))
        {
            json.WriteStartObject();
            var now = o.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            json.WriteString("Timestamp", now.ToString(o.TimestampFormat ?? "O"));
            json.WriteNumber("EventId", entry.EventId.Id);
            json.WriteString("Level", entry.LogLevel.ToString());
            json.WriteString("Category", entry.Category);
            json.WriteString("Message", message);
            if (entry.Exception is { } e) json.WriteString("Exception", e.ToString());
            json.WriteString("Instance", instance);
            // The console logger formats on the logging call's own thread, so this is the caller's span.
            if (Activity.Current is { } span)
            {
                json.WriteString("TraceId", span.TraceId.ToHexString());
                json.WriteString("SpanId", span.SpanId.ToHexString());
            }
            if (entry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
            {
                json.WriteStartObject("State");
                foreach (var (key, value) in state) WriteValue(json, key, value);
                json.WriteEndObject();
            }
            if (o.IncludeScopes && scopeProvider is not null)
            {
                json.WriteStartArray("Scopes");
                scopeProvider.ForEachScope(static (scope, w) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        w.WriteStartObject();
                        foreach (var (key, value) in pairs) WriteValue(w, key, value);
                        w.WriteEndObject();
                    }
                    else w.WriteStringValue(Convert.ToString(scope, System.Globalization.CultureInfo.InvariantCulture));
                }, json);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case bool b: json.WriteBoolean(key, b); break;
            case int i: json.WriteNumber(key, i); break;
            case long l: json.WriteNumber(key, l); break;
            case decimal m: json.WriteNumber(key, m); break;
            case double d when double.IsFinite(d): json.WriteNumber(key, d); break;
            default: json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    public void Dispose() => reload?.Dispose();
}
