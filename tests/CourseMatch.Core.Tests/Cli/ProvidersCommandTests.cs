using System.Text.Json;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Cli;

/// <summary>`coursematch providers list | add | alias`, run as a separate process against a real database.</summary>
public class ProvidersCommandTests : IAsyncLifetime
{
    private TestDb db = null!;
    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync();
    public Task DisposeAsync() => db.DisposeAsync().AsTask();

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => CliProcess.RunAsync(db.ConnectionString, args);

    [Fact]
    public async Task AddMakesTheSlugAndKindFromTheNameAuditsAndPrintsTheSlug()
    {
        var (exit, output, err) = await RunAsync("providers", "add", "Université de Lumière Institute", "--country", "fr", "--website", "https://lumiere.example.test");
        Assert.True(exit == 0, err);
        Assert.Equal("universite-de-lumiere-institute", output.Trim());

        await using var context = db.Context();
        var stored = await context.Providers.SingleAsync(p => p.Slug == "universite-de-lumiere-institute");
        Assert.Equal(("Université de Lumière Institute", CourseMatch.Catalog.ProviderKind.University, "FR"), (stored.Name, stored.Kind, stored.Country));
        Assert.True(await context.AuditEntries.AnyAsync(a => a.Entity == "Provider" && a.Action == "Created" && a.Actor.StartsWith("cli:")));

        var (chosenExit, chosen, _) = await RunAsync("providers", "add", "Mesa Data Bootcamp", "--slug", "mesa", "--kind", "platform");
        Assert.Equal(0, chosenExit);
        Assert.Equal("mesa", chosen.Trim());
    }

    [Theory]
    [InlineData("--kind", "castle", "--kind: Kind must be one of")]
    [InlineData("--slug", "Not A Slug", "--slug: Slug may hold")]
    [InlineData("--website", "ftp://files.example.test", "--website: Website must be a full web address")]
    [InlineData("--country", "France", "--country: Country must be a two-letter")]
    public async Task AddWithABadValueExits2NamingTheArgumentAndWritesNothing(string option, string value, string message)
    {
        var before = await db.ScalarAsync<int>("SELECT count(*) FROM providers");
        var (exit, output, err) = await RunAsync("providers", "add", "Brand New Provider", option, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, err);
        Assert.Equal("", output);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(before, await db.ScalarAsync<int>("SELECT count(*) FROM providers"));
    }

    [Fact]
    public async Task AddOfATakenNameOrSlugOrNoNameAtAllExits2()
    {
        var (sameName, _, sameNameErr) = await RunAsync("providers", "add", "The Khan Academy", "--slug", "khan-two");
        Assert.Equal(2, sameName);
        Assert.Contains("NAME: \"The Khan Academy\" is already the name of Khan Academy (khan-academy)", sameNameErr);

        var (madeSlug, _, madeSlugErr) = await RunAsync("providers", "add", "Skillshare!");
        Assert.Equal(2, madeSlug);
        Assert.Contains("--slug: Slug \"skillshare\" is already used", madeSlugErr);
        Assert.Contains("give --slug", madeSlugErr);

        var (missing, _, missingErr) = await RunAsync("providers", "add");
        Assert.Equal(2, missing);
        Assert.Contains("NAME", missingErr);
    }

    [Fact]
    public async Task AliasAddsAndRemovesAndBadInputExits2NamingTheArgument()
    {
        var (added, addedOut, addedErr) = await RunAsync("providers", "alias", "khan-academy", "KA Lite");
        Assert.True(added == 0, addedErr);
        Assert.Contains("\"ka lite\"", addedOut);

        var (unknown, _, unknownErr) = await RunAsync("providers", "alias", "no-such-provider", "Anything");
        Assert.Equal(2, unknown);
        Assert.StartsWith("PROVIDER-SLUG: No provider has the slug \"no-such-provider\"", unknownErr);

        var (taken, _, takenErr) = await RunAsync("providers", "alias", "skillshare", "ka-lite");
        Assert.Equal(2, taken);
        Assert.StartsWith("ALIAS: \"ka-lite\" is already an alias of Khan Academy (khan-academy)", takenErr);

        var (empty, _, emptyErr) = await RunAsync("providers", "alias", "skillshare", "  ");
        Assert.Equal(2, empty);
        Assert.StartsWith("ALIAS: Alias is required", emptyErr);

        var (removed, removedOut, _) = await RunAsync("providers", "alias", "khan-academy", "KA LITE", "--remove");
        Assert.Equal(0, removed);
        Assert.Contains("Removed alias \"ka lite\"", removedOut);
        var (again, _, againErr) = await RunAsync("providers", "alias", "khan-academy", "KA LITE", "--remove");
        Assert.Equal(2, again);
        Assert.Contains("is not an alias of Khan Academy", againErr);
    }

    [Fact]
    public async Task ListPrintsEveryProviderWithItsCoursesAndAliasesAsATableOrJson()
    {
        await RunAsync("providers", "alias", "khan-academy", "KA Lite");

        var (exit, table, _) = await RunAsync("providers", "list");
        Assert.Equal(0, exit);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("slug", lines[0]);
        var khan = Assert.Single(lines, l => l.StartsWith("khan-academy "));
        Assert.Matches(@"Khan Academy\s+nonprofit\s+5\s+ka lite", khan);

        var (jsonExit, json, _) = await RunAsync("providers", "list", "--json");
        Assert.Equal(0, jsonExit);
        var providers = JsonDocument.Parse(json).RootElement;
        Assert.Equal(await db.ScalarAsync<int>("SELECT count(*) FROM providers"), providers.GetArrayLength());
        var entry = providers.EnumerateArray().Single(p => p.GetProperty("slug").GetString() == "khan-academy");
        Assert.Equal(("Khan Academy", "nonprofit", 5), (entry.GetProperty("name").GetString(), entry.GetProperty("kind").GetString(), entry.GetProperty("courses").GetInt32()));
        Assert.Equal(["ka lite"], entry.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }
}
