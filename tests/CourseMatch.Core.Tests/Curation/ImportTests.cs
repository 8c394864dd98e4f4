using System.Text;
using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Tests.Curation;

/// <summary>Each test gets its own seeded database, since most of them write.</summary>
public class ImportTests
{
    internal const string Actor = "admin@example.test";

    /// <summary>CSV text with every cell quoted when it needs it, lines joined with \n.</summary>
    internal static string Csv(params string[][] rows) =>
        string.Join("\n", rows.Select(r => string.Join(",", r.Select(c => c.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{c.Replace("\"", "\"\"")}\"" : c)))) + "\n";

    internal static Task<ImportFile> Read(string text, string name = "courses.csv") => ImportFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), name);

    internal static async Task<CourseRecord> StoredAsync(TestDb db, string slug)
    {
        await using var ctx = db.Context();
        var slugs = await ctx.Courses.ToDictionaryAsync(c => c.Id, c => c.Slug);
        var course = await CatalogExport.WithDetails(ctx.Courses.AsNoTracking().Where(c => c.Slug == slug)).SingleAsync();
        return CourseRecord.FromCourse(course, slugs);
    }

    internal static string[] Cells(CourseRecord r) => CourseRecord.Fields.Select(f => r[f] ?? "").ToArray();

    private static async Task<(long Courses, long Audit)> CountsAsync(TestDb db) =>
        (await db.ScalarAsync<long>("SELECT count(*) FROM courses"), await db.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));

    private static readonly string[] Short = ["slug", "title", "provider", "price", "currency", "skills", "prerequisiteCourses"];

    [Fact]
    public async Task DryRunCountsCreatesUpdatesAndUnchangedAndNamesBadRowsByTheirLineWithoutWriting()
    {
        await using var db = await TestDatabase.CreateAsync();
        var unchanged = await StoredAsync(db, "khan-academy-linear-algebra");
        var updated = (await StoredAsync(db, "khan-academy-multivariable-calculus")) with { Summary = "Gradients, Jacobians\nand the chain rule, on two lines." };
        // The stored descriptions are multi-line Markdown, so the rows below start on lines counted from the text itself.
        var text = Csv(
            CourseRecord.Fields,
            Cells(unchanged),
            Cells(updated),
            Cells(new CourseRecord { Slug = "new-course-one", Title = "New course one", Provider = "khan-academy", Price = "0" }),
            Cells(new CourseRecord { Slug = "bad-provider", Title = "Bad provider", Provider = "nobody-we-know" }),
            Cells(new CourseRecord { Slug = "Not A Slug", Title = "Bad slug", Provider = "khan-academy", Price = "-3" }));
        int LineOf(string rowStart) => 1 + text[..text.IndexOf("\n" + rowStart, StringComparison.Ordinal)].Count(ch => ch == '\n') + 1;
        var (providerLine, slugLine) = (LineOf("bad-provider,"), LineOf("Not A Slug,"));
        Assert.True(providerLine > 6); // after rows with quoted line breaks
        var before = await CountsAsync(db);
        var storedBefore = await StoredAsync(db, "khan-academy-multivariable-calculus");

        var report = await db.Get<CatalogImport>().CheckAsync(await Read(text));

        Assert.Null(report.FileError);
        Assert.Equal((5, 1, 1, 1), (report.Rows, report.Creates, report.Updates, report.Unchanged));
        var lines = report.BadRows.Select(b => b.ToString()).ToList();
        Assert.Equal([providerLine, slugLine], report.BadRows.Select(b => b.Line).Distinct());
        Assert.Contains(lines, l => l.StartsWith($"line {providerLine}: provider: \"nobody-we-know\" is not in the catalog"));
        Assert.Contains(lines, l => l.StartsWith($"line {slugLine}: slug: Use lower-case letters"));
        Assert.Contains(lines, l => l.StartsWith($"line {slugLine}: price: \"-3\" is not a price"));
        Assert.False(report.Committed);
        Assert.Equal(before, await CountsAsync(db));
        Assert.Equal(storedBefore, await StoredAsync(db, "khan-academy-multivariable-calculus"));
    }

    [Fact]
    public async Task JsonRowsAreNumberedByTheLineTheirObjectStartsOnAndNumbersAndBooleansAreAccepted()
    {
        await using var db = await TestDatabase.CreateAsync();
        var json = """
            {"courses": [
              {"slug": "json-one", "title": "JSON one", "provider": "khan-academy",
               "price": 0, "freeToAudit": true, "durationWeeks": 6, "skills": ["linear-algebra:2", "python:1"]},
              {
                "slug": "json-two", "title": "JSON two", "provider": "khan-academy", "rating": 9
              }
            ]}
            """;
        var report = await db.Get<CatalogImport>().CheckAsync(await Read(json, "courses.json"));

        Assert.Null(report.FileError);
        Assert.Equal(1, report.Creates);
        Assert.Equal("line 4: rating: \"9\" is not a rating from 0 to 5; write a number like 4.7, or map the value.", Assert.Single(report.BadRows).ToString());
    }

    [Fact]
    public async Task CommitWithOneBadRowChangesNothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var text = Csv(Short,
            ["good-new-course", "Good new course", "khan-academy", "0", "", "linear-algebra:1", ""],
            ["khan-academy-linear-algebra", "Linear Algebra, retitled", "khan-academy", "0", "", "", ""],
            ["bad-new-course", "Bad new course", "khan-academy", "10", "", "", ""]);
        var before = await CountsAsync(db);

        var report = await db.Get<CatalogImport>().CommitAsync(await Read(text), null, Actor);

        Assert.False(report.Committed);
        Assert.Equal("line 4: currency: Required when there is a price.", Assert.Single(report.BadRows).ToString());
        Assert.Equal(before, await CountsAsync(db));
        Assert.Equal("Linear Algebra", (await StoredAsync(db, "khan-academy-linear-algebra")).Title);
    }

    [Fact]
    public async Task CommitOfAGoodFileCreatesUpdatesLinksPrerequisitesAndWritesTheAuditTrail()
    {
        await using var db = await TestDatabase.CreateAsync();
        var text = Csv(Short,
            ["import-advanced", "Import advanced", "khan-academy", "0", "", "linear-algebra:3", "import-basics"], // requires a course made by the same file
            ["import-basics", "Import basics", "khan-academy", "12.50", "eur", "linear-algebra:1; python:1", ""],
            ["khan-academy-linear-algebra", "Linear Algebra, retitled", "khan-academy", "0", "", "linear-algebra:2", ""]);
        var phases = new List<string>();
        var progress = new SyncProgress(p => phases.Add(p.Phase));
        var (coursesBefore, _) = await CountsAsync(db);

        var report = await db.Get<CatalogImport>().CommitAsync(await Read(text), null, Actor, progress);

        Assert.True(report.Committed, report.Summary);
        Assert.Equal((2, 1, 0), (report.Creates, report.Updates, report.Unchanged));
        Assert.Equal(coursesBefore + 2, (await CountsAsync(db)).Courses);
        var basics = await StoredAsync(db, "import-basics");
        Assert.Equal(("12.5", "EUR", "linear-algebra:1; python:1"), (basics.Price, basics.Currency, basics.Skills));
        Assert.Equal("import-basics", (await StoredAsync(db, "import-advanced")).PrerequisiteCourses);
        Assert.Equal("Linear Algebra, retitled", (await StoredAsync(db, "khan-academy-linear-algebra")).Title);
        Assert.Contains("Creating", phases);
        Assert.Contains("Linking prerequisites", phases);

        await using var ctx = db.Context();
        var import = await ctx.AuditEntries.SingleAsync(a => a.Entity == "Import");
        Assert.Equal((Actor, "Imported", "courses.csv: 2 created, 1 updated, 0 unchanged."), (import.Actor, import.Action, import.Summary));
        Assert.Contains("import-basics", import.After);
        var perCourse = await ctx.AuditEntries.Where(a => a.Entity == "Course").Select(a => a.Action).ToListAsync();
        Assert.Equal(["Created", "Created", "Updated"], perCourse.Order());

        // The same file again changes nothing.
        var again = await db.Get<CatalogImport>().CheckAsync(await Read(text));
        Assert.Equal((0, 0, 3), (again.Creates, again.Updates, again.Unchanged));
    }

    [Fact]
    public async Task RowsMatchingAStoredCourseByProviderAndTitleOrByUrlArePossibleDuplicatesLeftAloneUnlessTheAdminOverwrites()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var ctx = db.Context();
        var ids = await ctx.Courses.Where(c => c.Slug == "khan-academy-linear-algebra" || c.Slug == "khan-academy-multivariable-calculus").ToDictionaryAsync(c => c.Slug, c => c.Id);
        var text = Csv(["slug", "title", "provider", "url", "price"],
            ["khan-linear-algebra", "LINEAR ALGEBRA", "Khan Academy", "", "0"],                    // provider by name, title in other case
            ["khan-multivariable", "Multivariable calculus (new name)", "khan-academy", "https://www.khanacademy.org/math/multivariable-calculus", "0"]);
        var before = await StoredAsync(db, "khan-academy-linear-algebra");
        var (coursesBefore, _) = await CountsAsync(db);

        var left = await db.Get<CatalogImport>().CommitAsync(await Read(text), null, Actor);

        Assert.True(left.Committed, left.Summary + string.Join("\n", left.BadRows));
        Assert.Equal((0, 0, 2), (left.Creates, left.Updates, left.PossibleDuplicates));
        Assert.Equal([("khan-academy-linear-algebra", "provider and title"), ("khan-academy-multivariable-calculus", "URL")],
            left.Outcomes.Select(o => (o.DuplicateOf!, o.DuplicateBy!)));
        Assert.Equal(coursesBefore, (await CountsAsync(db)).Courses);
        Assert.Equal(before, await StoredAsync(db, "khan-academy-linear-algebra"));

        var overwritten = await db.Get<CatalogImport>().CommitAsync(await Read(text), new ImportRequest { OnDuplicate = DuplicateChoice.Overwrite }, Actor);

        Assert.Equal(2, overwritten.Overwrites);
        // Same courses, same slugs: an overwrite never renames.
        var now = await ctx.Courses.AsNoTracking().Where(c => ids.Values.Contains(c.Id)).ToDictionaryAsync(c => c.Id);
        Assert.Equal(("khan-academy-linear-algebra", "LINEAR ALGEBRA"), (now[ids["khan-academy-linear-algebra"]].Slug, now[ids["khan-academy-linear-algebra"]].Title));
        Assert.Equal("Multivariable calculus (new name)", now[ids["khan-academy-multivariable-calculus"]].Title);
    }

    [Fact]
    public async Task RepeatedKeysAreReportedOnTheLaterLineAndSameTitledRowsAreTwoCourses()
    {
        await using var db = await TestDatabase.CreateAsync();
        var text = Csv(["slug", "title", "provider"],
            ["dup-one", "Duplicate one", "khan-academy"],
            ["dup-one", "Duplicate one again", "khan-academy"],
            ["dup-two", "Same Title", "khan-academy"],
            ["dup-three", "same title", "khan-academy"],
            ["khan-academy-linear-algebra", "Shared title", "khan-academy"],
            ["khan-academy-multivariable-calculus", "Shared title", "khan-academy"],
            ["dup-two", "Same Title", "khan-academy"]);

        var report = await db.Get<CatalogImport>().CheckAsync(await Read(text));

        Assert.Equal(["line 3: slug: duplicates line 2 (the same slug \"dup-one\")."], report.BadRows.Select(b => b.ToString()));
        Assert.Equal((3, 2, 1), (report.Creates, report.Updates, report.Repeats)); // the last line repeats line 4 byte for byte
    }

    [Fact]
    public async Task PrerequisiteCyclesAcrossTheFileAndTheCatalogAreBadRows()
    {
        await using var db = await TestDatabase.CreateAsync();
        var text = Csv(["slug", "title", "provider", "prerequisiteCourses"],
            ["cycle-a", "Cycle A", "khan-academy", "cycle-b"],
            ["cycle-b", "Cycle B", "khan-academy", "cycle-a"]);

        var report = await db.Get<CatalogImport>().CheckAsync(await Read(text));

        Assert.Equal([2, 3], report.BadRows.Select(b => b.Line));
        Assert.All(report.BadRows, b => Assert.Contains("would make a cycle of prerequisites", b.Message));
    }

    [Fact]
    public async Task ASavedMappingImportsAFileWithDifferentHeaders()
    {
        await using var db = await TestDatabase.CreateAsync();
        var file = await Read(Csv(["Course ID", "Name", "Vendor", "Cost", "Currency Code", "Duration_Weeks"],
            ["acme-statistics", "Acme statistics", "khan-academy", "99", "USD", "4"]));
        var import = db.Get<CatalogImport>();

        var unmapped = await import.CheckAsync(file);
        Assert.StartsWith("No column is mapped to the required fields slug, title, provider. The file was read as comma-separated, with 6 columns: \"Course ID\"", unmapped.FileError);
        Assert.Contains("\"Duration_Weeks\"", unmapped.FileError);

        var mappings = db.Get<ImportMappings>();
        Assert.Null(await mappings.SaveAsync("Acme export", new MappingDocument
        {
            Fields = new() { ["slug"] = FieldSource.FromColumn("Course ID"), ["title"] = FieldSource.FromColumn("Name"), ["provider"] = FieldSource.FromColumn("Vendor"),
                             ["price"] = FieldSource.FromColumn("Cost"), ["currency"] = FieldSource.FromColumn("Currency Code") },
        }, Actor));
        var (mapping, error) = await mappings.DocumentAsync("Acme export");
        Assert.Null(error);

        // durationWeeks is not in the saved mapping: the same-named column still feeds it.
        var report = await import.CommitAsync(file, new ImportRequest { Mapping = mapping }, Actor);
        Assert.True(report.Committed, report.Summary);
        var stored = await StoredAsync(db, "acme-statistics");
        Assert.Equal(("Acme statistics", "99", "USD", "4"), (stored.Title, stored.Price, stored.Currency, stored.DurationWeeks));

        Assert.Contains("no saved mapping called \"Nope\"", (await mappings.DocumentAsync("Nope")).Error);
        await using var ctx = db.Context();
        Assert.Equal("Created", (await ctx.AuditEntries.SingleAsync(a => a.Entity == "ImportMapping")).Action);
    }

    /// <summary>The files by name; built in the test, so discovery never holds (or serialises) a 10 MB case.</summary>
    private static byte[] BadFile(string what) => what switch
    {
        "a PNG image" => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R'],
        "an empty file" => [],
        "only whitespace" => "  \n\n"u8.ToArray(),
        "only a header" => "slug,title,provider\r\n"u8.ToArray(),
        "10 MB on one line" => Encoding.ASCII.GetBytes(new string('x', 10 * 1024 * 1024)),
        "Latin-1 text" => [.. "slug,title,provider\nabc,ok,khan-academy\ncafe,Caf"u8, 0xE9, .. "\n"u8],
        "a PDF" => "%PDF-1.7\n"u8.ToArray(),
        "broken JSON" => "[{\"slug\": \"a\",\n \"title\": }]"u8.ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(what), what, null),
    };

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "a PNG image", "This is a PNG image, not a CSV or JSON file." },
        { "an empty file", "The file is empty." },
        { "only whitespace", "The file is empty." },
        { "only a header", "The file has a header row but no courses below it." },
        { "10 MB on one line", "line 1 is 10,485,760 characters long with no line break: this is not a CSV file with a header row (nor JSON)." },
        { "Latin-1 text", "line 3: the file is not UTF-8 text (byte 49 is not valid UTF-8). Save it as \"CSV UTF-8\" or UTF-8 JSON and upload it again." },
        { "a PDF", "This is a PDF document, not a CSV or JSON file." },
        { "broken JSON", "line 2: this is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task AnUnreadableFileGetsOneClearMessageAndNoException(string what, string message)
    {
        await using var db = await TestDatabase.CreateAsync();
        var bytes = BadFile(what);
        var file = await ImportFile.ReadAsync(new MemoryStream(bytes), what.Contains("JSON") ? "courses.json" : "courses.csv");
        Assert.StartsWith(message, file.Error);
        var report = await db.Get<CatalogImport>().CommitAsync(file, null, Actor);
        Assert.Equal(file.Error, report.FileError);
        Assert.False(report.Committed);
    }

    [Fact]
    public async Task FormulaCellsAreBadRowsUnlessGuardedWithAnApostrophe()
    {
        await using var db = await TestDatabase.CreateAsync();
        var text = Csv(["slug", "title", "provider", "summary"],
            ["formula-one", "=HYPERLINK(\"http://evil.example\",\"click\")", "khan-academy", ""],
            ["formula-two", "'=1+2 is arithmetic", "khan-academy", "'-5 degrees"]);

        var report = await db.Get<CatalogImport>().CommitAsync(await Read(text), null, Actor);
        Assert.StartsWith("line 2: title: starts with \"=\", which a spreadsheet runs as a formula", Assert.Single(report.BadRows).ToString());

        var fixedFile = await Read(Csv(["slug", "title", "provider", "summary"], ["formula-two", "'=1+2 is arithmetic", "khan-academy", "'-5 degrees"]));
        Assert.True((await db.Get<CatalogImport>().CommitAsync(fixedFile, null, Actor)).Committed);
        var stored = await StoredAsync(db, "formula-two");
        Assert.Equal(("=1+2 is arithmetic", "-5 degrees"), (stored.Title, stored.Summary));
    }

    [Fact]
    public async Task ACommitCancelledAfterTheFirstBatchLeavesTheCatalogUnchanged()
    {
        await using var db = await TestDatabase.CreateAsync();
        var rows = Enumerable.Range(1, 7).Select(i => new[] { $"rollback-{i}", $"Rollback {i}", "khan-academy" }).Prepend(["slug", "title", "provider"]).ToArray();
        var before = await CountsAsync(db);
        using var cancel = new CancellationTokenSource();
        var batches = 0;
        var progress = new SyncProgress(p => { if (p.Phase == "Creating" && p.Done > 0 && ++batches == 1) cancel.Cancel(); });

        var file = await Read(Csv(rows));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ServiceCollection().AddCourseMatchCore(db.Source).Configure<CatalogImportOptions>(o => o.BatchSize = 2).BuildServiceProvider().GetRequiredService<CatalogImport>().CommitAsync(file, null, Actor, progress, cancel.Token));

        Assert.Equal(1, batches); // the first batch was saved inside the transaction before the cancel
        Assert.Equal(before, await CountsAsync(db));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM courses WHERE slug LIKE 'rollback-%'"));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late for a test to act on).</summary>
    internal sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
