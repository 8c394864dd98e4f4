using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CourseMatch.Tests.Catalog;

/// <summary>
/// The in-memory catalog index (ADR 0018) against PostgreSQL: the same totals, facet counts and pages as the SQL search
/// over a few thousand courses, and every kind of catalog write visible in the next search of an index loaded before it.
/// </summary>
public class CatalogIndexTests(SyntheticCatalogFixture fixture) : IClassFixture<SyntheticCatalogFixture>
{
    private static CatalogSearch Indexed(TestDb db) =>
        new(ReadDatabase.PrimaryOnly(db.Source), new CatalogIndex(ReadDatabase.PrimaryOnly(db.Source), NullLogger<CatalogIndex>.Instance));

    /// <summary>SQL counts every match while they fit the budget: a budget above the catalog makes it the exact reference.</summary>
    private CatalogSearch Sql() => new(ReadDatabase.PrimaryOnly(fixture.Db.Source), budget: new CountBudget(Exact: 1_000_000));

    private static async Task<(CatalogPage Page, bool UsedIndex)> SearchAsync(CatalogSearch search, CatalogQuery query)
    {
        var steps = new List<CatalogSearch.SearchStep>();
        var page = await search.SearchAsync(query, steps);
        return (page, steps.Any(s => s.Statement?.Sql.Contains("pg_current_snapshot") == true));
    }

    private static string Counts(CatalogPage page) => string.Join("; ", page.Facets.Select(f =>
        $"{f.Name}: {string.Join(", ", f.Values.OrderBy(v => v.Value, StringComparer.Ordinal).Select(v => $"{v.Value}={v.Count}{(v.Selected ? "*" : "")}"))}"));

    public static TheoryData<string?, string> Queries => new()
    {
        { null, "" }, { "data", "" }, { "bayesian optimization", "" }, { "wasserstein", "" }, { "learning", "format=online&format=in-person&level=advanced" },
        { "data", "price=free&language=en" }, { null, "priceBand=100-500&duration=10-50h&pacing=self-paced" }, { "python", "skill=python&provider=coursera" },
        { "data", "price=paid&priceBand=over-2000&level=beginner&level=intermediate" }, { "nosuchwordanywhere", "" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task TotalsFacetsAndPagesAreThoseOfTheSqlSearch(string? q, string filters)
    {
        var indexed = Indexed(fixture.Db);
        foreach (var sort in new[] { "price", "price-desc", "duration", "rating", "newest", "relevance" })
        {
            var pairs = System.Web.HttpUtility.ParseQueryString($"{filters}&sort={sort}&page=2&pageSize=15");
            var (query, errors) = CatalogQuery.Parse(name => pairs.GetValues(name) ?? []);
            Assert.Empty(errors);
            query = query with { Q = q, Verbatim = true };

            var (fromIndex, usedIndex) = await SearchAsync(indexed, query);
            var (fromSql, _) = await SearchAsync(Sql(), query);

            Assert.True(usedIndex, "the search should have been answered from the index");
            Assert.False(fromIndex.CountsAreEstimates);
            Assert.Equal(fromSql.Total, fromIndex.Total);
            Assert.Equal(Counts(fromSql), Counts(fromIndex));
            // "Best match" with words ranks by the index's own relevance (ADR 0018); every other order is the SQL's.
            if (sort != "relevance" || q is null)
                Assert.Equal(fromSql.Items.Select(c => c.Slug), fromIndex.Items.Select(c => c.Slug));
            else
                Assert.Equal(Math.Min(15, Math.Max(0, fromSql.Total - 15)), fromIndex.Items.Count);
        }
    }

    [Fact]
    public async Task BestMatchPutsCoursesWithTheWordsInTheTitleFirstAndPagesDoNotOverlap()
    {
        var indexed = Indexed(fixture.Db);
        var first = await indexed.SearchAsync(new CatalogQuery { Q = "clustering", Verbatim = true, PageSize = 10 });
        var second = await indexed.SearchAsync(new CatalogQuery { Q = "clustering", Verbatim = true, PageSize = 10, Page = 2 });
        var inTitle = await fixture.Db.ScalarAsync<long>(
            "SELECT count(*) FROM courses WHERE status = 'Published' AND title_vector @@ websearch_to_tsquery('english', 'clustering')");

        Assert.True(inTitle >= 10, $"the synthetic catalog should have at least 10 titles with 'clustering', has {inTitle}");
        Assert.All(first.Items, c => Assert.Contains("clustering", c.Title, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(first.Items.Select(c => c.Slug).Intersect(second.Items.Select(c => c.Slug)));
    }

    [Fact]
    public async Task EveryCatalogWriteIsInTheNextSearchOfAnIndexLoadedBeforeIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        var here = Indexed(db);
        var elsewhere = Indexed(db); // another instance, with its own index
        var before = await here.SearchAsync(new CatalogQuery());
        await elsewhere.SearchAsync(new CatalogQuery());
        var course = await db.ScalarAsync<string>("SELECT slug FROM courses WHERE status = 'Published' ORDER BY id LIMIT 1");

        // An edit: a new word in the title.
        await db.ExecAsync($"UPDATE courses SET title = title || ' Zyxwvut' WHERE slug = '{course}'");
        foreach (var search in new[] { here, elsewhere })
        {
            var (page, usedIndex) = await SearchAsync(search, new CatalogQuery { Q = "zyxwvut", Verbatim = true });
            Assert.True(usedIndex);
            Assert.Equal([course], page.Items.Select(c => c.Slug));
        }

        // Unpublished: gone from the results and the counts.
        await db.ExecAsync($"UPDATE courses SET status = 'Draft' WHERE slug = '{course}'");
        Assert.Equal(0, (await elsewhere.SearchAsync(new CatalogQuery { Q = "zyxwvut", Verbatim = true })).Total);
        Assert.Equal(before.Total - 1, (await here.SearchAsync(new CatalogQuery())).Total);

        // A new course, and its skills.
        await db.ExecAsync($"""
            INSERT INTO courses (slug, title, provider_id, kind, format, pacing, level, language, price, currency, status, certificate, free_to_audit, paid_unlisted, rating_count, created_at, skills_status, search_keywords)
            SELECT 'index-test-course', 'Quokka statistics', provider_id, kind, 'Online', pacing, level, 'pt', 42, 'USD', 'Published', false, false, false, 0, now(), skills_status, ''
            FROM courses WHERE slug = '{course}';
            INSERT INTO course_skills (course_id, skill_id, level) SELECT c.id, s.id, 2 FROM courses c, skills s WHERE c.slug = 'index-test-course' AND s.slug = 'probability';
            """);
        var added = await elsewhere.SearchAsync(new CatalogQuery { Q = "quokka", Verbatim = true, Languages = ["pt"], Skills = ["probability"] });
        Assert.Equal(["index-test-course"], added.Items.Select(c => c.Slug));
        Assert.Equal(1, added.Facets.Single(f => f.Name == "format").Values.Single(v => v.Value == "online").Count);

        // Its skill removed: the skill filter no longer finds it; a provider renamed: the facet says the new name.
        await db.ExecAsync("DELETE FROM course_skills WHERE course_id = (SELECT id FROM courses WHERE slug = 'index-test-course')");
        Assert.Equal(0, (await here.SearchAsync(new CatalogQuery { Q = "quokka", Verbatim = true, Skills = ["probability"] })).Total);
        await db.ExecAsync("UPDATE providers SET name = 'Renamed Provider' WHERE id = (SELECT provider_id FROM courses WHERE slug = 'index-test-course')");
        var renamed = await here.SearchAsync(new CatalogQuery { Q = "quokka", Verbatim = true });
        Assert.Equal("Renamed Provider", renamed.Facets.Single(f => f.Name == "provider").Values.Single().Label);

        // Emptied: loaded again, nothing found.
        await db.ExecAsync("TRUNCATE courses CASCADE");
        Assert.Equal(0, (await elsewhere.SearchAsync(new CatalogQuery())).Total);
    }
}
