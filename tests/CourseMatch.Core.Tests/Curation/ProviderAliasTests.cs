using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Curation;

public class ProviderAliasTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Admin = "admin@example.test";
    private readonly ProviderEditor providers = fixture.Db.Get<ProviderEditor>();

    private async Task<int> CountAsync(string sql) => await fixture.Db.ScalarAsync<int>(sql);

    private async Task<int> CreateAsync(string slug, string name)
    {
        var outcome = await providers.CreateAsync(new ProviderForm { Slug = slug, Name = name, Kind = "university" }, Admin);
        Assert.True(outcome.Ok, string.Join("; ", outcome.Errors));
        return (await providers.IdOfAsync(slug))!.Value;
    }

    private async Task<List<AuditEntry>> AuditAsync(int providerId)
    {
        await using var db = fixture.Db.Context();
        var key = providerId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.Where(a => a.Entity == "Provider" && a.EntityId == key).OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task AnAliasIsStoredFoldedAuditedAndFindsTheProviderInAnImport()
    {
        var id = await CreateAsync("heronsgate-university", "Heronsgate University");

        var added = await providers.AddAliasAsync("heronsgate-university", "  The HERONSGATE   Univ. ", Admin);

        Assert.True(added.Ok, added.Error?.Message);
        Assert.Equal("heronsgate univ", added.Alias);
        Assert.Equal(["heronsgate univ"], await providers.AliasesAsync("heronsgate-university"));
        Assert.Equal(["heronsgate univ"], (await providers.GetAsync(id))!.Aliases);
        var entry = (await AuditAsync(id)).Last();
        Assert.Equal(("AliasAdded", Admin), (entry.Action, entry.Actor));
        Assert.Contains("heronsgate univ", entry.After);
        Assert.Contains("Heronsgate University", entry.Summary);

        await using var db = fixture.Db.Context();
        var directory = await ProviderDirectory.LoadAsync(db, CancellationToken.None);
        Assert.True(directory.TryFind("Heronsgate Univ", out var found));
        Assert.Equal(id, found.Id);
        // The admin list finds it by the alias too.
        Assert.Equal(id, Assert.Single((await providers.ListAsync("Heronsgate Univ.")).Rows).Id);
    }

    [Fact]
    public async Task AnAliasThatIsAnotherProvidersNameOrSlugOrAnyAliasIsRefusedNamingThatProvider()
    {
        await CreateAsync("lindqvist-institute", "Lindqvist Institute");
        await CreateAsync("marrow-college", "Marrow College");
        Assert.True((await providers.AddAliasAsync("marrow-college", "Marrow Coll", Admin)).Ok);
        var aliases = await CountAsync("SELECT count(*) FROM provider_aliases");
        var audit = await CountAsync("SELECT count(*) FROM audit_entries");

        var name = await providers.AddAliasAsync("lindqvist-institute", "the marrow college", Admin);
        Assert.Equal("alias", name.Error!.Field);
        Assert.Contains("name of another provider, Marrow College (marrow-college)", name.Error.Message);

        var slug = await providers.AddAliasAsync("lindqvist-institute", "Skillshare", Admin);
        Assert.Contains("Skillshare (skillshare)", slug.Error!.Message);

        var theirs = await providers.AddAliasAsync("lindqvist-institute", "MARROW COLL.", Admin);
        Assert.Contains("already an alias of Marrow College (marrow-college)", theirs.Error!.Message);

        var again = await providers.AddAliasAsync("marrow-college", "marrow coll", Admin);
        Assert.Contains("already an alias of this provider", again.Error!.Message);

        var own = await providers.AddAliasAsync("lindqvist-institute", "The Lindqvist Institute", Admin);
        Assert.Contains("own name", own.Error!.Message);

        Assert.Equal(aliases, await CountAsync("SELECT count(*) FROM provider_aliases"));
        Assert.Equal(audit, await CountAsync("SELECT count(*) FROM audit_entries"));
    }

    [Theory]
    [InlineData("", "alias", "required")]
    [InlineData("   ", "alias", "required")]
    [InlineData("!?!", "alias", "letter or a digit")]
    [InlineData("x201", "alias", "at most 200")]
    public async Task AnEmptyOrTooLongAliasIsRefused(string alias, string field, string message)
    {
        if (alias == "x201") alias = new string('x', 201);
        var outcome = await providers.AddAliasAsync("khan-academy", alias, Admin);
        Assert.Equal(field, outcome.Error!.Field);
        Assert.Contains(message, outcome.Error.Message);
    }

    [Fact]
    public async Task AnAliasOfAnUnknownProviderIsRefusedNamingTheProvider()
    {
        var outcome = await providers.AddAliasAsync("no-such-provider", "Anything", Admin);
        Assert.Equal("provider", outcome.Error!.Field);
        Assert.Contains("no-such-provider", outcome.Error.Message);
        Assert.Null(await providers.AliasesAsync("no-such-provider"));
        Assert.Equal("provider", (await providers.RemoveAliasAsync("no-such-provider", "Anything", Admin)).Error!.Field);
    }

    [Fact]
    public async Task RemovingAnAliasIsAuditedAndAnAliasItDoesNotHaveIsRefusedListingItsAliases()
    {
        var id = await CreateAsync("pellucid-labs", "Pellucid Labs");
        await providers.AddAliasAsync("pellucid-labs", "Pellucid", Admin);
        await providers.AddAliasAsync("pellucid-labs", "PL Online", Admin);

        var missing = await providers.RemoveAliasAsync("pellucid-labs", "Pellucid Online", Admin);
        Assert.Equal("alias", missing.Error!.Field);
        Assert.Contains("\"pellucid\", \"pl online\"", missing.Error.Message);

        var removed = await providers.RemoveAliasAsync("pellucid-labs", "PELLUCID", Admin);
        Assert.True(removed.Ok);
        Assert.Equal(["pl online"], await providers.AliasesAsync("pellucid-labs"));
        var entry = (await AuditAsync(id)).Last();
        Assert.Equal("AliasRemoved", entry.Action);
        Assert.Contains("pellucid", entry.Before);
    }

    [Fact]
    public async Task AProviderCannotTakeANameOrSlugThatIsAnotherProvidersAlias()
    {
        await CreateAsync("ostrander-university", "Ostrander University");
        await providers.AddAliasAsync("ostrander-university", "Ostrander Online", Admin);
        await providers.AddAliasAsync("ostrander-university", "ostrx", Admin);

        var byName = await providers.CreateAsync(new ProviderForm { Slug = "ostrander-online", Name = "The Ostrander Online", Kind = "platform" }, Admin);
        Assert.Equal("name", Assert.Single(byName.Errors).Field);
        Assert.Contains("alias of Ostrander University (ostrander-university)", byName.Errors[0].Message);

        var bySlug = await providers.CreateAsync(new ProviderForm { Slug = "ostrx", Name = "Ostr X", Kind = "platform" }, Admin);
        Assert.Equal("slug", Assert.Single(bySlug.Errors).Field);

        // Its own alias is its own business: renaming to it is allowed.
        var id = (await providers.IdOfAsync("ostrander-university"))!.Value;
        var loaded = ProviderEditor.ValuesOf((await providers.GetAsync(id))!);
        var form = ProviderForm.From(loaded);
        form.Name = "Ostrander Online";
        Assert.True((await providers.UpdateAsync(id, loaded, form, Admin)).Ok);
    }

    [Fact]
    public async Task AProviderCannotTakeANameThatFoldsToAnotherProvidersName()
    {
        var taken = await providers.CreateAsync(new ProviderForm { Slug = "khan-academy-2", Name = "The KHAN academy", Kind = "platform" }, Admin);
        Assert.Equal("name", Assert.Single(taken.Errors).Field);
        Assert.Contains("already the name of Khan Academy (khan-academy)", taken.Errors[0].Message);

        // An edit that keeps the name is not held up by it.
        var id = await CreateAsync("verity-college", "Verity College");
        var loaded = ProviderEditor.ValuesOf((await providers.GetAsync(id))!);
        var form = ProviderForm.From(loaded);
        form.Name = "Khan Academy";
        Assert.Equal("name", Assert.Single((await providers.UpdateAsync(id, loaded, form, Admin)).Errors).Field);
        form.Name = "Verity College";
        form.Website = "https://verity.example.test";
        Assert.True((await providers.UpdateAsync(id, loaded, form, Admin)).Ok);
    }

    [Fact]
    public async Task DeletingAProviderDeletesItsAliasesAndAMergeKeepsThemAndTheDuplicatesNameForTheSurvivor()
    {
        var survivor = await CreateAsync("quarrington-university", "Quarrington University");
        var duplicate = await CreateAsync("quarrington-online", "Quarrington Online Campus");
        await providers.AddAliasAsync("quarrington-online", "QOC", Admin);

        var merged = await providers.MergeAsync(survivor, duplicate, Admin);
        Assert.True(merged.Merged, merged.Error);
        Assert.Equal(["qoc", "quarrington online campus"], await providers.AliasesAsync("quarrington-university"));
        Assert.Contains("quarrington online campus", (await AuditAsync(survivor)).Last().After);

        await fixture.Db.ExecAsync($"DELETE FROM providers WHERE id = {survivor}");
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM provider_aliases WHERE provider_id = {survivor}"));
    }
}
