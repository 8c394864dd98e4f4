using System.Text;
using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Tests.Curation;

public class ExportRoundTripTests
{
    private static async Task<(ImportFile File, string Text)> ExportAsync(TestDb db, ExportFormat format)
    {
        using var buffer = new MemoryStream();
        await db.Get<CatalogExport>().WriteAsync(buffer, format, publishedOnly: false);
        var bytes = buffer.ToArray();
        return (await ImportFile.ReadAsync(new MemoryStream(bytes), format == ExportFormat.Csv ? "catalog.csv" : "catalog.json"), Encoding.UTF8.GetString(bytes));
    }

    private static async Task<List<CourseRecord>> RecordsAsync(TestDb db)
    {
        var all = new List<CourseRecord>();
        await foreach (var page in db.Get<CatalogExport>().PagesAsync(publishedOnly: false)) all.AddRange(page);
        return all.OrderBy(r => r.Slug, StringComparer.Ordinal).ToList();
    }

    /// <summary>The demo catalog with what real catalogs add: ranges of weeks and hours, and a paid course whose price is not listed.</summary>
    private static async Task<TestDb> SampleAsync()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ExecAsync("""
            UPDATE courses SET duration_weeks = 14, duration_weeks_max = 18, hours_per_week = 2, hours_per_week_max = 4.5
            WHERE slug = 'coursera-imperial-mathematics-for-machine-learning';
            UPDATE courses SET total_hours = 1, total_hours_max = 1.5 WHERE slug = 'hkust-seminar-stochastic-admm-continuous-limit';
            UPDATE courses SET price = NULL, paid_unlisted = true, currency = 'USD'
            WHERE slug = 'skillshare-fundamental-mathematics-for-machine-learning';
            """);
        return db;
    }

    [Theory]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Json)]
    public async Task AnExportImportedIntoTheSameCatalogChangesNothing(ExportFormat format)
    {
        await using var db = await SampleAsync();
        var courses = await db.ScalarAsync<int>("SELECT count(*) FROM courses");
        var (file, text) = await ExportAsync(db, format);
        if (format == ExportFormat.Csv) Assert.StartsWith(string.Join(",", CourseRecord.Fields) + "\r\n", text);

        var report = await db.Get<CatalogImport>().CommitAsync(file, null, ImportTests.Actor);

        Assert.Empty(report.BadRows);
        Assert.Null(report.FileError);
        Assert.Equal((courses, 0, 0, courses), (report.Rows, report.Creates, report.Updates, report.Unchanged));
    }

    [Theory]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Json)]
    public async Task AnExportImportedIntoAnEmptiedCatalogRecreatesEqualRecords(ExportFormat format)
    {
        await using var source = await SampleAsync();
        await using var target = await TestDatabase.CreateAsync();
        var expected = await RecordsAsync(source);
        Assert.Contains(expected, r => (r.DurationWeeks, r.HoursPerWeek) == ("14-18", "2-4.5"));
        Assert.Contains(expected, r => r.TotalHours == "1-1.5");
        Assert.Contains(expected, r => (r.Price, r.Currency) == ("paid", "USD"));
        var (file, _) = await ExportAsync(source, format);
        await target.ExecAsync("TRUNCATE courses CASCADE");

        var report = await target.Get<CatalogImport>().CommitAsync(file, null, ImportTests.Actor);

        Assert.True(report.Committed, report.Summary + "\n" + string.Join("\n", report.BadRows.Take(10)));
        Assert.Equal(expected.Count, report.Creates);
        Assert.Equal(expected, await RecordsAsync(target));
    }

    [Fact]
    public async Task AFormulaLikeTitleIsExportedNeutralisedAndRoundTrips()
    {
        await using var db = await TestDatabase.CreateAsync();
        const string title = "=cmd|' /C calc'!A0";
        await db.ExecAsync($"UPDATE courses SET title = '{title.Replace("'", "''")}', summary = '- a list item', source = '''=already quoted' WHERE slug = 'khan-academy-linear-algebra'");

        var (file, text) = await ExportAsync(db, ExportFormat.Csv);

        Assert.Contains(",'=cmd|' /C calc'!A0,", text);
        Assert.Contains(",'- a list item,", text);
        Assert.Contains(",''=already quoted,", text);
        var row = file.Rows.Single(r => r.Cells["slug"] == "khan-academy-linear-algebra");
        Assert.Equal((title, "- a list item", "'=already quoted"), (row.Cells["title"], row.Cells["summary"], row.Cells["source"]));
        var report = await db.Get<CatalogImport>().CheckAsync(file);
        Assert.Empty(report.BadRows);
        Assert.Equal(file.Rows.Count, report.Unchanged);
    }

    [Fact]
    public async Task PublishedOnlyLeavesDraftsOut()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecAsync("UPDATE courses SET status = 'Draft' WHERE slug = 'khan-academy-linear-algebra'");
        using var buffer = new MemoryStream();
        var count = await db.Get<CatalogExport>().WriteCsvAsync(buffer, publishedOnly: true);
        Assert.Equal(await db.ScalarAsync<int>("SELECT count(*) FROM courses WHERE status = 'Published'"), count);
        Assert.DoesNotContain("khan-academy-linear-algebra", Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
