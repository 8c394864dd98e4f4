using CourseMatch.Tests.Infrastructure;

namespace CourseMatch.Tests.Cli;

/// <summary>`coursematch mappings …` and `coursematch import` with a feed's file, run as a separate process against a real database.</summary>
public class ImportCommandTests : IAsyncLifetime
{
    private TestDb db = null!;
    private readonly string dir = Directory.CreateTempSubdirectory("coursematch-import-").FullName;
    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync();
    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => CliProcess.RunAsync(db.ConnectionString, args);
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Curation", "Fixtures", name);

    [Fact]
    public async Task AMappingSavedFromAFileIsListedShownAndDeleted()
    {
        var (saved, savedOut, savedErr) = await RunAsync("mappings", "save", "udemy monthly", Fixture("marketplace.mapping.json"));
        Assert.True(saved == 0, savedErr);
        Assert.Contains("Saved mapping \"udemy monthly\"", savedOut);

        var (_, list, _) = await RunAsync("mappings", "list");
        Assert.Contains("udemy monthly\tfeed: udemy", list);
        var (_, shown, _) = await RunAsync("mappings", "show", "udemy monthly");
        Assert.Contains("\"template\": \"udemy-{course_title}\"", shown);
        Assert.Contains("\"Expert Level\": \"advanced\"", shown);

        Assert.Equal(0, (await RunAsync("mappings", "delete", "udemy monthly")).Exit);
        var (missing, _, missingErr) = await RunAsync("mappings", "show", "udemy monthly");
        Assert.Equal((2, true), (missing, missingErr.Contains("no saved mapping called \"udemy monthly\"")));
    }

    [Fact]
    public async Task ABadMappingFileIsRefusedNamingWhereAndNothingIsSaved()
    {
        var bad = Path.Combine(dir, "bad.json");
        await File.WriteAllTextAsync(bad, """{ "feed": "Not A Feed", "fields": { "title": { "column": "a", "constant": "b" }, "colour": "c" } }""");

        var (exit, _, err) = await RunAsync("mappings", "save", "broken", bad);

        Assert.Equal(2, exit);
        Assert.Contains("feed: \"Not A Feed\" is not a feed name", err);
        Assert.Contains("title: give exactly one of a column, a constant or a template.", err);
        Assert.Contains("\"colour\" is not one of our fields", err);
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM import_mappings"));
    }

    [Fact]
    public async Task SkipBadImportsTheGoodRowsAndWritesTheRejectsAndTheReport()
    {
        var file = Path.Combine(dir, "marketplace.csv");
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(Fixture("marketplace.csv"))).Replace(";True;200;", ";maybe;200;"));
        var (rejects, report) = (Path.Combine(dir, "rejects.csv"), Path.Combine(dir, "report.csv"));
        var before = await db.ScalarAsync<long>("SELECT count(*) FROM courses");

        var (allOrNothing, _, refusedErr) = await RunAsync("import", file, "--mapping-file", Fixture("marketplace.mapping.json"), "--create-providers");
        Assert.Equal(2, allOrNothing);
        Assert.Contains("line 2: isPaid: \"maybe\"", refusedErr);
        Assert.Equal(before, await db.ScalarAsync<long>("SELECT count(*) FROM courses"));

        var (exit, output, err) = await RunAsync("import", file, "--mapping-file", Fixture("marketplace.mapping.json"), "--create-providers",
            "--skip-bad", "--rejects", rejects, "--report", report);

        Assert.True(exit == 0, err);
        Assert.Contains("4 to create", output);
        Assert.Contains("new provider: \"Udemy\" (5 rows)", err);
        Assert.Equal(before + 4, await db.ScalarAsync<long>("SELECT count(*) FROM courses"));
        var refused = await File.ReadAllLinesAsync(rejects);
        Assert.Equal(2, refused.Length);
        Assert.StartsWith("2,isPaid,maybe,", refused[1]);
        var rows = await File.ReadAllLinesAsync(report);
        Assert.Equal("line,action,slug,title,provider,changes,kept,duplicate_of,problems,without_skills,draft", rows[0].TrimStart('\uFEFF'));
        Assert.Equal(6, rows.Length);
        Assert.StartsWith("2,bad,", rows[1]);
        Assert.StartsWith("3,create,udemy-statistics-for-data-science-and-business-analysis,", rows[2]);
    }

    [Fact]
    public async Task ARejectsFileWithoutSkipBadIsABadArgument()
    {
        var (exit, _, err) = await RunAsync("import", Fixture("marketplace.csv"), "--rejects", Path.Combine(dir, "r.csv"));
        Assert.Equal(2, exit);
        Assert.Contains("--rejects: only with --skip-bad", err);
    }
}
