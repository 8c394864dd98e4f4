using Microsoft.Playwright;

namespace CourseMatch.E2E;

[Collection(nameof(BrowserCollection))]
public class MatchJourneys(BrowserApp app)
{
    private const string DraftKey = "coursematch.match.draft";

    /// <summary>The questionnaire is prerendered: a click before the circuit is up would be lost.</summary>
    private static Task WaitForCircuit(IPage page) => BrowserApp.WaitForCircuitAsync(page);

    private static Task Choose(IPage page, string inputId) => page.Locator($"label[for={inputId}]").ClickAsync();

    private static ILocator Heading(IPage page) => page.Locator("h1");

    [Fact]
    public async Task LearnerAnswersTheQuestionnaireGetsAPlanSharesItAndDismissesAPick()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/match");
        await WaitForCircuit(page);
        await Assertions.Expect(page.Locator(".progress .label")).ToContainTextAsync("Step 1 of 3");

        await Choose(page, "skill-linear-algebra-1");
        await Choose(page, "skill-calculus-1");
        await Choose(page, "skill-probability-1");
        await Choose(page, "skill-statistics-1");
        // Keyboard: arrows move within a skill's radio group.
        await page.Locator("#skill-python-0").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator("#skill-python-2")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#skill-linear-algebra-1")).ToBeCheckedAsync();
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("match.png") });
        await page.AssertAccessibleAsync("questionnaire step 1, skills rated");

        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Your goal");
        await Assertions.Expect(page.Locator(".progress .label")).ToContainTextAsync("Step 2 of 3");

        // Next without a goal is blocked, with the message beside the choice.
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(page.Locator(".error-summary")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#goal-error")).ToContainTextAsync("Choose the goal that fits you best");
        await page.AssertAccessibleAsync("questionnaire step 2, goal missing");
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Your goal");
        await Choose(page, "goal-career-switch");
        await Assertions.Expect(page.Locator("#goal-error")).ToBeEmptyAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("What fits your life");

        // Back keeps the answer.
        await page.GetByRole(AriaRole.Button, new() { Name = "Back" }).ClickAsync();
        await Assertions.Expect(page.Locator("#goal-career-switch")).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        await page.GetByLabel("Total you can spend").FillAsync("5000");
        await page.GetByLabel("Currency").SelectOptionAsync("USD");
        await Choose(page, "budget-flexible");
        await Choose(page, "format-any");
        await page.GetByLabel("Hours a week").FillAsync("0");
        await page.GetByLabel("Hours a week").PressAsync("Tab");
        await Assertions.Expect(page.Locator("#hours-error")).ToContainTextAsync("between 1 and 80");
        await page.AssertAccessibleAsync("questionnaire step 3, hours out of range");
        await page.GetByLabel("Hours a week").FillAsync("8");
        await page.GetByLabel("Hours a week").PressAsync("Tab");
        await Assertions.Expect(page.Locator("#hours-error")).ToBeEmptyAsync();
        await page.Locator("#city").FillAsync("New York");
        await page.Locator("#country").SelectOptionAsync("US");
        await page.Locator("#radius").FillAsync("80");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get my plan" }).ClickAsync();

        await page.WaitForURLAsync("**/plans/*");
        await Assertions.Expect(page.Locator("h2", new() { HasText = "Your learning path" })).ToBeVisibleAsync();
        await WaitForCircuit(page);
        var picks = await page.Locator("ol.picks h4").AllInnerTextsAsync();
        Assert.NotEmpty(picks);
        Assert.Equal(3, await page.Locator("section.track").CountAsync());
        await Assertions.Expect(page.Locator(".skills [role=img]")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("Linear algebra 1 now"));

        // Reactions are stored and shown.
        var first = page.Locator("ol.picks > li").First;
        await first.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(first.Locator("button.save")).ToContainTextAsync("Saved ✓");
        await first.GetByRole(AriaRole.Button, new() { Name = "Helpful", Exact = true }).ClickAsync();
        await Assertions.Expect(first.GetByRole(AriaRole.Button, new() { Name = "Helpful", Exact = true })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(first.Locator("button.save")).ToContainTextAsync("Saved ✓");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("plan.png"), FullPage = true });
        await page.AssertAccessibleAsync("plan with a saved and a helpful pick");

        // The share link, opened in a fresh browser context, shows the same plan.
        var shareUrl = await page.Locator(".share a.url").InnerTextAsync();
        var other = await app.NewPageAsync();
        await other.GotoAsync(shareUrl);
        await WaitForCircuit(other);
        Assert.Equal(picks, await other.Locator("ol.picks h4").AllInnerTextsAsync());

        // Dismissing a pick collapses it, and a reload shows it is stored.
        var victim = other.Locator("ol.picks > li:not(.dismissed)").Nth(1);
        var title = await victim.Locator("h4").InnerTextAsync();
        await victim.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        var note = other.Locator("ol.picks > li.dismissed", new() { HasText = title });
        await Assertions.Expect(note).ToBeVisibleAsync();
        await Assertions.Expect(note.Locator("p")).ToBeFocusedAsync();
        await other.AssertAccessibleAsync("shared plan with a dismissed pick");
        await other.ReloadAsync();
        await WaitForCircuit(other);
        await Assertions.Expect(other.Locator("ol.picks > li.dismissed", new() { HasText = title })).ToContainTextAsync("Dismissed");
        await Assertions.Expect(other.Locator("ol.picks > li").First.Locator("button.save")).ToContainTextAsync("Saved ✓");
    }

    [Fact]
    public async Task AReloadMidQuestionnaireKeepsTheAnswers()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/match");
        await WaitForCircuit(page);
        await Choose(page, "skill-optimization-3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Choose(page, "goal-academic");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("What fits your life");

        var before = await page.EvaluateAsync<string?>($"sessionStorage.getItem('{DraftKey}')");
        await page.GetByLabel("Hours a week").FillAsync("9");
        await page.GetByLabel("Hours a week").PressAsync("Tab");
        // The draft is written through the circuit; wait until the browser holds the new one.
        await page.WaitForFunctionAsync($"b => sessionStorage.getItem('{DraftKey}') !== b", before);

        await page.ReloadAsync();
        await WaitForCircuit(page);
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("What fits your life");
        await Assertions.Expect(page.GetByLabel("Hours a week")).ToHaveValueAsync("9");
        await page.GetByRole(AriaRole.Button, new() { Name = "Back" }).ClickAsync();
        await Assertions.Expect(page.Locator("#goal-academic")).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Back" }).ClickAsync();
        await Assertions.Expect(page.Locator("#skill-optimization-3")).ToBeCheckedAsync();
    }

    [Fact]
    public async Task AnUnknownCityIsExplainedBesideTheField()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/match");
        await WaitForCircuit(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Choose(page, "goal-curiosity");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Choose(page, "format-in-person");
        await page.Locator("#city").FillAsync("Lodnon");
        await page.Locator("#country").SelectOptionAsync("GB");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get my plan" }).ClickAsync();

        await Assertions.Expect(page.Locator("#city-error")).ToContainTextAsync("Lodnon");
        await Assertions.Expect(page.Locator("#city")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.AssertAccessibleAsync("questionnaire step 3, unknown city");
        Assert.EndsWith("/match", page.Url);
    }

    [Fact]
    public async Task QuestionnaireAndPlanFitAPhone()
    {
        var page = await app.NewPageAsync(width: 390, height: 844);
        await page.GotoAsync("/match");
        await WaitForCircuit(page);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the questionnaire scrolls sideways on a phone");
        await page.AssertAccessibleAsync("questionnaire step 1 on a phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Choose(page, "goal-upskill");
        // The goal's role is suggested; the learner aims at data analysis instead and drops machine learning.
        await Assertions.Expect(page.Locator("#target-role")).ToHaveValueAsync("ml-engineer");
        await page.GetByLabel("Aim at").SelectOptionAsync("data-analyst");
        await Assertions.Expect(page.Locator("#target-statistics")).ToHaveValueAsync("3");
        await page.Locator("#target-machine-learning").SelectOptionAsync("");
        await Assertions.Expect(page.Locator("#target-machine-learning-why")).ToHaveTextAsync("Left out of your plan.");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the target scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("match-target-phone.png"), FullPage = true });
        await page.AssertAccessibleAsync("questionnaire step 2 with a target, on a phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("What fits your life");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the constraints step scrolls sideways on a phone");
        await page.AssertAccessibleAsync("questionnaire step 3 on a phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get my plan" }).ClickAsync();
        await page.WaitForURLAsync("**/plans/*");
        await Assertions.Expect(page.Locator("h2", new() { HasText = "Your learning path" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("ol.picks li", new() { HasText = "(Data analyst)" }).First).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the plan scrolls sideways on a phone");
        await WaitForCircuit(page);
        await page.AssertAccessibleAsync("plan on a phone");
    }

    [Fact]
    public async Task AWhatIfShowsWhatABiggerBudgetWouldChangeAndKeepsItOnlyWhenAsked()
    {
        // A plan with a strict budget of nothing, in New York: no paid course, so the in-person track is empty.
        var page = await app.NewPageAsync();
        var made = await page.APIRequest.PostAsync("/api/recommendations", new()
        {
            DataObject = new
            {
                skills = new Dictionary<string, int> { ["python"] = 1, ["statistics"] = 1 },
                goal = "career-switch", hoursPerWeek = 6, format = "any",
                budget = new { amount = 0, currency = "USD", strict = true },
                location = new { city = "New York", country = "US", radiusKm = 50 },
            },
        });
        Assert.Equal(201, made.Status);
        var token = (await made.JsonAsync())!.Value.GetProperty("token").GetString()!;
        await page.GotoAsync($"/plans/{token}");
        await WaitForCircuit(page);
        await Assertions.Expect(page.Locator("section.track-inPerson .empty")).ToBeVisibleAsync();

        // A wrong value is named beside the field, and nothing is shown or kept.
        var panel = page.Locator("section.what-if");
        await panel.GetByLabel("Change").SelectOptionAsync("hours");
        await panel.GetByLabel("Hours a week").FillAsync("0");
        await panel.GetByRole(AriaRole.Button, new() { Name = "See what changes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#what-if-error")).ToContainTextAsync("Hours a week must be between 1 and 80.");
        await Assertions.Expect(panel.GetByLabel("Hours a week")).ToHaveAttributeAsync("aria-invalid", "true");

        await panel.GetByLabel("Change").SelectOptionAsync("budget");
        await panel.GetByLabel("Budget in USD").FillAsync("5000");
        await panel.GetByRole(AriaRole.Button, new() { Name = "See what changes" }).ClickAsync();
        var result = panel.Locator(".what-if-result");
        await Assertions.Expect(result.Locator(".summary")).ToContainTextAsync("With a budget of $5,000, ");
        var comeIn = result.Locator("section[aria-labelledby=what-if-inPerson] li.in");
        await Assertions.Expect(comeIn.First).ToContainTextAsync("it fits: it costs $");
        var title = await comeIn.First.Locator("a").InnerTextAsync();
        // The plan itself has not changed.
        await Assertions.Expect(page.Locator("section.track-inPerson .empty")).ToBeVisibleAsync();
        await page.Mouse.MoveAsync(0, 0);
        await panel.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("what-if.png") });
        await page.AssertAccessibleAsync("plan with a what-if result");

        await result.GetByRole(AriaRole.Button, new() { Name = "Keep this plan" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/plans/") && !url.EndsWith(token));
        await Assertions.Expect(page.Locator("section.track-inPerson h4", new() { HasText = title })).ToBeVisibleAsync();

        // The first plan is still there as it was.
        await page.GotoAsync($"/plans/{token}");
        await Assertions.Expect(page.Locator("section.track-inPerson .empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task OnAPhoneALearnerChecksTwoSkillsAcceptsOneKeepsTheOtherAndThePlanSaysMeasured()
    {
        var page = await app.NewPageAsync(width: 390, height: 844);
        await page.GotoAsync("/match");
        await WaitForCircuit(page);
        await Choose(page, "skill-linear-algebra-2");
        await Choose(page, "skill-calculus-3");

        // Linear algebra: the learner does not know the answers, and takes the suggestion.
        await page.GetByRole(AriaRole.Button, new() { Name = "Check my level in Linear algebra" }).ClickAsync();
        var check = page.Locator("section.check");
        await Assertions.Expect(check.Locator(".prompt")).ToBeVisibleAsync();
        await Assertions.Expect(check.Locator(".progress-note")).ToContainTextAsync("Question 1 of at most 6");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the check scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("check-phone.png"), FullPage = false });
        await page.AssertAccessibleAsync("a skills check question on a phone");
        // Answering without choosing is named beside the answer.
        await check.GetByRole(AriaRole.Button, new() { Name = "Answer", Exact = true }).ClickAsync();
        await Assertions.Expect(check.Locator(".field-error")).ToContainTextAsync("or choose \"I don't know\"");
        await DontKnowUntilDoneAsync(check);
        await Assertions.Expect(check.Locator(".result")).ToContainTextAsync("You said 2; the check suggests level 0");
        await Assertions.Expect(page.Locator("#skill-linear-algebra-0")).ToBeCheckedAsync();
        await page.AssertAccessibleAsync("a skills check result on a phone");

        // Calculus: the same answers, but the learner keeps their own 3.
        await page.GetByRole(AriaRole.Button, new() { Name = "Check my level in Calculus" }).ClickAsync();
        var second = page.Locator("section.check", new() { HasText = "Calculus" });
        await DontKnowUntilDoneAsync(second);
        var measured = page.Locator("fieldset.skill", new() { HasText = "Calculus" }).Locator(".measured");
        await measured.GetByRole(AriaRole.Button, new() { Name = "Keep my 3" }).ClickAsync();
        await Assertions.Expect(page.Locator("#skill-calculus-3")).ToBeCheckedAsync();
        await Assertions.Expect(measured.GetByRole(AriaRole.Button, new() { Name = "Keep my 3" })).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Locator("fieldset.skill", new() { HasText = "Linear algebra" }).Locator(".measured").ScrollIntoViewIfNeededAsync();
        await page.Locator("section.check", new() { HasText = "Calculus" }).ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("check-result-phone.png") });

        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Choose(page, "goal-academic");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("What fits your life");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get my plan" }).ClickAsync();
        await page.WaitForURLAsync("**/plans/*");
        await Assertions.Expect(page.Locator("ol.picks li", new() { HasText = "measured: level 0 in Linear algebra" }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("ol.picks li", new() { HasText = "measured: level" }).Filter(new() { HasText = "Calculus; measured" })).ToHaveCountAsync(0);
    }

    /// <summary>Says "I don't know" to every question until the check shows its result.</summary>
    private static async Task DontKnowUntilDoneAsync(ILocator check)
    {
        for (var i = 0; i < 6; i++)
        {
            if (await check.Locator(".result").CountAsync() > 0) return;
            var note = await check.Locator(".progress-note").InnerTextAsync();
            await check.GetByRole(AriaRole.Button, new() { Name = "I don't know" }).ClickAsync();
            // The next question (or the result) replaces this one.
            await Assertions.Expect(check.Locator(".progress-note, .result").First).Not.ToHaveTextAsync(note);
        }
        await Assertions.Expect(check.Locator(".result")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task HomeLeadsToTheQuestionnaire()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Get your learning plan" }).ClickAsync();
        await page.WaitForURLAsync("**/match");
        await WaitForCircuit(page);
        await Assertions.Expect(Heading(page)).ToHaveTextAsync("Your skills");
        await Assertions.Expect(page.Locator("fieldset.skill")).ToHaveCountAsync(8);
    }
}
