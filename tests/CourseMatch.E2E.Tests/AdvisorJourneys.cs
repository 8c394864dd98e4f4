using System.Text.RegularExpressions;
using CourseMatch.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CourseMatch.E2E;

[Collection(nameof(BrowserCollection))]
public class AdvisorJourneys(BrowserApp app)
{
    private static Task WaitForCircuit(IPage page) => BrowserApp.WaitForCircuitAsync(page);

    /// <summary>Radio cards hide the input itself; clicking its label is what a person does.</summary>
    private static Task Choose(IPage page, string id) => page.Locator($"label[for={id}]").ClickAsync();

    [Fact]
    public async Task AdvisorRunsASessionAndTheLearnerSeesTheAdjustedPlan()
    {
        var page = await app.SignedInPageAsync(Roles.Advisor);
        await page.GotoAsync("/advisor");
        await WaitForCircuit(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your learners" })).ToBeVisibleAsync();

        // A learner needs a name, and an email that is one; nothing is stored until both are right.
        await page.Locator("#learner-email").FillAsync("ana@");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add learner" }).ClickAsync();
        await Expect(page.Locator("#learner-name-error")).ToContainTextAsync("name or a pseudonym");
        await Expect(page.Locator("#learner-email-error")).ToContainTextAsync("not an email address");
        await page.AssertAccessibleAsync("advisor's learners, bad new learner");
        await page.GetByLabel("Name or pseudonym").FillAsync("Ana <b>Lovelace</b>");
        await page.Locator("#learner-email").FillAsync("ana@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add learner" }).ClickAsync();

        // The questionnaire of /match, all on one page.
        await Expect(page).ToHaveURLAsync(new Regex(@"/advisor/learners/\d+/answers$"));
        await WaitForCircuit(page);
        // Names are text, never markup.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ana <b>Lovelace</b>’s answers");
        await page.Locator("label[for=skill-python-2]").ClickAsync();
        await page.Locator("label[for=skill-linear-algebra-1]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save answers and make a plan" }).ClickAsync();
        await Expect(page.Locator("#goal-error")).ToContainTextAsync("Choose the goal");
        await page.AssertAccessibleAsync("learner's answers, goal missing");
        await Choose(page, "goal-upskill");
        await page.GetByLabel("Total you can spend").FillAsync("2000");
        await Choose(page, "format-online");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save answers and make a plan" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/advisor/learners/\d+/plans/\d+$"));
        await WaitForCircuit(page);
        var online = page.Locator("section.editor-track").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Online" }) });
        var picks = online.Locator("li.editor-pick");
        // The online track has at least three picks to adjust.
        await Expect(picks.Nth(2)).ToBeVisibleAsync();
        var second = await picks.Nth(1).GetAttributeAsync("data-course");
        var third = await picks.Nth(2).GetAttributeAsync("data-course");
        var secondTitle = await picks.Nth(1).Locator("h3").InnerTextAsync();
        var thirdTitle = await picks.Nth(2).Locator("h3").InnerTextAsync();

        // Pin the second pick to the top.
        var pick2 = online.Locator($"li[data-course='{second}']");
        await pick2.GetByLabel("Pin at").SelectOptionAsync("1");
        await pick2.GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = false }).First.ClickAsync();
        await Expect(picks.First).ToHaveAttributeAsync("data-course", second!);
        await Expect(pick2.Locator(".pinned-tag")).ToHaveTextAsync("Pinned at 1");

        // Exclude the third: a reason is required.
        var pick3 = online.Locator($"li[data-course='{third}']");
        await pick3.GetByRole(AriaRole.Button, new() { Name = "Exclude…" }).ClickAsync();
        await pick3.GetByRole(AriaRole.Button, new() { Name = "Exclude", Exact = false }).Last.ClickAsync();
        await Expect(pick3.Locator($"#reason-error-{third}")).ToContainTextAsync("Say why");
        await page.AssertAccessibleAsync("plan editor, exclusion without a reason");
        await pick3.GetByLabel("Why exclude it?").FillAsync("Too theoretical for her goal");
        await pick3.GetByRole(AriaRole.Button, new() { Name = "Exclude", Exact = false }).Last.ClickAsync();
        await Expect(pick3.Locator(".excluded-tag")).ToBeVisibleAsync();
        await Expect(pick3.Locator(".excluded-reason")).ToContainTextAsync("Too theoretical");

        // A note for the learner, rendered as text.
        await pick2.GetByLabel("Note for").FillAsync("Start here: <script>alert(1)</script> two evenings a week.");
        await pick2.GetByRole(AriaRole.Button, new() { Name = "Save note" }).ClickAsync();
        await Expect(pick2.GetByRole(AriaRole.Button, new() { Name = "Save note" })).ToBeDisabledAsync();
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("advisor-plan-editor.png"), FullPage = true });
        await page.AssertAccessibleAsync("plan editor, pinned, excluded and noted");

        // The print view lays out the adjusted plan with the note, without the excluded pick.
        var editorUrl = page.Url;
        await page.GotoAsync(editorUrl + "/print");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator(".print-plan")).ToContainTextAsync("Start here: <script>alert(1)</script> two evenings a week.");
        await Expect(page.Locator(".print-plan")).Not.ToContainTextAsync(thirdTitle);
        await Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("advisor-print.png"), FullPage = true });
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.AssertAccessibleAsync("print view");

        // The share link, opened by the learner without an account, shows the advisor's order and note.
        await page.GotoAsync(editorUrl);
        await WaitForCircuit(page);
        var share = await page.Locator(".share a.url").GetAttributeAsync("href");
        var learner = await app.NewPageAsync();
        await learner.GotoAsync(share!);
        var learnerOnline = learner.Locator("section.track-online");
        await Expect(learnerOnline.Locator("li.pick").First).ToContainTextAsync(secondTitle);
        await Expect(learnerOnline.Locator(".advisor-note")).ToContainTextAsync("two evenings a week");
        await Expect(learnerOnline).Not.ToContainTextAsync(thirdTitle);
        await WaitForCircuit(learner);
        await learnerOnline.Locator("li.pick").First.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = false }).ClickAsync();
        await Expect(learnerOnline.Locator("li.pick").First.Locator("button.save")).ToContainTextAsync("Saved");
        await learner.AssertAccessibleAsync("learner's shared plan with the advisor's note");

        // The advisor sees what the learner did.
        await page.GotoAsync(Regex.Replace(editorUrl, @"/plans/\d+$", ""));
        await WaitForCircuit(page);
        await Expect(page.Locator("ul.reactions")).ToContainTextAsync("saved");
        await Expect(page.Locator("ul.reactions")).ToContainTextAsync(secondTitle);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("advisor-learner.png"), FullPage = true });
        await page.AssertAccessibleAsync("advisor's learner page with reactions");

        // Her skills grew: new answers make a second plan, and the history says what changed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Update answers and plan again" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/answers$"));
        await WaitForCircuit(page);
        await Expect(page.Locator("#goal-upskill")).ToBeCheckedAsync();
        await page.Locator("label[for=skill-statistics-3]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save answers and make a plan" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/advisor/learners/\d+/plans/\d+$"));
        Assert.NotEqual(editorUrl, page.Url);
        await WaitForCircuit(page);
        // The course excluded last time stays out of the new plan.
        await Expect(page.Locator("section.editor-track").First).ToBeVisibleAsync();
        await Expect(page.Locator(".editor-tracks")).Not.ToContainTextAsync(thirdTitle);
        await page.GetByRole(AriaRole.Link, new() { Name = "Ana <b>Lovelace</b>" }).ClickAsync();
        await WaitForCircuit(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Compare with the one before" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("How Ana <b>Lovelace</b>’s plan changed");
        await Expect(page.Locator("table.answers")).ToContainTextAsync("level 0");
        await Expect(page.Locator("table.answers")).ToContainTextAsync("level 3");
        await Expect(page.Locator("table.picks-changes")).ToContainTextAsync("excluded earlier");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("advisor-compare.png"), FullPage = true });
        await page.AssertAccessibleAsync("plan history compared");

        // Another advisor gets a plain "not found" for this learner.
        var other = await app.SignedInPageAsync(Roles.Advisor);
        var response = await other.GotoAsync(Regex.Replace(editorUrl, @"/plans/\d+$", ""));
        Assert.Equal(404, response!.Status);
        await Expect(other.Locator("body")).Not.ToContainTextAsync("Lovelace");
        await other.AssertAccessibleAsync("another advisor's learner: not found");
    }

    [Fact]
    public async Task TheSameAdvisorOnTwoDevicesLosesNoAdjustment()
    {
        var (email, password) = await app.CreateUserAsync(Roles.Advisor);
        var laptop = await app.SignInAsync(email, password);
        await laptop.GotoAsync("/advisor");
        await WaitForCircuit(laptop);
        await laptop.GetByLabel("Name or pseudonym").FillAsync("Two-device learner");
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Add learner" }).ClickAsync();
        await Expect(laptop).ToHaveURLAsync(new Regex(@"/answers$"));
        await WaitForCircuit(laptop);
        await Choose(laptop, "goal-curiosity");
        await Choose(laptop, "format-online");
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Save answers and make a plan" }).ClickAsync();
        await Expect(laptop).ToHaveURLAsync(new Regex(@"/plans/\d+$"));
        await WaitForCircuit(laptop);

        var tablet = await app.SignInAsync(email, password);
        await tablet.GotoAsync(laptop.Url);
        await WaitForCircuit(tablet);

        ILocator Free(IPage p) => p.Locator("section.editor-track").Filter(new() { Has = p.GetByRole(AriaRole.Heading, new() { Name = "Free" }) }).Locator("li.editor-pick");
        await Expect(Free(laptop).Nth(2)).ToBeVisibleAsync();
        var first = await Free(laptop).Nth(0).GetAttributeAsync("data-course");
        var last = await Free(laptop).Last.GetAttributeAsync("data-course");

        // The tablet excludes the first free pick; the laptop, still showing the old plan, pins the last one to the top.
        var onTablet = tablet.Locator($"li[data-course='{first}']");
        await onTablet.GetByRole(AriaRole.Button, new() { Name = "Exclude…" }).ClickAsync();
        await onTablet.GetByLabel("Why exclude it?").FillAsync("Already did it at school");
        await onTablet.GetByRole(AriaRole.Button, new() { Name = "Exclude", Exact = false }).Last.ClickAsync();
        await Expect(onTablet.Locator(".excluded-tag")).ToBeVisibleAsync();

        var onLaptop = laptop.Locator($"li[data-course='{last}']");
        await onLaptop.GetByLabel("Pin at").SelectOptionAsync("1");
        await onLaptop.GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = false }).First.ClickAsync();

        // Both changes stand, and the laptop says the plan also changed elsewhere.
        await Expect(Free(laptop).First).ToHaveAttributeAsync("data-course", last!);
        await Expect(laptop.Locator($"li[data-course='{first}'] .excluded-tag")).ToBeVisibleAsync();
        await Expect(laptop.Locator(".plan-editor .notice")).ToContainTextAsync("another session");
        await laptop.AssertAccessibleAsync("plan editor told of a change in another session");
        // The tablet catches up on its own within a few seconds.
        await Expect(Free(tablet).First).ToHaveAttributeAsync("data-course", last!, new() { Timeout = 20_000 });
    }
}
