using System.Text;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Curation;

/// <summary>
/// Catalogs as three kinds of feed write them (an aggregator's scrape, a MOOC provider's catalog, a marketplace), imported
/// with a saved mapping alone; and merges that never lose a curated fact. The files are in Fixtures/, written for these tests.
/// </summary>
public class FeedImportTests
{
    private const string Actor = ImportTests.Actor;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Curation", "Fixtures", name);

    private static async Task<ImportFile> FileAsync(string shape)
    {
        await using var stream = File.OpenRead(Fixture($"{shape}.csv"));
        var file = await ImportFile.ReadAsync(stream, $"{shape}.csv");
        Assert.Null(file.Error);
        return file;
    }

    private static async Task<ImportFile> TextAsync(string text, string name = "feed.csv") =>
        await ImportFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), name);

    /// <summary>Saves the shape's mapping document under its name, as an admin would from version control, and reads it back.</summary>
    private static async Task<MappingDocument> SavedMappingAsync(TestDb db, string shape)
    {
        var (document, error) = MappingDocument.Parse(await File.ReadAllTextAsync(Fixture($"{shape}.mapping.json")));
        Assert.Null(error);
        var mappings = db.Get<ImportMappings>();
        Assert.Null(await mappings.SaveAsync(shape, document!, Actor));
        var (saved, missing) = await mappings.DocumentAsync(shape);
        Assert.Null(missing);
        return saved!;
    }

    private static async Task<ImportReport> ImportAsync(TestDb db, string shape, ImportRequest? request = null, bool dryRun = false)
    {
        var mapping = await SavedMappingAsync(db, shape);
        var file = await FileAsync(shape);
        request = (request ?? new ImportRequest { CreateProviders = true }) with { Mapping = mapping };
        return dryRun ? await db.Get<CatalogImport>().CheckAsync(file, request) : await db.Get<CatalogImport>().CommitAsync(file, request, Actor);
    }

    private static async Task<CourseRecord> CourseAsync(TestDb db, string title)
    {
        await using var ctx = db.Context();
        // The imported one: a curated course may share its title under another provider.
        var slug = await ctx.Courses.Where(c => c.Title == title && ctx.CourseSources.Any(s => s.CourseId == c.Id)).Select(c => c.Slug).SingleAsync();
        return await ImportTests.StoredAsync(db, slug);
    }

    [Theory]
    [InlineData("aggregator", 8)]  // 12 rows: 3 possible duplicates of curated courses, 1 repeated row
    [InlineData("provider", 6)]
    [InlineData("marketplace", 5)]
    public async Task EachShapeImportsWithItsSavedMappingAloneAndNoConversion(string shape, int creates)
    {
        await using var db = await TestDatabase.CreateAsync();

        var report = await ImportAsync(db, shape);

        Assert.True(report.Committed, report.Summary + "\n" + string.Join("\n", report.BadRows));
        Assert.Empty(report.BadRows);
        Assert.Equal(creates, report.Creates);
        Assert.Equal(creates, report.WithoutSkills); // no feed says which skills a course teaches
        Assert.Contains("will not be recommended until their skills are known", report.Summary);
    }

    [Fact]
    public async Task TheAggregatorsWrittenFormsAreStoredAsWhatTheyMean()
    {
        await using var db = await TestDatabase.CreateAsync();
        var report = await ImportAsync(db, "aggregator");
        Assert.True(report.Committed, report.Summary);

        var probability = await CourseAsync(db, "Data Science: Probability");
        Assert.Equal(("149", "USD", "true", "true"), (probability.Price, probability.Currency, probability.FreeToAudit, probability.Certificate));
        Assert.Equal(("8", "1-2", "intermediate", "self-paced"), (probability.DurationWeeks, probability.HoursPerWeek, probability.Level, probability.Pacing));
        var algebra = await CourseAsync(db, "Álgebra Lineal");
        Assert.Equal(("es", "13", "beginner", "2024-09-23"), (algebra.Language, algebra.DurationWeeks, algebra.Level, algebra.Sessions));
        Assert.Equal(("paid", "3.5"), ((await CourseAsync(db, "Mathematics for Data Science")).Price, (await CourseAsync(db, "Mathematics for Data Science")).TotalHours));
        var probabilidad = await CourseAsync(db, "Introducción a la probabilidad");
        Assert.Equal(("2.02", "650", "4.7"), (probabilidad.TotalHours, probabilidad.RatingCount, probabilidad.Rating));
        // Same title and provider, different addresses: two courses, the second slug numbered.
        await using var ctx = db.Context();
        Assert.Equal(["cc-linear-algebra-refresher", "cc-linear-algebra-refresher-2"],
            await ctx.Courses.Where(c => c.Title == "Linear Algebra Refresher").OrderBy(c => c.Slug).Select(c => c.Slug).ToListAsync());
        Assert.Equal(1, report.Repeats);
    }

    [Fact]
    public async Task TheProviderCatalogsAndTheMarketplacesFormsAreStoredAsWhatTheyMean()
    {
        await using var db = await TestDatabase.CreateAsync();
        Assert.True((await ImportAsync(db, "provider")).Committed);
        Assert.True((await ImportAsync(db, "marketplace")).Committed);

        var algebra = await CourseAsync(db, "Álgebra lineal");
        Assert.Equal(("49", "USD", "true"), (algebra.Price, algebra.Currency, algebra.FreeToAudit));
        Assert.Equal(("6", "2-4", "self-paced", "beginner", "es", "published"), (algebra.DurationWeeks, algebra.HoursPerWeek, algebra.Pacing, algebra.Level, algebra.Language, algebra.Status));
        var mitx = await CourseAsync(db, "Machine Learning with Python: from Linear Models to Deep Learning");
        Assert.Equal(("scheduled", "2024-09-23", "10-14"), (mitx.Pacing, mitx.Sessions, mitx.HoursPerWeek));
        Assert.Equal("An in-depth introduction to machine learning.\nProjects in Python.", mitx.Summary); // CRLF inside the cell
        Assert.Equal("program", (await CourseAsync(db, "MicroMasters Program in Statistics and Data Science")).Kind);
        Assert.Equal("program", (await CourseAsync(db, "Python Basics for Data Science")).Kind);
        Assert.Equal("harvard-university", (await CourseAsync(db, "Data Science: Probability")).Provider);

        Assert.Equal(("200", "USD", "all"), ((await CourseAsync(db, "Machine Learning A-Z: AI, Python & R")).Price, (await CourseAsync(db, "Machine Learning A-Z: AI, Python & R")).Currency, (await CourseAsync(db, "Machine Learning A-Z: AI, Python & R")).Level));
        Assert.Equal("paid", (await CourseAsync(db, "Statistics for Data Science and Business Analysis")).Price);
        var beginners = await CourseAsync(db, "Python for Absolute Beginners");
        Assert.Equal(("0", "1.5", "udemy"), (beginners.Price, beginners.TotalHours, beginners.Provider));
        Assert.Equal("advanced", (await CourseAsync(db, "Linear Algebra for Data Science")).Level); // by the mapping's value map
    }

    [Fact]
    public async Task ACuratedCourseSurvivesAnAggregatorRowThatMatchesIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        var curated = await ImportTests.StoredAsync(db, "umich-python-for-everybody-specialization");
        var statistics = await ImportTests.StoredAsync(db, "stanford-introduction-to-statistics");

        var report = await ImportAsync(db, "aggregator");

        Assert.True(report.Committed, report.Summary);
        Assert.Equal(3, report.PossibleDuplicates);
        var duplicate = Assert.Single(report.Outcomes, o => o.DuplicateOf == "umich-python-for-everybody-specialization");
        Assert.Equal((RowAction.PossibleDuplicate, "provider and title"), (duplicate.Action, duplicate.DuplicateBy));
        // Slug, skills, level, source and as-of date: nothing of the curated courses changed.
        Assert.Equal(curated, await ImportTests.StoredAsync(db, "umich-python-for-everybody-specialization"));
        Assert.Equal(statistics, await ImportTests.StoredAsync(db, "stanford-introduction-to-statistics"));
    }

    [Fact]
    public async Task ImportingFeedAThenBThenAAgainChangesNothingTheThirdTime()
    {
        await using var db = await TestDatabase.CreateAsync();
        Assert.True((await ImportAsync(db, "provider")).Committed);
        await using (var ctx = db.Context())
        {
            // The aggregator writes HarvardX for the provider the catalog calls Harvard University.
            ctx.ProviderAliases.Add(new ProviderAlias { Alias = ProviderAlias.Fold("HarvardX"), ProviderId = ctx.Providers.Single(p => p.Slug == "harvard-university").Id });
            await ctx.SaveChangesAsync();
        }
        // The aggregator lists "Data Science: Probability" too; the admin links it: one course, two feeds.
        var second = await ImportAsync(db, "aggregator", new ImportRequest { CreateProviders = true, OnDuplicate = DuplicateChoice.Link });
        Assert.True(second.Committed, second.Summary);
        var linked = Assert.Single(second.Outcomes, o => o.Action == RowAction.Link && o.Title == "Data Science: Probability");
        var afterB = await CourseAsync(db, "Data Science: Probability");
        Assert.Equal("4.5", afterB.Rating);      // a field the provider's catalog left empty is filled by the link
        Assert.Equal("1-2", afterB.HoursPerWeek); // the provider's own value stays
        await using (var ctx = db.Context())
            Assert.Equal(["classcentral", "edx"], await ctx.CourseSources.Where(s => s.CourseId == ctx.Courses.Single(c => c.Slug == linked.Slug).Id).Select(s => s.Feed).OrderBy(f => f).ToListAsync());
        var snapshot = await ExportAsync(db);

        var third = await ImportAsync(db, "provider");
        var fourth = await ImportAsync(db, "aggregator", new ImportRequest { CreateProviders = true, OnDuplicate = DuplicateChoice.Link });

        Assert.Equal((0, 0, 6), (third.Creates, third.Updates, third.Unchanged));
        Assert.Equal((0, 0), (fourth.Creates, fourth.Updates));
        Assert.Equal(snapshot, await ExportAsync(db));
    }

    [Fact]
    public async Task AColumnTheFileDoesNotHaveChangesNothingAndANewCourseStaysADraftUnlessTheMappingSaysOtherwise()
    {
        await using var db = await TestDatabase.CreateAsync();
        var dryRun = await ImportAsync(db, "aggregator", dryRun: true);
        Assert.Equal(dryRun.Creates, dryRun.Drafts); // the aggregator's mapping sets no status
        Assert.Contains($"{dryRun.Drafts} new courses will be drafts", dryRun.Summary);

        Assert.True((await ImportAsync(db, "marketplace")).Committed);
        var before = await CourseAsync(db, "Mathematics for Machine Learning");
        Assert.Equal("published", before.Status);
        // Next month's file has no level, status or duration columns, and a new price.
        var mapping = await SavedMappingAsync(db, "marketplace");
        var file = await TextAsync("course_id;course_title;url;is_paid;price\n1070968;Mathematics for Machine Learning;https://www.udemy.example/course/mathematics-for-machine-learning/;True;79.99\n");
        var slimmer = mapping with { Fields = mapping.Fields.Where(f => f.Key is not ("level" or "totalHours" or "ratingCount")).ToDictionary() };

        var report = await db.Get<CatalogImport>().CommitAsync(file, new ImportRequest { Mapping = slimmer }, Actor);

        Assert.True(report.Committed, report.Summary + string.Join("\n", report.BadRows));
        var change = Assert.Single(Assert.Single(report.Outcomes).Changes);
        Assert.Equal(new FieldChange("price", "94.99", "79.99"), change);
        Assert.Equal(before with { Price = "79.99" }, await CourseAsync(db, "Mathematics for Machine Learning"));
    }

    [Fact]
    public async Task AnEditSinceTheLastImportIsKeptAndReportedAndTheSlugNeverChanges()
    {
        await using var db = await TestDatabase.CreateAsync();
        Assert.True((await ImportAsync(db, "marketplace")).Committed);
        var slug = (await CourseAsync(db, "Machine Learning A-Z: AI, Python & R")).Slug!;
        await db.ExecAsync($"UPDATE courses SET title = 'Machine Learning A–Z (curated)', level = 'Beginner' WHERE slug = '{slug}'");

        var mapping = await SavedMappingAsync(db, "marketplace");
        var text = (await File.ReadAllTextAsync(Fixture("marketplace.csv"))).Replace(";True;200;", ";True;189;");
        var report = await db.Get<CatalogImport>().CommitAsync(await TextAsync(text, "marketplace.csv"), new ImportRequest { Mapping = mapping }, Actor);

        Assert.True(report.Committed, report.Summary);
        var row = Assert.Single(report.Outcomes, o => o.Action == RowAction.Update);
        Assert.Equal([new KeptField("title", "Machine Learning A–Z (curated)", "Machine Learning A-Z: AI, Python & R", "your edit"), new KeptField("level", "beginner", "all", "your edit")], row.Kept);
        Assert.Equal(2, report.KeptEdits);
        var stored = await ImportTests.StoredAsync(db, slug);
        Assert.Equal(("Machine Learning A–Z (curated)", "beginner", "189"), (stored.Title, stored.Level, stored.Price));
    }

    [Fact]
    public async Task SkipBadWritesExactlyTheGoodRowsAndARejectFileThatImportsOnceFixed()
    {
        await using var db = await TestDatabase.CreateAsync();
        var mapping = await SavedMappingAsync(db, "marketplace");
        var text = (await File.ReadAllTextAsync(Fixture("marketplace.csv")))
            .Replace(";True;200;", ";maybe;200;").Replace(";True;94.99;", ";True;Contact us;");
        var file = await TextAsync(text, "marketplace.csv");
        var request = new ImportRequest { Mapping = mapping, CreateProviders = true };
        var (coursesBefore, auditBefore) = (await db.ScalarAsync<long>("SELECT count(*) FROM courses"), await db.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));

        // All or nothing by default; every refusal quotes the value it refused.
        var refused = await db.Get<CatalogImport>().CommitAsync(file, request, Actor);
        Assert.False(refused.Committed);
        Assert.Equal(["line 2: isPaid", "line 5: price"], refused.BadRows.Select(b => $"line {b.Line}: {b.Field}"));
        Assert.Contains("\"maybe\"", refused.BadRows[0].Message);
        Assert.Contains("\"Contact us\"", refused.BadRows[1].Message);
        Assert.Equal((coursesBefore, auditBefore), (await db.ScalarAsync<long>("SELECT count(*) FROM courses"), await db.ScalarAsync<long>("SELECT count(*) FROM audit_entries")));

        var partial = await db.Get<CatalogImport>().CommitAsync(file, request with { SkipBad = true }, Actor);

        Assert.True(partial.Committed, partial.Summary);
        Assert.Equal(3, partial.Creates);
        Assert.Equal(coursesBefore + 3, await db.ScalarAsync<long>("SELECT count(*) FROM courses"));
        using var rejects = new MemoryStream();
        await ImportReport.WriteRejectsAsync(file, partial.BadRows, rejects);
        var rejectText = Encoding.UTF8.GetString(rejects.ToArray()).TrimStart('\uFEFF');
        var lines = rejectText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("error_line,error_field,error_value,error_reason,course_id,course_title", lines[0]);
        Assert.StartsWith("2,isPaid,maybe,", lines[1]);
        Assert.StartsWith("5,price,Contact us,", lines[2]);

        // The admin fixes the two cells and imports the reject file with the same mapping: the reason columns are ignored.
        var fixedText = rejectText.Replace(",maybe,200,", ",True,200,").Replace(",Contact us,", ",94.99,");
        var second = await db.Get<CatalogImport>().CommitAsync(await TextAsync(fixedText, "rejects.csv"), request, Actor);
        Assert.True(second.Committed, second.Summary + string.Join("\n", second.BadRows));
        Assert.Equal(2, second.Creates);
    }

    [Fact]
    public async Task UnknownProvidersAreListedOnceWithRowCountsAndTheNearestAndCreatedOnlyWhenAsked()
    {
        await using var db = await TestDatabase.CreateAsync();
        var dry = await ImportAsync(db, "aggregator", new ImportRequest(), dryRun: true);

        Assert.Equal(["Coventry University", "HarvardX", "Lightning AI", "Universidad Nacional Autónoma de México", "Universitat Politècnica de València"],
            dry.NewProviders.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(dry.NewProviders, p => Assert.Equal(1, p.Rows));
        Assert.Contains("Harvard University", Assert.Single(dry.NewProviders, p => p.Name == "HarvardX").Nearest);
        Assert.Contains(dry.BadRows, b => b.Field == "provider" && b.Message.StartsWith("\"HarvardX\" is not in the catalog"));

        var created = await ImportAsync(db, "aggregator", new ImportRequest { CreateProviders = true });

        Assert.True(created.Committed, created.Summary);
        await using var ctx = db.Context();
        Assert.Equal(5, await ctx.AuditEntries.CountAsync(a => a.Entity == "Provider" && a.Action == "Created"));
        Assert.True(await ctx.Providers.AnyAsync(p => p.Name == "Universitat Politècnica de València"));
    }

    [Fact]
    public async Task ARawFileWithoutAMappingListsItsColumnsAndTheNearestFields()
    {
        await using var db = await TestDatabase.CreateAsync();

        var report = await db.Get<CatalogImport>().CheckAsync(await FileAsync("marketplace"));

        Assert.StartsWith("No column is mapped to the required fields slug, title, provider.", report.FileError);
        Assert.Contains("read as semicolon-separated, with 11 columns", report.FileError);
        Assert.Contains("\"course_title\" (maybe title)", report.FileError);
        Assert.Contains("\"url\"", report.FileError);
    }

    private static async Task<string> ExportAsync(TestDb db)
    {
        using var output = new MemoryStream();
        await db.Get<CatalogExport>().WriteCsvAsync(output, publishedOnly: false);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
