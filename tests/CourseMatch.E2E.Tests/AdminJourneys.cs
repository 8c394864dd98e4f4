using System.Text.RegularExpressions;
using CourseMatch.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CourseMatch.E2E;

[Collection(nameof(BrowserCollection))]
public class AdminJourneys(BrowserApp app)
{
    private static Task WaitForCircuit(IPage page) => BrowserApp.WaitForCircuitAsync(page);

    [Fact]
    public async Task AdminEditsACourseAndThePublicCatalogShowsTheChange()
    {
        await using var db = app.Db.Context();
        var course = await db.Courses.Where(c => c.Status == Catalog.CourseStatus.Published && c.Title.Contains("Linear Algebra")).OrderBy(c => c.Id).FirstAsync();
        var newTitle = course.Title + " (2027 edition)";

        var page = await app.SignedInPageAsync(Roles.Admin);
        await page.GotoAsync("/admin/courses");
        await WaitForCircuit(page);
        await page.GetByLabel("Search").FillAsync(course.Slug);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.total")).ToHaveTextAsync("1 course");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-courses.png") });
        await page.GetByRole(AriaRole.Link, new() { Name = course.Title, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/admin/courses/{course.Id}$"));
        await WaitForCircuit(page);

        var title = page.Locator("#title");
        await Expect(title).ToHaveValueAsync(course.Title);
        // A bad price is named beside its field and nothing is saved.
        await page.Locator("#price").FillAsync("-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.Locator("#price-error")).ToContainTextAsync("0");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-course-edit.png") });

        await page.Locator("#price").FillAsync("0");
        await title.FillAsync(newTitle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.success")).ToBeVisibleAsync();

        // The audit log names who changed what, with before and after.
        await page.GotoAsync($"/admin/audit?entity=Course&id={course.Id}");
        await WaitForCircuit(page);
        var entry = page.Locator("li.entry").First;
        await Expect(entry).ToContainTextAsync("Updated");
        await entry.GetByRole(AriaRole.Button, new() { Name = "Show changes" }).ClickAsync();
        await Expect(entry.Locator(".changes")).ToContainTextAsync(newTitle);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-audit.png") });

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync($"/courses/{course.Slug}");
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(newTitle);
        await visitor.GotoAsync("/courses?q=" + Uri.EscapeDataString("2027 edition"));
        await Expect(visitor.Locator("ol.cards article").First).ToContainTextAsync(newTitle);
    }

    [Fact]
    public async Task AdminTrainsAModelAndPromotesIt()
    {
        var page = await app.SignedInPageAsync(Roles.Admin);
        await page.GotoAsync("/admin/models");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ranking models" })).ToBeVisibleAsync();
        await WaitForCircuit(page);
        // A number out of range is named beside the field and nothing starts.
        await page.GetByLabel("Synthetic learners").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Train", Exact = true }).ClickAsync();
        await Expect(page.Locator("#learners-error")).ToContainTextAsync("50");
        await page.GetByLabel("Synthetic learners").FillAsync("300");
        var promoteIfBetter = page.GetByLabel("Promote it if it measures");
        if (await promoteIfBetter.IsCheckedAsync()) await promoteIfBetter.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Train", Exact = true }).ClickAsync();

        var outcome = page.Locator("p.outcome");
        await Expect(outcome).ToContainTextAsync("trained", new() { Timeout = 120_000 });
        await outcome.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator("#selected-title")).ToContainTextAsync("Candidate");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Promote version \\d+") }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Yes, promote version") }).ClickAsync();
        await Expect(page.Locator("p.result.done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("#selected-title")).ToContainTextAsync("Active");
        await Expect(page.Locator(".selected-version")).ToContainTextAsync("300 synthetic learners");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-models.png"), FullPage = true });

        await using var db = app.Db.Context();
        Assert.Equal(1, await db.ModelVersions.CountAsync(m => m.Status == Ranking.ModelStatus.Active));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Entity == "ModelVersion" && a.Action == "Promoted" && a.Actor.StartsWith("admin-")));
    }

    [Fact]
    public async Task AdminImportsAFileWithTwoBadRowsAndReadsTheReport()
    {
        var csv = string.Join("\n",
            "slug,title,provider,format,price,currency,skills",
            "e2e-import-one,Matrix Methods Evening Class,khan-academy,online,0,USD,linear-algebra:2",
            "e2e-import-two,Probability Crash Course,khan-academy,online,-10,USD,probability:2",
            "e2e-import-three,Optimisation Reading Group,khan-academy,online,0,USD,optimization:9",
            "e2e-import-four,Statistics Refresher,khan-academy,online,0,USD,statistics:1") + "\n";
        var file = Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv);
        await using var db = app.Db.Context();
        var before = await db.Courses.CountAsync();

        var page = await app.SignedInPageAsync(Roles.Admin);
        await page.GotoAsync("/admin/import");
        await WaitForCircuit(page);
        await page.Locator("#import-file").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check (dry run)" }).ClickAsync();

        await Expect(page.Locator("#count-bad")).ToHaveTextAsync("2");
        await Expect(page.Locator("#count-creates")).ToHaveTextAsync("2");
        var rows = page.Locator("table.bad-rows tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("3");
        await Expect(rows.Nth(0)).ToContainTextAsync("price");
        await Expect(rows.Nth(1)).ToContainTextAsync("4");
        await Expect(rows.Nth(1)).ToContainTextAsync("skills");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Import") })).ToBeDisabledAsync();
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-import.png"), FullPage = true });

        Assert.Equal(before, await db.Courses.CountAsync());
        File.Delete(file);
    }
}
