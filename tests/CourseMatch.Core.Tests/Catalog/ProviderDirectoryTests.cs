using System.Diagnostics;
using CourseMatch.Catalog;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Catalog;

public class ProviderDirectoryTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private async Task<ProviderDirectory> LoadAsync()
    {
        await using var db = fixture.Db.Context();
        return await ProviderDirectory.LoadAsync(db, CancellationToken.None);
    }

    private async Task AliasAsync(string providerSlug, string alias)
    {
        await using var db = fixture.Db.Context();
        var id = await db.Providers.Where(p => p.Slug == providerSlug).Select(p => p.Id).SingleAsync();
        var folded = ProviderAlias.Fold(alias);
        if (!await db.ProviderAliases.AnyAsync(a => a.Alias == folded))
        {
            db.ProviderAliases.Add(new ProviderAlias { Alias = folded, ProviderId = id });
            await db.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task TheDirectoryFindsAProviderBySlugNameOrAliasIgnoringCaseSpacingAndALeadingThe()
    {
        await AliasAsync("khan-academy", "KA Lite");
        var directory = await LoadAsync();

        foreach (var text in new[] { "khan-academy", "Khan Academy", "  KHAN   academy ", "The Khan Academy", "Khan-Academy", "ka lite", "KA-Lite", "The KA Lite" })
        {
            Assert.True(directory.TryFind(text, out var found), text);
            Assert.Equal(("khan-academy", "Khan Academy"), (found.Slug, found.Name));
        }
        Assert.True(directory.TryFind("University of Michigan", out var michigan));
        Assert.Equal("university-of-michigan", michigan.Slug);
        // The stored name has "The"; the text has not.
        Assert.True(directory.TryFind("MIT Press", out var press));
        Assert.Equal("mit-press", press.Slug);

        foreach (var text in new[] { "Coursera", "", "   ", "khan academy online", "KHAN-ACADEMY-X" })
            Assert.False(directory.TryFind(text, out _), text);
    }

    [Fact]
    public void ASlugIsMatchedExactlyBeforeAnyName()
    {
        var directory = ProviderDirectory.From([(1, "alpha", "Beta Learning"), (2, "beta-learning", "Alpha")], [("gamma", 2)]);

        Assert.True(directory.TryFind("alpha", out var bySlug));
        Assert.Equal(1, bySlug.Id);
        // Not the slug (a slug is matched exactly), so the name decides.
        Assert.True(directory.TryFind("ALPHA", out var byName));
        Assert.Equal(2, byName.Id);
        Assert.True(directory.TryFind("Gamma", out var byAlias));
        Assert.Equal(2, byAlias.Id);
    }

    [Fact]
    public void TwoProvidersWithTheSameNameAnswerWithTheOlderOneEveryTime()
    {
        var directory = ProviderDirectory.From([(9, "open-lab-2", "Open Lab"), (4, "open-lab", "Open Lab")]);
        Assert.True(directory.TryFind("open lab", out var found));
        Assert.Equal(4, found.Id);
    }

    [Theory]
    [InlineData("The University of Michigan")]
    [InlineData("The Univ. of Michigan")]
    [InlineData("Univ of Michgan")]
    [InlineData("University of Michigan, Ann Arbor")]
    [InlineData("Michigan")]
    public async Task NearestSuggestsTheUniversityOfMichiganForItsOtherSpellings(string written)
    {
        var directory = await LoadAsync();
        Assert.Equal("University of Michigan", directory.Nearest(written).FirstOrDefault());
    }

    [Theory]
    [InlineData("NYU", "New York University")]
    [InlineData("HKUST", "The Hong Kong University of Science and Technology")]
    [InlineData("Kahn Academy", "Khan Academy")]
    [InlineData("Deep Learning AI", "DeepLearning.AI")]
    [InlineData("New York Univ", "New York University")]
    [InlineData("Stanford", "Stanford University")]
    public async Task NearestKnowsInitialsTyposAbbreviationsAndRunTogetherWords(string written, string expected)
    {
        var directory = await LoadAsync();
        Assert.Equal(expected, directory.Nearest(written).FirstOrDefault());
    }

    [Theory]
    [InlineData("Coursera")]
    [InlineData("Udemy")]
    [InlineData("Linear Algebra for Everyone")]
    [InlineData("University")]
    [InlineData("University of Oslo")]
    [InlineData("清华大学")]
    [InlineData("!!!")]
    [InlineData("")]
    public async Task NearestSuggestsNothingForANameLikeNoProvider(string written)
    {
        var directory = await LoadAsync();
        Assert.Empty(directory.Nearest(written));
    }

    [Fact]
    public async Task NearestGivesAtMostTheNumberAskedMostAlikeFirst()
    {
        var directory = await LoadAsync();
        var three = directory.Nearest("MIT");
        Assert.InRange(three.Count, 1, 3);
        Assert.All(three, n => Assert.Contains("MIT", n));
        Assert.Equal(three.Take(1), directory.Nearest("MIT", max: 1));
        Assert.Empty(directory.Nearest("MIT", max: 0));
        var scored = directory.Scored("MIT").ToList();
        Assert.Equal(scored.OrderByDescending(s => s.Score).Select(s => s.Score), scored.Select(s => s.Score));
        Assert.All(scored, s => Assert.InRange(s.Score, ProviderDirectory.SuggestFrom, 1));
    }

    [Fact]
    public void NearestIsQuickForFiveHundredProvidersAndTwoHundredUnknownNames()
    {
        var random = new Random(7);
        string Word() => new([.. Enumerable.Range(0, 5 + random.Next(5)).Select(_ => (char)('a' + random.Next(26)))]);
        string[] common = ["university", "college", "institute", "academy", "online", "data", "school", "of", "learning", "press"];
        var providers = Enumerable.Range(1, 500)
            .Select(i => (i, $"p-{i}", string.Join(' ', Enumerable.Range(0, 2 + random.Next(3)).Select(_ => random.Next(3) == 0 ? common[random.Next(common.Length)] : Word()))))
            .ToList();
        var directory = ProviderDirectory.From(providers, providers.Where(p => p.i % 2 == 0).Select(p => (ProviderAlias.Fold(p.Item3 + " online"), p.i)));
        // Unknown names: a provider's name with one letter dropped from its last word, and names like none.
        var unknown = Enumerable.Range(0, 200).Select(i =>
        {
            if (i % 2 == 1) return $"{Word()} {Word()}";
            var name = providers[random.Next(providers.Count)].Item3;
            return name.Length > 8 ? name.Remove(name.Length - 2, 1) : name;
        }).ToList();

        directory.Nearest("warm up");
        var clock = Stopwatch.StartNew();
        var found = unknown.Where((name, i) => i % 2 == 0).Count(name => directory.Nearest(name).Count > 0);
        foreach (var name in unknown.Where((_, i) => i % 2 == 1)) directory.Nearest(name);
        clock.Stop();

        Assert.True(found >= 95, $"{found} of 100 near misses found a suggestion");
        // About 0.1 s on a 2-core machine; the bound leaves room for a busy one.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Theory]
    [InlineData("Université de Montréal", "universite-de-montreal")]
    [InlineData("The MIT Press", "the-mit-press")]
    [InlineData("  O'Reilly Media, Inc. ", "o-reilly-media-inc")]
    [InlineData("DeepLearning.AI", "deeplearning-ai")]
    public void SlugForMakesASlugByTheSlugRule(string name, string slug)
    {
        Assert.Equal(slug, ProviderDirectory.SlugFor(name));
        Assert.True(Slugs.IsValid(ProviderDirectory.SlugFor(name)));
    }

    [Fact]
    public void SlugForCutsALongNameAtAHyphenAndGivesANameWithoutLatinLettersAStableSlug()
    {
        var longName = string.Join(' ', Enumerable.Repeat("Computational Mathematics", 10));
        var slug = ProviderDirectory.SlugFor(longName);
        Assert.True(slug.Length <= Limits.ReferenceSlug && Slugs.IsValid(slug), slug);
        Assert.EndsWith("mathematics", slug);

        var chinese = ProviderDirectory.SlugFor("清华大学");
        Assert.StartsWith("provider-", chinese);
        Assert.True(Slugs.IsValid(chinese));
        Assert.Equal(chinese, ProviderDirectory.SlugFor("清华大学"));
        Assert.NotEqual(chinese, ProviderDirectory.SlugFor("北京大学"));
    }

    [Theory]
    [InlineData("Stanford University", ProviderKind.University)]
    [InlineData("Université Paris-Saclay", ProviderKind.University)]
    [InlineData("Imperial College London", ProviderKind.University)]
    [InlineData("Indian Institute of Technology Madras", ProviderKind.University)]
    [InlineData("London School of Economics", ProviderKind.University)]
    [InlineData("Cambridge University Press", ProviderKind.Publisher)]
    [InlineData("Packt Publishing", ProviderKind.Publisher)]
    [InlineData("Le Wagon Data Science Bootcamp", ProviderKind.Bootcamp)]
    [InlineData("Raspberry Pi Foundation", ProviderKind.Nonprofit)]
    [InlineData("Coursera", ProviderKind.Platform)]
    [InlineData("Khan Academy", ProviderKind.Platform)]
    public void GuessKindReadsTheKindFromTheName(string name, ProviderKind kind) =>
        Assert.Equal(kind, ProviderDirectory.GuessKind(name));
}
