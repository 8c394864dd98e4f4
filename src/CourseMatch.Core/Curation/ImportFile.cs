using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace CourseMatch.Curation;

public enum ImportFileKind { Csv, Json }

/// <summary>One data row of an upload: the physical line it starts on (header = line 1), its cells by header, and problems found while reading it.</summary>
public sealed record ImportRow(int Line, IReadOnlyDictionary<string, string?> Cells, IReadOnlyList<FieldError> Problems);

/// <summary>
/// An uploaded catalog file, read and split into rows, or the one reason it cannot be read. Reading never throws for
/// bad content: images, PDFs, spreadsheets, empty files, wrong encodings and endless lines all become <see cref="Error"/>.
/// </summary>
public sealed class ImportFile
{
    /// <summary>100 MB: 100,000 courses with full descriptions fit; anything larger is split into several imports.</summary>
    public const long MaxBytes = 100L * 1024 * 1024;
    /// <summary>A CSV header longer than this with no line break is not a header (a dump, a minified blob).</summary>
    public const int MaxHeaderChars = 64 * 1024;
    /// <summary>Far above any field's limit (descriptions are at most 20,000 characters), so only broken quoting reaches it.</summary>
    public const int MaxCellChars = 200_000;

    public required string FileName { get; init; }
    public ImportFileKind Kind { get; init; }
    public IReadOnlyList<string> Headers { get; init; } = [];
    /// <summary>The cell separator of a CSV file, found in its header line (<see cref="DetectSeparator"/>); ',' for JSON.</summary>
    public char Separator { get; init; } = ',';
    public IReadOnlyList<ImportRow> Rows { get; init; } = [];
    /// <summary>Why the file as a whole cannot be imported; null when it was read.</summary>
    public string? Error { get; init; }

    private static ImportFile Fail(string fileName, string error) => new() { FileName = fileName, Error = error };

    /// <summary>Reads at most <see cref="MaxBytes"/> from the stream and parses it as CSV or JSON.</summary>
    public static async Task<ImportFile> ReadAsync(Stream stream, string fileName, CancellationToken ct = default)
    {
        if (stream.CanSeek && stream.Length - stream.Position > MaxBytes) return Fail(fileName, TooBig());
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxBytes) return Fail(fileName, TooBig());
            buffer.Write(chunk, 0, n);
        }
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), fileName);
    }

    private static string TooBig() => $"The file is larger than {MaxBytes / (1024 * 1024)} MB; split it into several files and import them one after another.";

    public static ImportFile Parse(ReadOnlySpan<byte> bytes, string fileName)
    {
        if (Sniff(bytes) is { } notText) return Fail(fileName, notText);
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];

        string text;
        try { text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException)
        {
            var at = FirstInvalidUtf8(bytes);
            var line = 1 + bytes[..at].Count((byte)'\n');
            return Fail(fileName, $"line {line}: the file is not UTF-8 text (byte {at + 1} is not valid UTF-8). Save it as \"CSV UTF-8\" or UTF-8 JSON and upload it again.");
        }
        if (string.IsNullOrWhiteSpace(text)) return Fail(fileName, "The file is empty.");

        var first = text.TrimStart()[0];
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (first is '[' or '{') return ReadJson(text, fileName);
        if (extension == ".json") return Fail(fileName, "The file is named .json but is not JSON: it should start with [ (a list of courses) or { (with a \"courses\" list).");
        return ReadCsv(text, fileName);
    }

    /// <summary>Names the common things people upload by mistake, from their first bytes.</summary>
    private static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length == 0) return "The file is empty.";
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return "This is a PNG image, not a CSV or JSON file.";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "This is a JPEG image, not a CSV or JSON file.";
        if (b.StartsWith("GIF8"u8)) return "This is a GIF image, not a CSV or JSON file.";
        if (b.StartsWith("%PDF"u8)) return "This is a PDF document, not a CSV or JSON file.";
        if (b.StartsWith("PK\u0003\u0004"u8)) return "This is a ZIP archive (an Excel .xlsx workbook is one), not a CSV or JSON file. In the spreadsheet, save as \"CSV UTF-8\" and upload that.";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return "The file is saved as UTF-16; save it as UTF-8 (\"CSV UTF-8\") and upload it again.";
        if (b[..Math.Min(b.Length, 8192)].Contains((byte)0)) return "This is a binary file, not a CSV or JSON text file.";
        return null;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[at..], out _, out var used) != System.Buffers.OperationStatus.Done) return at;
            at += used;
        }
        return at;
    }

    // ---------- CSV ----------

    /// <summary>
    /// Undoes the export's CSV-injection guard: one leading apostrophe is dropped when what follows would otherwise
    /// start a spreadsheet formula (see <see cref="CatalogExport.Neutralise"/>).
    /// </summary>
    public static string Unneutralise(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && CatalogExport.NeedsGuard(cell.AsSpan(1)) ? cell[1..] : cell;

    private static ImportFile ReadCsv(string text, string fileName)
    {
        var firstBreak = text.IndexOfAny(['\n', '\r']);
        var headerLength = firstBreak < 0 ? text.Length : firstBreak;
        if (headerLength > MaxHeaderChars)
            return Fail(fileName, $"line 1 is {headerLength:#,0} characters long with no line break: this is not a CSV file with a header row (nor JSON).");

        var separator = DetectSeparator(text);
        // Bad quoting is recovered from and reported against the line its record starts on.
        var malformed = new Dictionary<long, CsvMalformedReason>();
        var options = new CsvReaderOptions
        {
            Separator = separator, HasHeader = true, TrackLineNumbers = true, SkipEmptyLines = true,
            OnMalformedRecord = r => malformed.TryAdd(r.LineNumber, r.Reason),
        };
        try
        {
            using var reader = CsvReader.FromText(text, options);
            var headers = reader.Headers.Select(h => h.Trim()).ToArray();
            if (headers.All(h => h.Length == 0)) return Fail(fileName, "line 1: the header row is empty; the first line must name the columns (slug, title, provider, …).");
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < headers.Length; i++)
            {
                if (headers[i].Length == 0) continue;
                if (seen.TryGetValue(headers[i], out var earlier))
                    return Fail(fileName, $"line 1: the column \"{headers[i]}\" appears twice (columns {earlier + 1} and {i + 1}).");
                seen[headers[i]] = i;
            }

            var rows = new List<ImportRow>();
            while (reader.Read())
            {
                var line = (int)reader.LineNumber;
                var problems = new List<FieldError>();
                if (malformed.Remove(line, out var reason)) problems.Add(new FieldError("file", Describe(reason)));
                var count = reader.FieldCount;
                if (count > headers.Length)
                    problems.Add(new FieldError("file", $"has {count} cells but the header names {headers.Length} columns; a cell with a {SeparatorWord(separator)} in it needs double quotes around it."));
                var cells = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < headers.Length; i++)
                {
                    if (headers[i].Length == 0) continue;
                    var cell = i < count ? reader.GetString(i) : null;
                    if (cell is not null)
                    {
                        if (cell.Length > MaxCellChars)
                        {
                            problems.Add(new FieldError(headers[i], $"is {cell.Length:#,0} characters long; most likely a double quote opens this cell and is never closed."));
                            cell = null;
                        }
                        else
                        {
                            var trimmed = cell.TrimStart();
                            if (trimmed.Length > 1 && trimmed[0] is '=' or '@')
                                problems.Add(new FieldError(headers[i], $"starts with \"{trimmed[0]}\", which a spreadsheet runs as a formula; if the text is meant literally, start the cell with an apostrophe ('{Short(trimmed)})."));
                            cell = LineBreaks(Unneutralise(cell));
                        }
                    }
                    cells[headers[i]] = cell;
                }
                rows.Add(new ImportRow(line, cells, problems));
            }
            if (rows.Count == 0) return Fail(fileName, "The file has a header row but no courses below it.");
            return new ImportFile { FileName = fileName, Kind = ImportFileKind.Csv, Headers = headers.Where(h => h.Length > 0).ToArray(), Rows = rows, Separator = separator };
        }
        catch (CsvFormatException e)
        {
            return Fail(fileName, $"line {Math.Max(1, e.LineNumber)}: this is not readable CSV ({FirstSentence(e.Message)}).");
        }
    }

    /// <summary>The separators real catalogs are saved with: spreadsheets in many locales write ';', and exports often tabs.</summary>
    private static readonly char[] Separators = [',', ';', '\t'];

    /// <summary>
    /// The separator the header line uses most, counting only outside double quotes (a quoted header may hold any of
    /// them); a tie, or none at all (a one-column file), reads as comma. Only the header is looked at: descriptions
    /// below it are full of commas whatever the separator.
    /// </summary>
    public static char DetectSeparator(string text)
    {
        var counts = new int[Separators.Length];
        var quoted = false;
        foreach (var ch in text.AsSpan(0, Math.Min(text.Length, MaxHeaderChars)))
        {
            if (ch == '"') quoted = !quoted;
            else if (!quoted && ch is '\n' or '\r') break;
            else if (!quoted && Array.IndexOf(Separators, ch) is var i and >= 0) counts[i]++;
        }
        var most = counts.Max();
        return counts.Count(n => n == most) == 1 ? Separators[Array.IndexOf(counts, most)] : ',';
    }

    /// <summary>How messages name a separator: "comma", "semicolon", "tab".</summary>
    public static string SeparatorWord(char separator) => separator switch
    {
        ',' => "comma",
        ';' => "semicolon",
        '\t' => "tab",
        _ => $"'{separator}'",
    };

    /// <summary>Line breaks inside a quoted cell are stored as "\n", whether the file was saved with CRLF, LF or a lone CR.</summary>
    private static string LineBreaks(string cell) => cell.Contains('\r') ? cell.Replace("\r\n", "\n").Replace('\r', '\n') : cell;

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a double quote inside a cell that does not start with one; put the whole cell in double quotes and double the quotes inside it (\"\").",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing double quote of a cell; double the quotes inside a quoted cell (\"\").",
        CsvMalformedReason.UnterminatedQuote => "a double quote opens a cell and is never closed, so the cell runs to the end of the file.",
        _ => $"malformed CSV ({reason}).",
    };

    private static string Short(string s) => s.Length <= 30 ? s : s[..27] + "…";

    // ---------- JSON ----------

    private static ImportFile ReadJson(string text, string fileName)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++) if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);
        int LineAt(long offset)
        {
            var i = lineStarts.BinarySearch((int)offset);
            return (i >= 0 ? i : ~i - 1) + 1;
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 });
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                // {"courses": [...]}; other properties are ignored.
                var found = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    reader.Read();
                    if (string.Equals(name, "courses", StringComparison.OrdinalIgnoreCase) && reader.TokenType == JsonTokenType.StartArray) { found = true; break; }
                    reader.Skip();
                }
                if (!found) return Fail(fileName, "The JSON is an object without a \"courses\" list; give a list of courses, or {\"courses\": [ … ]}.");
            }
            else if (reader.TokenType != JsonTokenType.StartArray)
                return Fail(fileName, "The JSON should be a list of courses ([ … ]) or {\"courses\": [ … ]}.");

            var rows = new List<ImportRow>();
            var headers = new List<string>();
            var headerSet = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var line = LineAt(reader.TokenStartIndex);
                var problems = new List<FieldError>();
                var cells = new Dictionary<string, string?>(StringComparer.Ordinal);
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    problems.Add(new FieldError("file", "each course must be a JSON object ({ \"slug\": …, \"title\": … })."));
                    reader.Skip();
                    rows.Add(new ImportRow(line, cells, problems));
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!.Trim();
                    reader.Read();
                    string? value;
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String: value = reader.GetString(); break;
                        case JsonTokenType.Number: value = Encoding.UTF8.GetString(reader.ValueSpan); break;
                        case JsonTokenType.True: value = "true"; break;
                        case JsonTokenType.False: value = "false"; break;
                        case JsonTokenType.Null: value = null; break;
                        case JsonTokenType.StartArray:
                            // A list of plain values is the same as "a; b; c".
                            var parts = new List<string>();
                            var ok = true;
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                            {
                                if (reader.TokenType is JsonTokenType.String) parts.Add(reader.GetString()!);
                                else if (reader.TokenType is JsonTokenType.Number) parts.Add(Encoding.UTF8.GetString(reader.ValueSpan));
                                else { ok = false; reader.Skip(); }
                            }
                            value = string.Join("; ", parts);
                            if (!ok) problems.Add(new FieldError(name, "a list may hold only text or numbers."));
                            break;
                        default:
                            problems.Add(new FieldError(name, "must be text, a number or true/false, not an object."));
                            reader.Skip();
                            value = null;
                            break;
                    }
                    if (!cells.TryAdd(name, value)) problems.Add(new FieldError(name, "appears twice in this course."));
                    if (headerSet.Add(name)) headers.Add(name);
                }
                rows.Add(new ImportRow(line, cells, problems));
            }
            if (rows.Count == 0) return Fail(fileName, "The JSON list of courses is empty.");
            return new ImportFile { FileName = fileName, Kind = ImportFileKind.Json, Headers = headers, Rows = rows };
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            return Fail(fileName, $"line {line}: this is not valid JSON ({FirstSentence(e.Message)}).");
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }
}
