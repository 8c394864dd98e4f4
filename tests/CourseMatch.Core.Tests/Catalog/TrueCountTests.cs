using CourseMatch.Data;
using CourseMatch.Catalog;
using CourseMatch.Data.Seed;
using CourseMatch.Tests.Infrastructure;

namespace CourseMatch.Tests.Catalog;

/// <summary>A catalog of a few thousand courses: enough that the old first-thousand counts were wrong.</summary>
public sealed class SyntheticCatalogFixture : IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        await SyntheticCatalog.LoadAsync(Db.Source, 3000);
        await CatalogSearch.RefreshVocabularyAsync(Db.Source);
        await using var analyze = Db.Source.CreateCommand("ANALYZE");
        await analyze.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();
}

/// <summary>Totals and facet counts checked against SELECT count(*) on the same catalog; estimates against the truth.</summary>
public class TrueCountTests(SyntheticCatalogFixture fixture) : IClassFixture<SyntheticCatalogFixture>
{
    private const string Published = "status = 'Published'";
    private const string Matches = $"{Published} AND search_vector @@ websearch_to_tsquery('english', 'data')";

    private readonly CatalogSearch search = new(ReadDatabase.PrimaryOnly(fixture.Db.Source));

    private Task<long> Count(string where) => fixture.Db.ScalarAsync<long>($"SELECT count(*) FROM courses WHERE {where}");

    private static FacetValue? Value(CatalogPage page, string facet, string value) =>
        page.Facets.Single(f => f.Name == facet).Values.SingleOrDefault(v => v.Value == value);

    [Fact]
    public async Task TotalAndEveryFacetCountEqualSelectCount()
    {
        var page = await search.SearchAsync(new CatalogQuery { Q = "data" });

        Assert.False(page.CountsAreEstimates);
        Assert.True(page.Total > 1000, $"'data' should match most of 3,000 courses, matched {page.Total}");
        Assert.Equal(await Count(Matches), page.Total);
        foreach (var format in new[] { "Online", "InPerson", "Hybrid" })
            Assert.Equal(await Count($"{Matches} AND format = '{format}'"), Value(page, "format", EnumText.Kebab(format))?.Count ?? 0);
        foreach (var level in Enum.GetNames<CourseLevel>())
            Assert.Equal(await Count($"{Matches} AND level = '{level}'"), Value(page, "level", EnumText.Kebab(level))?.Count ?? 0);
        Assert.Equal(await Count($"{Matches} AND price = 0"), Value(page, "price", "free")?.Count ?? 0);
        Assert.Equal(await Count($"{Matches} AND (price > 0 OR paid_unlisted)"), Value(page, "price", "paid")?.Count ?? 0);
        Assert.Equal(await Count($"{Matches} AND price >= 100 AND price < 500"), Value(page, "priceBand", "100-500")?.Count ?? 0);
        Assert.Equal(await Count($"{Matches} AND effort_hours >= 10 AND effort_hours < 50"), Value(page, "duration", "10-50h")?.Count ?? 0);
        var skill = page.Facets.Single(f => f.Name == "skill").Values.First();
        Assert.Equal(await Count($"{Matches} AND id IN (SELECT course_id FROM course_skills cs JOIN skills s ON s.id = cs.skill_id WHERE s.slug = '{skill.Value}')"), skill.Count);
        var provider = page.Facets.Single(f => f.Name == "provider").Values.First();
        Assert.Equal(await Count($"{Matches} AND provider_id = (SELECT id FROM providers WHERE slug = '{provider.Value}')"), provider.Count);
    }

    [Fact]
    public async Task ValuesWithinAFacetWidenAndKeepTheirCountsWhileOtherFacetsNarrow()
    {
        var online = await search.SearchAsync(new CatalogQuery { Q = "data", Formats = [CourseFormat.Online], Levels = [CourseLevel.Advanced] });

        // The format facet counts as if no format were ticked (the level filter still applies), and the reverse.
        Assert.Equal(await Count($"{Matches} AND level = 'Advanced' AND format = 'InPerson'"), Value(online, "format", "in-person")!.Count);
        Assert.Equal(await Count($"{Matches} AND format = 'Online' AND level = 'Beginner'"), Value(online, "level", "beginner")!.Count);
        Assert.True(Value(online, "format", "online")!.Selected);
        Assert.False(Value(online, "format", "in-person")!.Selected);
        // An unselected facet counts within the results.
        Assert.Equal(await Count($"{Matches} AND format = 'Online' AND level = 'Advanced' AND price = 0"), Value(online, "price", "free")?.Count ?? 0);

        // Ticking a second format widens the results by exactly its count.
        var both = await search.SearchAsync(new CatalogQuery { Q = "data", Formats = [CourseFormat.Online, CourseFormat.InPerson], Levels = [CourseLevel.Advanced] });
        Assert.Equal(online.Total + Value(online, "format", "in-person")!.Count, both.Total);
        Assert.Equal(await Count($"{Matches} AND format IN ('Online', 'InPerson') AND level = 'Advanced'"), both.Total);
    }

    [Fact]
    public async Task OneReadForEverySetCountsTheSameAsOneReadPerSet()
    {
        // With ticked facets the search reads the courses failing at most one filter once, when they fit the budget; with
        // a budget under that read but over every set, it reads each set on its own. Both must count the same.
        var ownSets = new[] { await Count($"{Matches} AND level = 'Advanced'"), await Count($"{Matches} AND format = 'Online'") };
        var oneRead = await Count($"{Matches} AND (level = 'Advanced' OR format = 'Online')");
        var budget = (int)ownSets.Max();
        Assert.True(oneRead > budget, "the one read should be over a budget that every set fits");
        var query = new CatalogQuery { Q = "data", Formats = [CourseFormat.Online], Levels = [CourseLevel.Advanced], Sort = CatalogSort.Price };

        var togetherSteps = new List<CatalogSearch.SearchStep>();
        var together = await search.SearchAsync(query, togetherSteps);
        var apartSteps = new List<CatalogSearch.SearchStep>();
        var apart = await new CatalogSearch(ReadDatabase.PrimaryOnly(fixture.Db.Source), budget: new CountBudget(Exact: budget)).SearchAsync(query, apartSteps);

        static int Reads(List<CatalogSearch.SearchStep> steps) => steps.Count(s => s.Statement?.Sql.Contains("u AS MATERIALIZED") == true);
        Assert.Equal(1, Reads(togetherSteps));
        Assert.Equal(1, Reads(apartSteps)); // tried, over the budget, then each set on its own
        Assert.Equal(2, apartSteps.Count(s => s.Statement is not null && !s.Statement.Sql.StartsWith("EXPLAIN")));

        Assert.False(apart.CountsAreEstimates);
        Assert.Equal(together.Total, apart.Total);
        Assert.Equal(together.Items.Select(c => c.Slug), apart.Items.Select(c => c.Slug));
        foreach (var facet in together.Facets)
            Assert.Equal(facet.Values.Select(v => (v.Value, v.Count)), apart.Facets.Single(f => f.Name == facet.Name).Values.Select(v => (v.Value, v.Count)));
    }

    [Fact]
    public async Task SortingAndPagingReachEveryMatchNotTheFirstThousand()
    {
        var cheapest = await search.SearchAsync(new CatalogQuery { Q = "data", Sort = CatalogSort.Price, PageSize = 5 });
        Assert.Equal(await fixture.Db.ScalarAsync<decimal>($"SELECT min(price) FROM courses WHERE {Matches}"), cheapest.Items[0].Price);

        var dearest = await search.SearchAsync(new CatalogQuery { Q = "data", Sort = CatalogSort.PriceDesc, PageSize = 5 });
        Assert.Equal(await fixture.Db.ScalarAsync<decimal>($"SELECT max(price) FROM courses WHERE {Matches}"), dearest.Items[0].Price);

        // Past the old 1,000-candidate cap: page 80 of 20 starts at result 1,581.
        var deep = await search.SearchAsync(new CatalogQuery { Q = "data", Page = 80, PageSize = 20 });
        Assert.Equal(20, deep.Items.Count);
        Assert.True(deep.PageCount >= 80);
        var next = await search.SearchAsync(new CatalogQuery { Q = "data", Page = 81, PageSize = 20 });
        Assert.Empty(deep.Items.Select(c => c.Slug).Intersect(next.Items.Select(c => c.Slug)));
    }

    [Fact]
    public async Task OverTheBudgetCountsAreMarkedEstimatesAndCloseToTheTruth()
    {
        // A small budget makes a few thousand courses "large": the same code path as a million courses over 50,000.
        var small = new CatalogSearch(ReadDatabase.PrimaryOnly(fixture.Db.Source), budget: new CountBudget(Exact: 500, SampleRows: 1500));
        var page = await small.SearchAsync(new CatalogQuery { Q = "data", Sort = CatalogSort.Price });

        Assert.True(page.CountsAreEstimates);
        Assert.All(page.Facets, f => Assert.True(f.Estimated, $"{f.Name} should be marked estimated"));
        var truth = await Count(Matches);
        Assert.InRange(page.Total, truth * 0.85, truth * 1.15);
        // The page still comes from every match in order: the cheapest of all first.
        Assert.Equal(await fixture.Db.ScalarAsync<decimal>($"SELECT min(price) FROM courses WHERE {Matches}"), page.Items[0].Price);
        Assert.Equal(20, page.Items.Count);
        // The same search gives the same estimate (the sample is repeatable), so counts do not jump between pages.
        Assert.Equal(page.Total, (await small.SearchAsync(new CatalogQuery { Q = "data", Sort = CatalogSort.Price, Page = 2 })).Total);
    }

    [Fact]
    public async Task OnlyTheFacetWhoseOwnSetIsOverTheBudgetIsEstimated()
    {
        // "data" with a rare level matches a few hundred; without the level filter it matches thousands.
        var where = $"{Matches} AND level = 'Advanced'";
        var exact = await Count(where);
        var budget = (int)exact + 10;
        Assert.True(await Count(Matches) > budget * 2, "the level facet's own set should be far over the budget");
        var small = new CatalogSearch(ReadDatabase.PrimaryOnly(fixture.Db.Source), budget: new CountBudget(Exact: budget, SampleRows: 1500));

        var page = await small.SearchAsync(new CatalogQuery { Q = "data", Levels = [CourseLevel.Advanced] });

        Assert.True(page.CountsAreEstimates);
        Assert.Equal(exact, page.Total);
        Assert.True(page.Facets.Single(f => f.Name == "level").Estimated);
        Assert.All(page.Facets.Where(f => f.Name != "level"), f => Assert.False(f.Estimated, $"{f.Name} fits the budget and should be exact"));
        Assert.Equal(await Count($"{where} AND format = 'Online'"), Value(page, "format", "online")!.Count);
    }

    [Fact]
    public async Task WithoutTextTheWholeCatalogIsCountedAndFilteredExactly()
    {
        var all = await search.SearchAsync(new CatalogQuery());
        Assert.Equal(await Count(Published), all.Total);
        Assert.False(all.CountsAreEstimates);

        var free = await search.SearchAsync(new CatalogQuery { Prices = [PriceFilter.Free], Pacings = [Pacing.SelfPaced] });
        Assert.Equal(await Count($"{Published} AND price = 0 AND pacing = 'SelfPaced'"), free.Total);
        Assert.Equal(await Count($"{Published} AND pacing = 'SelfPaced' AND (price > 0 OR paid_unlisted)"), Value(free, "price", "paid")!.Count);
    }
}
