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
        await page.AssertAccessibleAsync("admin course list, searched");
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
        await page.AssertAccessibleAsync("course editor, bad price");

        await page.Locator("#price").FillAsync("0");
        await title.FillAsync(newTitle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.success")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync("course editor, saved");

        // The audit log names who changed what, with before and after.
        await page.GotoAsync($"/admin/audit?entity=Course&id={course.Id}");
        await WaitForCircuit(page);
        var entry = page.Locator("li.entry").First;
        await Expect(entry).ToContainTextAsync("Updated");
        await entry.GetByRole(AriaRole.Button, new() { Name = "Show changes" }).ClickAsync();
        await Expect(entry.Locator(".changes")).ToContainTextAsync(newTitle);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-audit.png") });
        await page.AssertAccessibleAsync("audit log, changes shown");

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
        await page.AssertAccessibleAsync("models page, learners out of range");
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
        await page.AssertAccessibleAsync("models page, new version promoted");

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
        await page.Locator("#row-filter").SelectOptionAsync("bad");
        var rows = page.Locator(".rows-grid tbody tr:has(.badge)");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator("td.line")).ToHaveTextAsync("3");
        await Expect(rows.Nth(0)).ToContainTextAsync("price");
        await Expect(rows.Nth(1).Locator("td.line")).ToHaveTextAsync("4");
        await Expect(rows.Nth(1)).ToContainTextAsync("skills");
        await Expect(page.Locator("#import")).ToBeDisabledAsync();
        await Expect(page.Locator("#import-hint")).ToContainTextAsync("Nothing is imported while a row is bad");
        await page.AssertAccessibleAsync("import dry run, two bad rows");

        Assert.Equal(before, await db.Courses.CountAsync());
        File.Delete(file);
    }

    [Fact]
    public async Task AdminMapsAMarketplaceFileWithConstantsAndAValueMapAndImportsItWithItsNewProvider()
    {
        // Semicolon-separated, as spreadsheets in many countries save CSV; the last row has the address of a course already in
        // the catalog: a possible duplicate.
        await using var db = app.Db.Context();
        var known = await db.Courses.Where(c => c.Url != null).OrderBy(c => c.Id).FirstAsync();
        var csv = string.Join("\n",
            "course_id;course_title;instructor_org;level;is_paid;price;content_hours;course_url",
            "nw-1001;Northwind Eigenvalue Sprint;Northwind;All Levels;True;20;1.5;",
            "nw-1002;Northwind Probability Warm-up;Northwind;Level 1;False;0;3;",
            "nw-1003;Northwind Gradient Descent Intensive;Northwind;All Levels;True;45;12;",
            $"nw-1004;Northwind Companion Notes;Northwind;All Levels;False;0;8;{known.Url}") + "\n";
        var file = Path.Combine(Path.GetTempPath(), $"northwind-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv);

        var page = await app.SignedInPageAsync(Roles.Admin);
        await page.GotoAsync("/admin/import");
        await WaitForCircuit(page);
        await page.Locator("#import-file").SetInputFilesAsync(file);
        await Expect(page.Locator("#file-message")).ToContainTextAsync("read as semicolon-separated CSV, 4 rows and 8 columns");

        // The feed, its id column, constants for what the file does not say, and a value map for how it writes levels.
        async Task Type(string selector, string text)
        {
            await page.Locator(selector).FillAsync(text);
            await page.Locator(selector).PressAsync("Tab");
        }
        await Type("#mapping-feed", "northwind");
        await page.Locator("#map-sourceId").SelectOptionAsync("column:course_id");
        await page.Locator("#map-title").SelectOptionAsync("column:course_title");
        await page.Locator("#map-url").SelectOptionAsync("column:course_url");
        await page.Locator("#map-provider").SelectOptionAsync("constant");
        await Type("#constant-provider", "Northwind Academy");
        await page.Locator("#map-currency").SelectOptionAsync("constant");
        await Type("#constant-currency", "USD");
        await page.Locator("#map-status").SelectOptionAsync("constant");
        await Type("#constant-status", "published");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^More fields") }).ClickAsync();
        await page.Locator("#map-totalHours").SelectOptionAsync("column:content_hours");
        await page.Locator("#values-toggle-level").ClickAsync();
        await page.Locator("#add-pair-level").ClickAsync();
        await Type("#from-level-0", "All Levels");
        await Type("#to-level-0", "all");
        await page.Locator("#add-pair-level").ClickAsync();
        await Type("#from-level-1", "Level 1");
        await Type("#to-level-1", "beginner");
        await Expect(page.Locator("tr[data-field=level] td.sample")).ToHaveTextAsync("all");
        await Expect(page.Locator("#mapping-problems .problems")).ToHaveCountAsync(0);
        await page.AssertAccessibleAsync("import mapping with constants and a value map");

        // The dry run names the provider the catalog lacks; its rows are bad until it is created with the import.
        await page.Locator("#check").ClickAsync();
        var newProvider = page.Locator("table.new-providers tbody tr");
        await Expect(newProvider).ToContainTextAsync("Northwind Academy");
        await Expect(newProvider).ToContainTextAsync("4");
        await Expect(page.Locator("#count-bad")).ToHaveTextAsync("4");
        await Expect(page.Locator("#import")).ToBeDisabledAsync();
        await page.Locator("#create-providers").CheckAsync();
        await Expect(page.Locator("#count-bad")).ToHaveTextAsync("0");
        await Expect(page.Locator("#count-creates")).ToHaveTextAsync("3");
        await Expect(page.Locator("#count-duplicates")).ToHaveTextAsync("1");
        await Expect(page.Locator("#opt-create-providers")).ToBeCheckedAsync();
        await Expect(page.Locator("ul.notes")).ToContainTextAsync("will not be recommended until their skills are known");
        await Expect(page.Locator(".rows-grid tbody tr:has(.badge.create)")).ToHaveCountAsync(3);

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-report").ClickAsync());
        Assert.EndsWith("-dry-run-report.csv", download.SuggestedFilename);
        var reportCsv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("Northwind Eigenvalue Sprint", reportCsv);
        Assert.StartsWith("line,action,slug,title", reportCsv.TrimStart('\uFEFF'));

        // The dry run, from its options to the import button (the mapping above it is a long table).
        var edges = await page.EvaluateAsync<float[]>(
            "() => [document.querySelector('section.options').getBoundingClientRect().top + scrollY, document.querySelector('section.commit').getBoundingClientRect().bottom + scrollY]");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-import.png"), FullPage = true, Clip = new() { X = 0, Y = edges[0] - 16, Width = 1280, Height = edges[1] - edges[0] + 32 } });
        await page.AssertAccessibleAsync("import dry run with a new provider and a possible duplicate");

        // The duplicate is left alone unless chosen otherwise; a choice waits for another check before the import.
        var duplicate = page.Locator(".rows-grid tbody tr:has(.badge.possible-duplicate)");
        await Expect(duplicate.Locator("td.line")).ToHaveTextAsync("5");
        await Expect(duplicate.Locator(".duplicate a")).ToHaveAttributeAsync("href", $"/courses/{known.Slug}");
        await Expect(page.Locator("#import")).ToHaveTextAsync("Import 3 new");
        await page.Locator("#choice-5").SelectOptionAsync("create");
        await Expect(page.Locator(".stale")).ToContainTextAsync("check again");
        await Expect(page.Locator("#import")).ToBeDisabledAsync();
        await page.Locator(".stale").GetByRole(AriaRole.Button, new() { Name = "Check again" }).ClickAsync();
        await Expect(page.Locator("#count-creates")).ToHaveTextAsync("4");
        await Expect(page.Locator("#choice-5")).ToHaveValueAsync("create");

        var import = page.Locator("#import");
        await Expect(import).ToHaveTextAsync("Import 4 new");
        await import.ClickAsync();
        await Expect(page.Locator("p.result.ok")).ToContainTextAsync("Imported", new() { Timeout = 60_000 });
        await Expect(page.Locator("#count-creates")).ToHaveTextAsync("4");
        var created = page.Locator("ul.created a", new() { HasText = "Northwind Eigenvalue Sprint" });
        await Expect(created).ToHaveAttributeAsync("href", new Regex("^/courses/northwind-eigenvalue-sprint"));
        await page.AssertAccessibleAsync("import done");

        // Published by the constant, under the new provider, with the level as the value map wrote it.
        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync("/courses?q=" + Uri.EscapeDataString("Northwind Eigenvalue"));
        await Expect(visitor.Locator("ol.cards article").First).ToContainTextAsync("Northwind Eigenvalue Sprint");
        await visitor.Locator("ol.cards article").First.GetByRole(AriaRole.Link, new() { Name = "Northwind Eigenvalue Sprint" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Northwind Eigenvalue Sprint");
        await Expect(visitor.Locator("main")).ToContainTextAsync("Northwind Academy");

        var course = await db.Courses.Include(c => c.Provider).SingleAsync(c => c.Title == "Northwind Eigenvalue Sprint");
        Assert.Equal(("Northwind Academy", Catalog.CourseLevel.All, Catalog.CourseStatus.Published, (decimal?)1.5m, (decimal?)20m, (string?)"USD"),
            (course.Provider.Name, course.Level, course.Status, course.TotalHours, course.Price, course.Currency));
        Assert.Equal(Catalog.CourseLevel.Beginner, (await db.Courses.SingleAsync(c => c.Title == "Northwind Probability Warm-up")).Level);
        Assert.True(await db.CourseSources.AnyAsync(s => s.Feed == "northwind" && s.ExternalKey == "nw-1001" && s.CourseId == course.Id));
        // Created as a separate course, as chosen; the stored one is untouched.
        Assert.NotEqual(known.Id, (await db.Courses.SingleAsync(c => c.Title == "Northwind Companion Notes")).Id);
        Assert.Equal(known.Title, (await db.Courses.AsNoTracking().SingleAsync(c => c.Id == known.Id)).Title);
        File.Delete(file);
    }

    [Fact]
    public async Task OnAPhoneAnAdminPreviewsAQuestionTriesItsAnswerAndCannotRetireAQuestionALevelNeeds()
    {
        var page = await app.SignedInPageAsync(Roles.Admin, width: 390, height: 844);
        await page.GotoAsync("/admin/skills/questions?skill=linear-algebra");
        await WaitForCircuit(page);
        await Expect(page.Locator("table.items tr.item")).ToHaveCountAsync(16);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the question list scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-questions-phone.png") });
        await page.AssertAccessibleAsync("the question list on a phone");

        // Every level has the four questions a check needs: retiring one is refused, and says why.
        var first = page.Locator("table.items tr.item").First;
        var key = await first.Locator("code").InnerTextAsync();
        await first.GetByRole(AriaRole.Button, new() { Name = $"Retire {key}" }).ClickAsync();
        await Expect(page.Locator(".notice[role=alert]")).ToContainTextAsync("would leave Linear algebra level 1 with 3 active items");
        await Expect(first).Not.ToHaveClassAsync(new Regex("retired"));

        await page.Locator("table.items tr.item", new() { Has = page.GetByText("linear-algebra-1-matrix-product-2x2", new() { Exact = true }) }).Locator("td.question a").ClickAsync();
        await WaitForCircuit(page);
        var preview = page.Locator("aside.preview");
        await Expect(preview.Locator(".prompt math").First).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the question editor scrolls sideways on a phone");
        await page.AssertAccessibleAsync("the question editor on a phone");
        var right = await page.Locator("input[name=right-answer]").EvaluateAllAsync<int>("rs => rs.findIndex(r => r.checked)");
        await preview.Locator("label.choice").Nth(right).ClickAsync();
        await preview.GetByRole(AriaRole.Button, new() { Name = "Answer", Exact = true }).ClickAsync();
        await Expect(preview.Locator(".try-result")).ToContainTextAsync("Right:");
        await preview.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-question-preview-phone.png") });
    }
}
