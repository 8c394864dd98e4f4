using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Cli;

/// <summary>The `coursematch` command run as an operator would: a separate process against a real database.</summary>
public class CliTests : IAsyncLifetime
{
    private TestDb db = null!;
    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync();
    public Task DisposeAsync() => db.DisposeAsync().AsTask();

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => CliProcess.RunAsync(db.ConnectionString, args);

    private static string WriteFile(string text, string extension = ".csv")
    {
        var path = Path.Combine(Path.GetTempPath(), $"cm-cli-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task UsersAddPrintsAGeneratedPasswordOnceAndRefusesAnUnknownRole()
    {
        var (exit, output, _) = await RunAsync("users", "add", "--email", "ops@example.test", "--role", "admin");
        Assert.Equal(0, exit);
        var password = output.Split('\n').Single(l => l.StartsWith("Password")).Split(':', 2)[1].Trim();
        Assert.True(password.Length >= 12);
        await using (var context = db.Context())
            Assert.True(await context.Users.AnyAsync(u => u.Email == "ops@example.test"));

        var (badExit, _, badErr) = await RunAsync("users", "add", "--email", "other@example.test", "--role", "Superuser");
        Assert.Equal(2, badExit);
        Assert.Contains("--role", badErr);
        var (dupExit, _, dupErr) = await RunAsync("users", "add", "--email", "ops@example.test", "--role", "Advisor");
        Assert.Equal(2, dupExit);
        Assert.Contains("already exists", dupErr);
    }

    [Fact]
    public async Task ImportDryRunPrintsEachBadRowByLineAndExitsNonZeroWithoutWriting()
    {
        var file = WriteFile(string.Join("\n",
            "slug,title,provider,format,price,currency",
            "cli-one,Vectors for Beginners,khan-academy,online,0,USD",
            "cli-two,Priced Wrong,khan-academy,online,-1,USD",
            "cli-three,Nowhere Course,khan-academy,in-person,0,USD") + "\n");
        await using var context = db.Context();
        var before = await context.Courses.CountAsync();

        var (exit, _, err) = await RunAsync("import", file, "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("line 3: price:", err);
        Assert.Contains("line 4: city:", err);
        Assert.DoesNotContain("line 2:", err);
        Assert.Equal(before, await context.Courses.CountAsync());

        // Without --dry-run a file with bad rows is refused as a whole.
        var (commitExit, _, _) = await RunAsync("import", file);
        Assert.Equal(2, commitExit);
        Assert.Equal(before, await context.Courses.CountAsync());
    }

    [Fact]
    public async Task ImportOfAGoodFileCreatesTheCoursesAndExportWritesThemBack()
    {
        var file = WriteFile(string.Join("\n",
            "slug,title,provider,format,price,currency,skills",
            "cli-good-one,Matrix Calculus Notes,khan-academy,online,0,USD,calculus:2",
            "cli-good-two,Probability Drills,khan-academy,online,0,USD,probability:1") + "\n");
        var (exit, output, err) = await RunAsync("import", file);
        Assert.True(exit == 0, err);
        Assert.Contains("2", output);
        await using (var context = db.Context())
            Assert.Equal(2, await context.Courses.CountAsync(c => c.Slug.StartsWith("cli-good-")));

        var exported = Path.Combine(Path.GetTempPath(), $"cm-cli-export-{Guid.NewGuid():N}.csv");
        var (exportExit, _, exportErr) = await RunAsync("export", "--format", "csv", "--output", exported);
        Assert.True(exportExit == 0, exportErr);
        var lines = await File.ReadAllLinesAsync(exported);
        Assert.StartsWith("slug,title,provider", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("cli-good-one,Matrix Calculus Notes,khan-academy"));

        var (missingExit, _, missingErr) = await RunAsync("import", "/no/such/file.csv");
        Assert.NotEqual(0, missingExit);
        Assert.Contains("file.csv", missingErr);
    }
}
