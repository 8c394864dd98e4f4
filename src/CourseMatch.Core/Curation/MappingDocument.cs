using System.Text.Json;
using System.Text.Json.Serialization;

namespace CourseMatch.Curation;

/// <summary>
/// How a file's rows become courses: which feed they come from, and where each of our fields is taken from.
/// </summary>
/// <example>
/// <code>
/// {
///   "feed": "udemy",
///   "fields": {
///     "sourceId": "course_id",
///     "title": "course_title",
///     "slug": { "template": "udemy-{course_title}" },
///     "provider": { "constant": "Udemy" },
///     "level": { "column": "level", "values": { "All Levels": "all" } }
///   }
/// }
/// </code>
/// A plain string is short for <c>{ "column": "…" }</c>.
/// </example>
public sealed record MappingDocument
{
    /// <summary>
    /// The feed the rows come from ("classcentral"), by the slug rule. Rows are keyed by the feed's id (or URL) and
    /// re-importing the feed updates only its own courses. Null for the catalog's own export, which is keyed by slug.
    /// </summary>
    public string? Feed { get; init; }

    /// <summary>Our field (<see cref="ImportFields.All"/>) → where its value comes from.</summary>
    public Dictionary<string, FieldSource> Fields { get; init; } = [];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 8,
    };

    public static string ToJson(MappingDocument d) => JsonSerializer.Serialize(d, Json);

    /// <summary>Reads what the database holds (written by <see cref="ToJson"/>, so it is trusted to parse).</summary>
    public static MappingDocument FromStoredJson(string json) => JsonSerializer.Deserialize<MappingDocument>(json, Json) ?? new();

    /// <summary>Reads an admin's file: the document, or a message naming what is wrong and where.</summary>
    public static (MappingDocument? Document, string? Error) Parse(string json)
    {
        try
        {
            var d = JsonSerializer.Deserialize<MappingDocument>(json, Json);
            return d is null ? (null, "The mapping file is empty (null); write { \"fields\": { … } }.") : (d, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } p ? $" at {p}" : "";
            var line = e.LineNumber is long l ? $" (line {l + 1})" : "";
            var why = e.InnerException?.Message ?? (e.Message.Split(". ")[0]);
            return (null, $"The mapping is not valid JSON{where}{line}: {why.TrimEnd('.')}.");
        }
    }
}

/// <summary>
/// Where one field's value comes from: a column, a constant, or a template of columns; then, optionally, a value map
/// that translates what the file writes into what we store ("All Levels" → "all"). Exactly one of column, constant
/// and template is set.
/// </summary>
[JsonConverter(typeof(FieldSourceConverter))]
public sealed record FieldSource
{
    public string? Column { get; init; }
    public string? Constant { get; init; }
    /// <summary>"udemy-{course_id}": each {column} is replaced by that cell. For the slug, each cell is made slug-safe first.</summary>
    public string? Template { get; init; }
    /// <summary>The file's value (any case, trimmed) → ours, applied before the value is read.</summary>
    public Dictionary<string, string>? Values { get; init; }

    public static FieldSource FromColumn(string column) => new() { Column = column };

    private sealed class FieldSourceConverter : JsonConverter<FieldSource>
    {
        public override FieldSource? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String) return FromColumn(reader.GetString()!);
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException("A field is a column name (\"title\": \"Course Name\") or an object with column, constant or template, and values.");
            string? column = null, constant = null, template = null;
            Dictionary<string, string>? values = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name.ToLowerInvariant())
                {
                    case "column": column = Text(ref reader, name); break;
                    case "constant": constant = reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False
                        ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : Text(ref reader, name); break;
                    case "template": template = Text(ref reader, name); break;
                    case "values":
                        values = JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, options)
                                 ?? throw new JsonException("\"values\" is an object of the file's value → ours, like { \"All Levels\": \"all\" }.");
                        break;
                    default: throw new JsonException($"\"{name}\" is not part of a field; use column, constant, template and values.");
                }
            }
            return new FieldSource { Column = column, Constant = constant, Template = template, Values = values };
        }

        private static string Text(ref Utf8JsonReader reader, string name) =>
            reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"\"{name}\" must be text.");

        public override void Write(Utf8JsonWriter writer, FieldSource value, JsonSerializerOptions options)
        {
            if (value.Column is not null && value.Constant is null && value.Template is null && value.Values is null)
            {
                writer.WriteStringValue(value.Column);
                return;
            }
            writer.WriteStartObject();
            if (value.Column is not null) writer.WriteString("column", value.Column);
            if (value.Constant is not null) writer.WriteString("constant", value.Constant);
            if (value.Template is not null) writer.WriteString("template", value.Template);
            if (value.Values is not null)
            {
                writer.WritePropertyName("values");
                JsonSerializer.Serialize(writer, value.Values, options);
            }
            writer.WriteEndObject();
        }
    }
}
