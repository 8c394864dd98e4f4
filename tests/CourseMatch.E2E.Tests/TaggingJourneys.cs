using CourseMatch.Accounts;
using CourseMatch.Curation;
using CourseMatch.Tagging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CourseMatch.E2E;

[Collection(nameof(BrowserCollection))]
public class TaggingJourneys(BrowserApp app)
{
    /// <summary>
    /// Five new courses without skills, each with a pending proposal. The proposals are written as the tagger writes them
    /// (training one here would take most of a minute; the tagger itself is measured in the Core tests): this journey is
    /// about the admin's review.
    /// </summary>
    private async Task<List<(string Slug, string Title)>> FiveProposalsAsync()
    {
        string[] titles = ["Python for Data Work", "Matrices in Practice", "Probability by Simulation", "Spreadsheet Formulas", "Calculus Refresher"];
        var courses = new List<(string Slug, string Title)>();
        await using var scope = app.Services.CreateAsyncScope();
        var editor = scope.ServiceProvider.GetRequiredService<CourseEditor>();
        foreach (var (title, i) in titles.Select((t, i) => (t, i)))
        {
            var slug = "review-journey-" + title.ToLowerInvariant().Replace(' ', '-');
            var saved = await editor.SaveAsync(null, new CourseRecord
            {
                Slug = slug, Title = title, Provider = "khan-academy", Kind = "course", Summary = $"{title}: short lessons with exercises.",
                Url = "https://example.test/" + slug, Format = "online", Pacing = "self-paced", Price = "0", Currency = "USD",
                Level = "beginner", Language = "en", Status = "published",
            }, null, "journey@example.test");
            Assert.True(saved.IsSaved, string.Join("; ", saved.Errors));
            courses.Add((slug, title));
        }
        await using var db = app.Db.Context();
        var ids = await db.Courses.Where(c => c.Slug.StartsWith("review-journey-")).ToDictionaryAsync(c => c.Slug, c => c.Id);
        Dictionary<string, LevelGuess>[] taught =
        [
            new() { ["python"] = new(2, 0.93) }, new() { ["linear-algebra"] = new(2, 0.88) }, new() { ["probability"] = new(2, 0.81) },
            new() { ["python"] = new(1, 0.42) }, new() { ["calculus"] = new(1, 0.35) },
        ];
        foreach (var (course, i) in courses.Select((c, i) => (c, i)))
            db.SkillProposals.Add(new SkillProposal
            {
                CourseId = ids[course.Slug], Status = ProposalStatus.Pending, Confidence = taught[i].Values.Max(t => t.Confidence), Reach = 3,
                Taught = taught[i], Required = i == 1 ? new() { ["calculus"] = new(1, 0.6) } : [],
            });
        await db.SaveChangesAsync();
        return courses;
    }

    [Fact]
    public async Task AdminReviewsFiveProposalsAndTheAcceptedSkillsShowOnTheCoursePage()
    {
        var courses = await FiveProposalsAsync();
        var page = await app.SignedInPageAsync(Roles.Admin);
        await page.GotoAsync("/admin/tagging");
        await BrowserApp.WaitForCircuitAsync(page);
        Card Of(int i) => new(page.Locator("article.proposal").Filter(new() { HasText = courses[i].Title }));

        await Expect(page.Locator("article.proposal")).ToHaveCountAsync(5);
        await Expect(page.Locator("article.proposal h2").First).ToHaveTextAsync(courses[0].Title);
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-tagging.png") });
        await page.AssertAccessibleAsync("review queue with five proposals");
        var phone = await app.SignedInPageAsync(Roles.Admin, width: 390, height: 844);
        await phone.GotoAsync("/admin/tagging");
        await Expect(phone.Locator("article.proposal")).ToHaveCountAsync(5);
        await phone.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-tagging-phone.png") });
        await phone.AssertAccessibleAsync("review queue on a phone");

        // Accept two: one with the mouse, one from the keyboard.
        await Of(0).Button("Accept").ClickAsync();
        await Expect(page.Locator("p.saved")).ToHaveTextAsync($"Accepted: {courses[0].Title}.");
        await Of(1).Self.FocusAsync();
        await page.Keyboard.PressAsync("a");
        await Expect(page.Locator("p.saved")).ToHaveTextAsync($"Accepted: {courses[1].Title}.");

        // Correct one: it teaches probability to level 1 and statistics to level 2, not what was proposed.
        await Of(2).Button("Correct…").ClickAsync();
        var form = page.Locator("form.correct");
        await form.GetByLabel("Probability: teaches to level").SelectOptionAsync("1");
        await form.GetByLabel("Statistics: teaches to level").SelectOptionAsync("2");
        await form.GetByLabel("Statistics: expects at least").SelectOptionAsync("3");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save correction" }).ClickAsync();
        await Expect(form.Locator("[role=alert]")).ToContainTextAsync("Statistics: a course cannot teach a lower level (2) than it expects (3)");
        await page.AssertAccessibleAsync("correction form with an error");
        await form.GetByLabel("Statistics: expects at least").SelectOptionAsync("0");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save correction" }).ClickAsync();
        await Expect(page.Locator("p.saved")).ToHaveTextAsync($"Corrected: {courses[2].Title}.");

        // Reject one: spreadsheet formulas are outside the taxonomy.
        await Of(3).Button("Reject").ClickAsync();
        await Expect(page.Locator("p.saved")).ToHaveTextAsync($"Rejected: {courses[3].Title}.");
        await Expect(page.Locator("article.proposal")).ToHaveCountAsync(1);
        await Expect(page.Locator("p.count")).ToContainTextAsync("1 proposal waits for review");
        await page.AssertAccessibleAsync("review queue after four decisions");

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync($"/courses/{courses[0].Slug}");
        await Expect(visitor.Locator("section[aria-labelledby=teaches] li")).ToContainTextAsync("Python programming to level 2 of 4");
        await visitor.GotoAsync($"/courses/{courses[1].Slug}");
        await Expect(visitor.Locator("section[aria-labelledby=teaches] li")).ToContainTextAsync("Linear algebra to level 2 of 4");
        await Expect(visitor.Locator("section[aria-labelledby=needs] li")).ToContainTextAsync("Calculus at level 1 or above");
        await visitor.AssertAccessibleAsync("course page with accepted skills and a prerequisite");
        await visitor.GotoAsync($"/courses/{courses[2].Slug}");
        await Expect(visitor.Locator("section[aria-labelledby=teaches] li")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Statistics to level 2 of 4"), new System.Text.RegularExpressions.Regex("Probability to level 1 of 4")]);
        await visitor.GotoAsync($"/courses/{courses[3].Slug}");
        await Expect(visitor.Locator("section[aria-labelledby=teaches] li")).ToHaveCountAsync(0);

        // Each decision stays with its proposal, a label for the next tagger.
        await using var db = app.Db.Context();
        var decided = await db.SkillProposals.Where(p => p.Course.Slug.StartsWith("review-journey-") && p.DecidedBy != null).Select(p => p.Status).ToListAsync();
        Assert.Equal([ProposalStatus.Accepted, ProposalStatus.Accepted, ProposalStatus.Corrected, ProposalStatus.Rejected], decided.Order());
    }

    private sealed record Card(ILocator Self)
    {
        public ILocator Button(string name) => Self.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
    }
}
