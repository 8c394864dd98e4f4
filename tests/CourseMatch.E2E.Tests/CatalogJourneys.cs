using Microsoft.Playwright;

namespace CourseMatch.E2E;

[Collection(nameof(BrowserCollection))]
public class CatalogJourneys(BrowserApp app)
{
    [Fact]
    public async Task LearnerSearchesWithATypoAndStillFindsLinearAlgebra()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("home.png"), FullPage = true });
        await page.AssertAccessibleAsync("home");

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search courses" }).FillAsync("linar algebra");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/courses?q=linar*");

        await Assertions.Expect(page.Locator(".correction")).ToContainTextAsync("linear algebra");
        var titles = await page.Locator("ol.cards h3").AllInnerTextsAsync();
        Assert.Contains(titles.Take(5), t => t.Contains("Linear Algebra", StringComparison.OrdinalIgnoreCase));
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("catalog-search.png"), FullPage = false });
        await page.AssertAccessibleAsync("search corrected for a typo");
    }

    [Fact]
    public async Task LearnerAppliesTwoFacetsAndTheUrlKeepsThem()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/courses");
        var before = await page.Locator("#results-heading").InnerTextAsync();

        await page.GetByRole(AriaRole.Group, new() { Name = "Price", Exact = true }).GetByLabel("Free").CheckAsync();
        await page.WaitForURLAsync("**price=free*");
        await page.GetByRole(AriaRole.Group, new() { Name = "Level" }).GetByLabel("Beginner").CheckAsync();
        await page.WaitForURLAsync("**level=beginner*");

        Assert.Contains("price=free", page.Url);
        Assert.NotEqual(before, await page.Locator("#results-heading").InnerTextAsync());
        var prices = await page.Locator("ol.cards .price").AllInnerTextsAsync();
        Assert.NotEmpty(prices);
        Assert.All(prices, p => Assert.Equal("Free", p));
        Assert.True(await page.GetByRole(AriaRole.Group, new() { Name = "Level" }).GetByLabel("Beginner").IsCheckedAsync());
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("catalog.png"), FullPage = false });
        await page.AssertAccessibleAsync("two facets applied");

        // The filtered search is a link: opening it fresh shows the same thing.
        var again = await app.NewPageAsync();
        await again.GotoAsync(page.Url);
        Assert.Equal(await page.Locator("#results-heading").InnerTextAsync(), await again.Locator("#results-heading").InnerTextAsync());
    }

    [Fact]
    public async Task FiltersWorkWithJavaScriptOff()
    {
        var page = await app.NewPageAsync(javaScript: false);
        await page.GotoAsync("/courses");
        await page.GetByRole(AriaRole.Group, new() { Name = "Format" }).GetByLabel("In person").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await page.WaitForURLAsync("**format=in-person*");
        var badges = await page.Locator("ol.cards .badge").AllInnerTextsAsync();
        Assert.NotEmpty(badges);
        Assert.All(badges, b => Assert.Equal("In person", b));
        await page.AssertAccessibleWithoutJavaScriptAsync("filtered");

        // Values of one facet are alternatives: Online is still offered with its count, and ticking it widens the results.
        var inPersonOnly = await page.Locator("#results-heading").InnerTextAsync();
        var online = page.GetByRole(AriaRole.Group, new() { Name = "Format" }).GetByLabel("Online");
        Assert.Matches(@"\(\d+\)", await page.GetByRole(AriaRole.Group, new() { Name = "Format" }).Locator("label", new() { HasText = "Online" }).InnerTextAsync());
        await online.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await page.WaitForURLAsync("**format=online*");
        Assert.Contains("format=in-person", page.Url);
        badges = await page.Locator("ol.cards .badge").AllInnerTextsAsync();
        Assert.Contains("Online", badges);
        Assert.NotEqual(inPersonOnly, await page.Locator("#results-heading").InnerTextAsync());
    }

    [Fact]
    public async Task LearnerOpensACourseAndSeesWhatItTeachesAndExpects()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/courses?q=multivariable+calculus");
        var first = page.Locator("ol.cards h3 a").First;
        var title = await first.InnerTextAsync();
        await first.ClickAsync();
        await page.WaitForURLAsync("**/courses/*");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What it teaches" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What it expects you to know" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".facts-panel")).ToContainTextAsync("Price");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("course.png"), FullPage = true });
        await page.AssertAccessibleAsync("course page");
    }

    [Fact]
    public async Task LearnerComparesTwoCourses()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/courses?skill=statistics");
        var picks = page.Locator("ol.cards input[name=c]");
        await picks.Nth(0).CheckAsync();
        await picks.Nth(1).CheckAsync();
        var titles = await page.Locator("ol.cards h3").AllInnerTextsAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare selected" }).ClickAsync();
        await page.WaitForURLAsync("**/compare?*");

        var columns = await page.Locator("table.compare thead th").AllInnerTextsAsync();
        Assert.Equal(titles.Take(2), columns);
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "Price" })).ToBeVisibleAsync();

        // A third course: back to the catalog, where the first two stay picked.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add another course from the catalog" }).ClickAsync();
        await page.WaitForURLAsync("**/courses?c=*");
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search courses" }).FillAsync("convex optimization");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**q=convex*");
        var third = await page.Locator("ol.cards h3").First.InnerTextAsync();
        await page.Locator("ol.cards input[name=c]").First.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare selected" }).ClickAsync();
        await page.WaitForURLAsync("**/compare?*");
        columns = await page.Locator("table.compare thead th").AllInnerTextsAsync();
        Assert.Equal([third, .. titles.Take(2)], columns.OrderBy(c => c == third ? 0 : 1).ToList());
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("compare.png"), FullPage = true });
        await page.AssertAccessibleAsync("comparing three courses");
    }

    [Fact]
    public async Task CatalogIsUsableOnAPhone()
    {
        var page = await app.NewPageAsync(width: 390, height: 844);
        await page.GotoAsync("/courses");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page scrolls sideways on a phone ({width}px wide)");
        await Assertions.Expect(page.Locator("ol.cards article").First).ToBeVisibleAsync();
        // The filters fold behind one button, so the first result is on the first screen.
        var first = await page.Locator("ol.cards article").First.BoundingBoxAsync();
        Assert.True(first!.Y < 844, $"the first result starts at y = {first.Y}, below the first screen");
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Format" })).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("catalog-phone.png"), FullPage = false });
        await page.AssertAccessibleAsync("catalog on a phone");

        // Open the filters, tick one: the page comes back on the results, with the count of ticked filters on the button.
        await page.Locator("details.filters > summary").ClickAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Price", Exact = true }).GetByLabel("Free").CheckAsync();
        await page.WaitForURLAsync("**price=free*");
        Assert.EndsWith("#results", page.Url);
        await Assertions.Expect(page.Locator("details.filters > summary")).ToHaveTextAsync("Filters (1)");
        var heading = await page.Locator("#results-heading").BoundingBoxAsync();
        Assert.True(heading!.Y >= 0 && heading.Y < 200, $"after filtering the results heading is at y = {heading.Y}, not at the top of the screen");
        Assert.True(await page.EvaluateAsync<double>("window.scrollY") > 0, "after filtering the page is back at the top, not on the results");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("catalog-phone-filtered.png"), FullPage = false });
    }
}
