using CourseMatch.Data;
using CourseMatch.Catalog;
using CourseMatch.Tests.Infrastructure;

namespace CourseMatch.Tests.Catalog;

public class CatalogSearchTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly CatalogSearch search = new(ReadDatabase.PrimaryOnly(fixture.Db.Source));

    private Task<CatalogPage> Search(string? q = null, Func<CatalogQuery, CatalogQuery>? with = null) =>
        search.SearchAsync((with ?? (x => x))(new CatalogQuery { Q = q, PageSize = 100 }));

    [Fact]
    public async Task SearchFindsLinearAlgebraByPhrase()
    {
        var page = await Search("\"linear algebra\"");
        Assert.NotEmpty(page.Items);
        Assert.Contains("linear algebra", page.Items[0].Title + " " + page.Items[0].Summary, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("words", page.MatchMode);
    }

    [Fact]
    public async Task SearchFindsLinearAlgebraByTypo()
    {
        var page = await Search("linar algebra");
        Assert.NotEmpty(page.Items);
        Assert.Contains(page.Items.Take(5), c => c.Title.Contains("Linear Algebra", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("linear algebra", page.CorrectedQuery);
    }

    [Fact]
    public async Task MinusWordExcludesCourses()
    {
        var all = await Search("statistics");
        var without = await Search("statistics -khan");
        Assert.Contains(all.Items, c => c.ProviderName.Contains("Khan", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(without.Items, c => c.ProviderName.Contains("Khan", StringComparison.OrdinalIgnoreCase));
        Assert.True(without.Total < all.Total);
    }

    [Fact]
    public async Task OrFindsEitherWord()
    {
        var a = await Search("bootcamp");
        var b = await Search("seminar");
        var either = await Search("bootcamp or seminar");
        Assert.True(either.Total >= Math.Max(a.Total, b.Total));
        Assert.True(either.Total > 0);
    }

    [Fact]
    public async Task TitleMatchesRankAboveBodyMatches()
    {
        await using (var db = fixture.Db.Context())
        {
            var provider = db.Providers.First();
            db.Courses.Add(new Course { Slug = "body-mention", Title = "Practical Statistics Primer", Provider = provider, Summary = "Includes a section on tensorcraft.", Price = 0, Currency = "USD", RatingCount = 90000 });
            db.Courses.Add(new Course { Slug = "title-mention", Title = "Tensorcraft Essentials", Provider = provider, Summary = "A short course.", Price = 0, Currency = "USD" });
            await db.SaveChangesAsync();
        }
        var page = await Search("tensorcraft");
        Assert.Equal(["title-mention", "body-mention"], page.Items.Select(c => c.Slug));
    }

    [Fact]
    public async Task FacetCountsMatchFilteredResults()
    {
        var all = await Search();
        var free = all.Facets.Single(f => f.Name == "price").Values.Single(v => v.Value == "free");
        var filtered = await Search(with: q => q with { Prices = [PriceFilter.Free] });
        Assert.Equal(free.Count, filtered.Total);
        Assert.All(filtered.Items, c => Assert.Equal(0m, c.Price));

        var online = all.Facets.Single(f => f.Name == "format").Values.Single(v => v.Value == "online");
        var both = await Search(with: q => q with { Formats = [CourseFormat.Online], Prices = [PriceFilter.Free] });
        Assert.True(both.Total <= Math.Min(online.Count, free.Count));
        Assert.All(both.Items, c => Assert.Equal(CourseFormat.Online, c.Format));
    }

    [Fact]
    public async Task EveryFacetIsPresentWithCounts()
    {
        var page = await Search();
        foreach (var name in new[] { "format", "price", "priceBand", "duration", "level", "provider", "skill", "language", "pacing" })
            Assert.Contains(page.Facets, f => f.Name == name && f.Values.Sum(v => v.Count) > 0);
        Assert.True(page.Facets.Single(f => f.Name == "provider").Values.Count >= 15, "the demo catalog has at least 15 providers");
    }

    [Fact]
    public async Task APaidCourseWithoutAListedPriceCountsAsPaidAndThePaidFilterFindsIt()
    {
        // Its own database: the course changes from free to paid, which the shared one's other tests should not see.
        await using var db = await TestDatabase.CreateAsync();
        var own = new CatalogSearch(ReadDatabase.PrimaryOnly(db.Source));
        static int Count(CatalogPage page, string value) =>
            page.Facets.Single(f => f.Name == "price").Values.SingleOrDefault(v => v.Value == value)?.Count ?? 0;
        var before = await own.SearchAsync(new CatalogQuery { PageSize = 100 });

        await db.ExecAsync("UPDATE courses SET price = NULL, paid_unlisted = true WHERE slug = 'khan-academy-linear-algebra'");
        var after = await own.SearchAsync(new CatalogQuery { PageSize = 100 });
        var paid = await own.SearchAsync(new CatalogQuery { PageSize = 100, Prices = [PriceFilter.Paid] });

        Assert.Equal((Count(before, "paid") + 1, Count(before, "free") - 1), (Count(after, "paid"), Count(after, "free")));
        Assert.Equal(Count(after, "paid"), paid.Total);
        var card = Assert.Single(paid.Items, c => c.Slug == "khan-academy-linear-algebra");
        Assert.Equal(((decimal?)null, true), (card.Price, card.PaidUnlisted));
    }

    [Fact]
    public async Task SkillFilterReturnsOnlyCoursesTeachingIt()
    {
        var page = await Search(with: q => q with { Skills = ["optimization"] });
        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, c => Assert.Contains("Optimization", string.Join(",", c.Skills), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task PriceSortIsAscendingWithUnknownPricesLast()
    {
        var page = await Search(with: q => q with { Sort = CatalogSort.Price });
        var prices = page.Items.Select(c => c.Price).ToList();
        var known = prices.TakeWhile(p => p is not null).ToList();
        Assert.Equal(known.OrderBy(p => p), known);
        Assert.All(prices.Skip(known.Count), p => Assert.Null(p));
    }

    [Fact]
    public async Task RatingSortPutsAManyReviewFourEightAboveAOneReviewFive()
    {
        await using (var db = fixture.Db.Context())
        {
            var provider = db.Providers.First();
            db.Courses.Add(new Course { Slug = "bayesprobe-one", Title = "Bayesprobe Lonely Five", Provider = provider, Rating = 5.0m, RatingCount = 1 });
            db.Courses.Add(new Course { Slug = "bayesprobe-many", Title = "Bayesprobe Crowd Favourite", Provider = provider, Rating = 4.8m, RatingCount = 10_000 });
            db.Courses.Add(new Course { Slug = "bayesprobe-none", Title = "Bayesprobe Unrated", Provider = provider });
            await db.SaveChangesAsync();
        }

        var page = await Search("bayesprobe", q => q with { Sort = CatalogSort.Rating });

        Assert.Equal(["bayesprobe-many", "bayesprobe-one", "bayesprobe-none"], page.Items.Select(c => c.Slug));
    }

    [Fact]
    public async Task PagingDoesNotRepeatCourses()
    {
        var first = await search.SearchAsync(new CatalogQuery { PageSize = 10, Page = 1 });
        var second = await search.SearchAsync(new CatalogQuery { PageSize = 10, Page = 2 });
        Assert.Equal(10, first.Items.Count);
        Assert.Empty(first.Items.Select(c => c.Slug).Intersect(second.Items.Select(c => c.Slug)));
        Assert.Equal(first.Total, second.Total);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("&")]
    [InlineData(":*")]
    [InlineData("\\")]
    [InlineData("'; DROP TABLE courses; --")]
    [InlineData("🧮 algebra")]
    [InlineData("!(&|)")]
    [InlineData("-")]
    public async Task HostileSearchTextNeverFails(string q)
    {
        var page = await Search(q);
        Assert.True(page.Total >= 0);
        Assert.True(await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM courses") > 0);
    }
}
