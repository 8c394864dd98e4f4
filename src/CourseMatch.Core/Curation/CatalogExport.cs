using System.Globalization;
using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

public enum ExportFormat { Csv, Json }

/// <summary>
/// The catalog as a file the importer reads back unchanged: CSV with <see cref="CourseRecord.Fields"/> as headers, or a JSON
/// list of CourseRecord-shaped objects. Rows are streamed a page at a time, so a million courses never sit in memory as text.
/// </summary>
public sealed class CatalogExport(IDbContextFactory<CourseMatchDb> dbs)
{
    private const int PageSize = 1000;

    public static bool TryParseFormat(string? text, out ExportFormat format)
    {
        format = ExportFormat.Csv;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "csv": return true;
            case "json": format = ExportFormat.Json; return true;
            default: return false;
        }
    }

    /// <summary>
    /// True when a spreadsheet would treat the cell as a formula (= + - @, tab, CR), also behind apostrophes already there,
    /// so "'=x" is guarded too and the importer's one-apostrophe strip gives back exactly what was stored.
    /// </summary>
    public static bool NeedsGuard(ReadOnlySpan<char> cell)
    {
        var rest = cell.TrimStart('\'');
        return rest.Length > 0 && rest[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
    }

    /// <summary>Guards a CSV cell against formula injection with one leading apostrophe.</summary>
    public static string? Neutralise(string? cell) => cell is not null && NeedsGuard(cell) ? "'" + cell : cell;

    public Task WriteAsync(Stream output, ExportFormat format, bool publishedOnly, CancellationToken ct = default) =>
        format == ExportFormat.Json ? WriteJsonAsync(output, publishedOnly, ct) : WriteCsvAsync(output, publishedOnly, ct);

    public async Task<int> WriteCsvAsync(Stream output, bool publishedOnly, CancellationToken ct = default)
    {
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.None }, true);
        csv.WriteRecord(CourseRecord.Fields);
        var count = 0;
        await foreach (var page in PagesAsync(publishedOnly, ct))
        {
            foreach (var record in page)
            {
                foreach (var field in CourseRecord.Fields) csv.WriteField(Neutralise(record[field]) ?? "");
                await csv.EndRecordAsync(ct);
                count++;
            }
            await csv.FlushAsync(ct);
        }
        return count;
    }

    public async Task<int> WriteJsonAsync(Stream output, bool publishedOnly, CancellationToken ct = default)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartArray();
        var count = 0;
        await foreach (var page in PagesAsync(publishedOnly, ct))
        {
            foreach (var record in page)
            {
                json.WriteStartObject();
                foreach (var field in CourseRecord.Fields)
                {
                    if (record[field] is { } value) json.WriteString(field, value);
                    else json.WriteNull(field);
                }
                json.WriteEndObject();
                count++;
            }
            await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        await json.FlushAsync(ct);
        return count;
    }

    /// <summary>All courses (or only published ones) as records, in id order, a page at a time (keyset paging).</summary>
    public async IAsyncEnumerable<List<CourseRecord>> PagesAsync(bool publishedOnly,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        var slugsById = await db.Courses.ToDictionaryAsync(c => c.Id, c => c.Slug, ct);
        var after = 0;
        while (true)
        {
            var query = db.Courses.Where(c => c.Id > after);
            if (publishedOnly) query = query.Where(c => c.Status == CourseStatus.Published);
            var page = await WithDetails(query).OrderBy(c => c.Id).Take(PageSize).ToListAsync(ct);
            if (page.Count == 0) yield break;
            after = page[^1].Id;
            yield return page.Select(c => CourseRecord.FromCourse(c, slugsById)).ToList();
        }
    }

    /// <summary>What <see cref="CourseRecord.FromCourse"/> needs loaded.</summary>
    internal static IQueryable<Course> WithDetails(IQueryable<Course> courses) => courses
        .Include(c => c.Provider)
        .Include(c => c.Skills).ThenInclude(s => s.Skill)
        .Include(c => c.Prerequisites).ThenInclude(s => s.Skill)
        .Include(c => c.Sessions)
        .Include(c => c.PrerequisiteCourses)
        .AsSplitQuery();
}
