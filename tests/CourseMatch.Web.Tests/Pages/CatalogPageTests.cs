using System.Net;
using CourseMatch.Catalog;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Tests.Pages;

public class CatalogPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private readonly HttpClient http = app.CreateClient();

    /// <summary>Status, the raw HTML, and the parsed document (so assertions read text as a person would).</summary>
    private async Task<(HttpStatusCode Status, string Html, IDocument Doc)> Get(string url)
    {
        var response = await http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, html, new HtmlParser().ParseDocument(html));
    }

    [Fact]
    public async Task ACorrectedSearchSaysWhatItShowsAndOffersTheWordsAsTyped()
    {
        var (status, _, doc) = await Get("/courses?q=machne+lerning");
        Assert.Equal(HttpStatusCode.OK, status);
        var correction = doc.QuerySelector(".correction")!;
        Assert.Contains("Showing results for “machine learning”", correction.TextContent);
        var instead = correction.QuerySelector("a")!;
        Assert.Equal("“machne lerning”", instead.TextContent);
        Assert.Contains("verbatim=true", instead.GetAttribute("href"));

        var (_, _, asTyped) = await Get(instead.GetAttribute("href")!);
        Assert.DoesNotContain("Showing results for", asTyped.QuerySelector(".correction")?.TextContent ?? "");
        Assert.Equal("machne lerning", asTyped.QuerySelector("input[name=q]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task HomeSaysWhatCourseMatchIsAndOffersSearch()
    {
        var (status, _, doc) = await Get("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("machine learning", doc.QuerySelector("h1")!.TextContent);
        Assert.NotNull(doc.QuerySelector("form[action='/courses'][method=get] input[name=q]"));
        Assert.NotNull(doc.QuerySelector("a[href='/courses']"));
    }

    [Fact]
    public async Task CatalogRendersResultsWithoutJavaScript()
    {
        var (status, _, doc) = await Get("/courses?q=statistics&format=online");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(doc.QuerySelector("form#catalog[method=get]"));
        Assert.True(doc.QuerySelector("input[name=format][value=online]")!.HasAttribute("checked"));
        Assert.Matches(@"^(\d+ courses?|[\d,]+–[\d,]+ of [\d,]+\+? courses)$", doc.QuerySelector("#results-heading")!.TextContent);
        Assert.NotEmpty(doc.QuerySelectorAll("ol.cards article"));
    }

    [Fact]
    public async Task BadQueryStringShowsAMessageNamingEachParameter()
    {
        var (status, _, doc) = await Get("/courses?page=-1&pageSize=100000&format=teleport&sort=%5C&q=" + new string('a', 10_000));
        Assert.Equal(HttpStatusCode.OK, status);
        var named = doc.QuerySelectorAll(".notice li strong").Select(e => e.TextContent).ToList();
        Assert.Equal(["format", "page", "pageSize", "q", "sort"], named.Order());
    }

    [Theory]
    [InlineData("%22")]
    [InlineData("%26")]
    [InlineData("%3A*")]
    [InlineData("%5C")]
    [InlineData("%F0%9F%A7%AE")]
    public async Task HostileSearchTextStillRendersAPage(string q)
    {
        var (status, _, _) = await Get("/courses?q=" + q);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task SearchTextIsRenderedAsText()
    {
        var (_, html, doc) = await Get("/courses?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Equal("<script>alert(1)</script>", doc.QuerySelector("input#q")!.GetAttribute("value"));
    }

    [Fact]
    public async Task CoursePageShowsFactsAndRendersMarkdownSafely()
    {
        await using (var db = app.Db.Context())
        {
            db.Courses.Add(new Course
            {
                Slug = "markdown-probe", Title = "Markdown Probe", Provider = await db.Providers.FirstAsync(),
                Description = "**Bold claim** <script>alert('x')</script>", Price = 120, Currency = "EUR",
                Source = "https://example.org/probe", AsOf = new DateOnly(2026, 1, 2),
            });
            await db.SaveChangesAsync();
        }
        var (status, html, doc) = await Get("/courses/markdown-probe");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bold claim", doc.QuerySelector(".markdown strong")!.TextContent);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("<script>alert('x')</script>", doc.QuerySelector(".markdown")!.TextContent);
        Assert.Contains("€120 EUR", doc.QuerySelector(".facts-panel")!.TextContent);
        Assert.Contains("2 January 2026", doc.QuerySelector(".source")!.TextContent);
        Assert.NotNull(doc.QuerySelector("a[href='https://example.org/probe']"));
    }

    [Fact]
    public async Task CoursePageShowsRangesAndAPaidCourseWhosePriceIsNotListed()
    {
        await using (var db = app.Db.Context())
        {
            db.Courses.Add(new Course
            {
                Slug = "range-probe", Title = "Range Probe", Provider = await db.Providers.FirstAsync(),
                DurationWeeks = 6, DurationWeeksMax = 8, HoursPerWeek = 2, HoursPerWeekMax = 4, TotalHours = 1, TotalHoursMax = 2,
                PaidUnlisted = true, Currency = "USD",
            });
            await db.SaveChangesAsync();
        }

        var (status, _, doc) = await Get("/courses/range-probe");

        Assert.Equal(HttpStatusCode.OK, status);
        var facts = doc.QuerySelector(".facts-panel")!.TextContent;
        Assert.Contains("6–8 weeks · 2–4 h/week · 1–2 hours in all", facts);
        Assert.Contains("Paid (price not listed)", facts);
    }

    [Fact]
    public async Task UnknownCourseIsA404PageWithSearch()
    {
        var (status, _, doc) = await Get("/courses/not-a-real-course");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("We could not find that page", doc.QuerySelector("h1")!.TextContent);
        Assert.NotNull(doc.QuerySelector("form[role=search]"));
    }

    [Fact]
    public async Task CompareShowsCoursesSideBySideAndCapsAtThree()
    {
        await using var db = app.Db.Context();
        var slugs = await db.Courses.OrderBy(c => c.Id).Select(c => c.Slug).Take(4).ToListAsync();
        var (status, _, doc) = await Get($"/compare?c={string.Join(",", slugs)}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("the comparison shows the first 3", doc.QuerySelector(".notice")!.TextContent);
        var columns = doc.QuerySelectorAll("table.compare thead th a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(slugs.Take(3).Select(s => $"/courses/{s}"), columns);
    }

    [Fact]
    public async Task ComparePicksTravelWithEveryFilterAndPagerLink()
    {
        var (status, _, doc) = await Get("/courses?c=a,b&pageSize=2&page=2&format=online");
        Assert.Equal(HttpStatusCode.OK, status);

        var hidden = doc.QuerySelectorAll("form#catalog input[type=hidden][name=c]").Select(i => i.GetAttribute("value"));
        Assert.Equal(["a", "b"], hidden);
        var links = doc.QuerySelectorAll(".pager a, .facets a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Contains(links, l => l.Contains("page=3"));
        Assert.Contains(links, l => l.StartsWith("/courses") && !l.Contains("format="));
        // Pager links land on the results (#results); the picks are the last of the query string either way.
        Assert.All(links, l => Assert.EndsWith("c=a&c=b", l.Split('#')[0]));
        Assert.All(doc.QuerySelectorAll(".pager a").Select(a => a.GetAttribute("href")!), l => Assert.EndsWith("#results", l));
    }

    [Fact]
    public async Task ASingleResultReadsOneCourseAndOneRating()
    {
        await using (var db = app.Db.Context())
        {
            db.Courses.Add(new Course
            {
                Slug = "zygomorphic-probe", Title = "Zygomorphic Probe", Provider = await db.Providers.FirstAsync(),
                Rating = 4.5m, RatingCount = 1,
            });
            await db.SaveChangesAsync();
        }

        var (_, _, doc) = await Get("/courses?q=zygomorphic");

        Assert.Equal("1 course", doc.QuerySelector("#results-heading")!.TextContent);
        Assert.Contains("(1 rating)", doc.QuerySelector("ol.cards article")!.TextContent);
    }

    [Fact]
    public async Task APageOfAManyPageSearchShowsItsRange()
    {
        var (_, _, doc) = await Get("/courses?pageSize=2&page=2");
        Assert.Matches(@"^3–4 of [\d,]+ courses$", doc.QuerySelector("#results-heading")!.TextContent);
    }

    [Fact]
    public async Task TickedFormatKeepsTheOtherFormatsToTickWithTheirCountsInThePlainForm()
    {
        var (_, _, all) = await Get("/courses");
        var (_, _, online) = await Get("/courses?format=online");
        string Label(IDocument doc, string value) =>
            doc.QuerySelector($"input[name=format][value={value}]") is { } box ? doc.QuerySelector($"label[for='{box.Id}']")!.TextContent.Trim() : "(missing)";

        Assert.True(online.QuerySelector("input[name=format][value=online]")!.HasAttribute("checked"));
        Assert.False(online.QuerySelector("input[name=format][value=in-person]")!.HasAttribute("checked"));
        Assert.Equal(Label(all, "in-person"), Label(online, "in-person"));
        // The checkboxes are in the GET form: ticking In person too asks for both, without JavaScript.
        Assert.NotNull(online.QuerySelector("form#catalog[method=get] input[name=format][value=in-person]"));
        Assert.Equal("Filters (1)", online.QuerySelector("details.filters > summary")!.TextContent.Trim());
    }

    [Fact]
    public async Task APageBeyondTheLastResultSaysSoAndLinksBack()
    {
        var (status, _, doc) = await Get("/courses?page=40");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("no results on page 40", doc.QuerySelector(".empty")!.TextContent);
        Assert.StartsWith("/courses", doc.QuerySelector(".empty a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task UnknownPageIs404()
    {
        var (status, _, doc) = await Get("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("could not find", doc.QuerySelector("h1")!.TextContent);
    }
}
