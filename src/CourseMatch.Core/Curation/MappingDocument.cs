using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CourseMatch.Catalog;

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
public sealed partial record MappingDocument
{
    /// <summary>Fields a mapping may fill besides the course's own (<see cref="CourseRecord.Fields"/>); <see cref="WrittenForms"/> reads them into those.</summary>
    public static IReadOnlyList<string> VirtualFields => WrittenForms.VirtualFields;

    /// <summary>Every field a mapping may fill, in the order the page lists them.</summary>
    public static readonly IReadOnlyList<string> AllFields = [.. CourseRecord.Fields, .. WrittenForms.VirtualFields];
    private static readonly HashSet<string> Known = new(AllFields, StringComparer.Ordinal);

    /// <summary>
    /// The feed the rows come from ("classcentral"), by the slug rule. Rows are keyed by the feed's id (or URL) and
    /// re-importing the feed updates only its own courses. Null for the catalog's own export, which is keyed by slug.
    /// </summary>
    public string? Feed { get; init; }

    /// <summary>Our field (<see cref="ImportFields.All"/>) → where its value comes from.</summary>
    public Dictionary<string, FieldSource> Fields { get; init; } = [];

    /// <summary>"Duration Weeks", "duration_weeks" and "durationWeeks" all name the same field.</summary>
    public static string Normalise(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name) if (char.IsLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString();
    }

    /// <summary>
    /// This mapping with every field it leaves out taken from the file's column of the same name, if there is one: a
    /// file written in our own field names needs no mapping at all.
    /// </summary>
    public MappingDocument WithColumnsByName(IReadOnlyList<string> headers)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var h in headers) byName.TryAdd(Normalise(h), h);
        var fields = new Dictionary<string, FieldSource>(Fields, StringComparer.Ordinal);
        foreach (var field in AllFields)
            if (!fields.ContainsKey(field) && byName.TryGetValue(Normalise(field), out var header)) fields[field] = FieldSource.FromColumn(header);
        return this with { Fields = fields };
    }

    /// <summary>What stops this mapping from reading a file with these headers, as messages naming the field; empty when it can.</summary>
    public List<string> Problems(IReadOnlyList<string> headers)
    {
        var problems = new List<string>();
        if (Feed is not null && !(Slugs.IsValid(Feed) && Feed.Length <= Limits.ReferenceSlug))
            problems.Add($"feed: \"{Feed}\" is not a feed name; use {Slugs.Rule}, like \"classcentral\".");
        var present = new HashSet<string>(headers, StringComparer.Ordinal);
        foreach (var (field, source) in Fields)
        {
            if (!Known.Contains(field)) { problems.Add($"\"{field}\" is not one of our fields; they are {string.Join(", ", AllFields)}."); continue; }
            var ways = (source.Column is null ? 0 : 1) + (source.Constant is null ? 0 : 1) + (source.Template is null ? 0 : 1);
            if (ways != 1) { problems.Add($"{field}: give exactly one of a column, a constant or a template."); continue; }
            if (source.Column is { } column && !present.Contains(column)) problems.Add($"{field}: the file has no column \"{column}\".");
            if (source.Template is { } template)
            {
                var holes = TemplateColumns(template).ToList();
                if (holes.Count == 0) problems.Add($"{field}: the template \"{template}\" names no column; write columns in braces, like \"udemy-{{id}}\".");
                foreach (var hole in holes.Where(h => !present.Contains(h))) problems.Add($"{field}: the template names \"{{{hole}}}\", but the file has no column \"{hole}\".");
            }
            // An empty constant would silently give every row nothing.
            if (source.Constant is { } blank && string.IsNullOrWhiteSpace(blank))
                problems.Add($"{field}: the constant is empty; write the value every row gets, or choose a column.");
            else if (source.Constant is { } constant && WrittenForms.Read(field, Translate(source, constant)).Error is { } error)
                problems.Add($"{field}: the constant {error}");
        }

        var missing = MissingRequired();
        if (missing.Count > 0)
            problems.Add($"No column is mapped to {(missing.Count > 1 ? "the required fields" : "the required field")} {string.Join(", ", missing)}.");
        return problems;
    }

    /// <summary>
    /// The catalog's own file is keyed by slug, so it needs one; a feed is keyed by its ids, and a missing slug is made
    /// from the title.
    /// </summary>
    private IEnumerable<string> RequiredFields() => Feed is null ? CourseRecord.RequiredFields : ["title", "provider"];

    /// <summary>Required fields this mapping gives no source, in the order the messages name them ("sourceId (or url)" for a feed without either).</summary>
    public List<string> MissingRequired()
    {
        var missing = RequiredFields().Where(f => !Fields.ContainsKey(f)).ToList();
        if (Feed is not null && !Fields.ContainsKey("sourceId") && !Fields.ContainsKey("url")) missing.Add("sourceId (or url)");
        return missing;
    }

    /// <summary>The columns a template names in braces ("udemy-{course_id}" names course_id).</summary>
    public static IEnumerable<string> TemplateColumns(string template) => Placeholder().Matches(template).Select(m => m.Groups[1].Value);

    /// <summary>Our fields most like a column the mapping does not use ("course_title" ~ title), for the message a raw file gets.</summary>
    public static IReadOnlyList<string> NearestFields(string header)
    {
        var h = Normalise(header);
        if (h.Length == 0) return [];
        var scored = AllFields.Select(f => (Field: f, Score: Likeness(h, Normalise(f)))).Where(x => x.Score >= 0.6).ToList();
        // A name inside the other ("course_title" has title) beats any likeness of letters.
        if (scored.Any(x => x.Score >= 1)) scored.RemoveAll(x => x.Score < 1);
        return scored.OrderByDescending(x => x.Score).Take(2).Select(x => x.Field).ToList();
    }

    /// <summary>1 when one name contains the other, else how much of the shorter one's letter pairs the other has.</summary>
    private static double Likeness(string a, string b)
    {
        if (a.Contains(b, StringComparison.Ordinal) || b.Contains(a, StringComparison.Ordinal)) return 1;
        if (a.Length < 2 || b.Length < 2) return 0;
        var pairs = new HashSet<string>();
        for (var i = 0; i + 1 < a.Length; i++) pairs.Add(a.Substring(i, 2));
        var shared = 0;
        for (var i = 0; i + 1 < b.Length; i++) if (pairs.Contains(b.Substring(i, 2))) shared++;
        return (double)shared / (Math.Min(a.Length, b.Length) - 1);
    }

    /// <summary>The raw text for one field of one row: the column's cell, the constant, or the filled template; then the value map.</summary>
    public string? RawValue(string field, FieldSource source, IReadOnlyDictionary<string, string?> cells)
    {
        string? text;
        if (source.Column is { } column) text = cells.TryGetValue(column, out var cell) ? cell : null;
        else if (source.Constant is { } constant) text = constant;
        else
        {
            var slug = field == "slug";
            var empty = true;
            text = Placeholder().Replace(source.Template!, m =>
            {
                var value = cells.TryGetValue(m.Groups[1].Value, out var v) ? v?.Trim() ?? "" : "";
                if (value.Length > 0) empty = false;
                return slug ? Slugs.From(LastPathSegment(value), Limits.CourseSlug) : value;
            });
            if (empty) text = null; // every column it names is empty: there is no value, not a bare prefix
            else if (slug) text = Slugs.From(text, Limits.CourseSlug);
        }
        return text is null ? null : Translate(source, text);
    }

    private static string Translate(FieldSource source, string text)
    {
        if (source.Values is null) return text;
        var key = text.Trim();
        foreach (var (from, to) in source.Values)
            if (string.Equals(from.Trim(), key, StringComparison.OrdinalIgnoreCase)) return to;
        return text;
    }

    /// <summary>A course's address makes a slug by its last part ("…/learn/machine-learning" → machine-learning).</summary>
    private static string LastPathSegment(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.Segments.Select(s => s.Trim('/')).LastOrDefault(s => s.Length > 0) ?? uri.Host
            : value;

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex Placeholder();

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
