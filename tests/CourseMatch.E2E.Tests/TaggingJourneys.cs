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
        // The queue holds exactly these five: proposals other journeys left are set aside as a newer run would.
        await db.SkillProposals.Where(p => p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Applied)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProposalStatus.Superseded));
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

    [Fact]
    public async Task AVisitorSeesThatACoursesSkillsAreInferredAndCoursesLikeIt()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var saved = await scope.ServiceProvider.GetRequiredService<CourseEditor>().SaveAsync(null, new CourseRecord
        {
            Slug = "inferred-journey-stats", Title = "Statistics with Python, Step by Step", Provider = "khan-academy", Kind = "course",
            Summary = "Descriptive statistics, sampling, confidence intervals and hypothesis tests, worked in Python notebooks.",
            Url = "https://example.test/inferred-journey-stats", Format = "online", Pacing = "self-paced", Price = "0", Currency = "USD",
            Level = "beginner", Language = "en", Status = "published",
        }, null, "journey@example.test");
        Assert.True(saved.IsSaved, string.Join("; ", saved.Errors));
        await using (var db = app.Db.Context())
        {
            // What the tagger writes when a proposal reaches the threshold (the tagger itself is measured in Core).
            var course = await db.Courses.Include(c => c.Skills).SingleAsync(c => c.Id == saved.Current!.Id);
            var skills = await db.Skills.Where(s => s.Slug == "statistics" || s.Slug == "python").ToDictionaryAsync(s => s.Slug, s => s.Id);
            course.Skills.Add(new Catalog.CourseSkill { SkillId = skills["statistics"], Level = 2 });
            course.Skills.Add(new Catalog.CourseSkill { SkillId = skills["python"], Level = 1 });
            (course.SkillsStatus, course.SkillsConfidence) = (Catalog.SkillsStatus.Inferred, 0.82m);
            await db.SaveChangesAsync();
        }

        var page = await app.NewPageAsync();
        await page.GotoAsync("/courses/inferred-journey-stats");
        await Expect(page.Locator(".skills-note.inferred")).ToContainTextAsync("Skills inferred from the description, not yet reviewed");
        await Expect(page.Locator("#teaches")).ToHaveTextAsync("Probably teaches");
        await Expect(page.Locator("section[aria-labelledby=teaches] li").First).ToContainTextAsync("Statistics to level 2 of 4");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("course-inferred.png"), FullPage = true });
        await page.AssertAccessibleAsync("a course with inferred skills and courses like it");
    }

    [Fact]
    public async Task AnImportedSchoolIsTaggedByATrainedTaggerAndTheAdminSeesProposalsAndTheTaggersScores()
    {
        // The real tagger, trained on the labelled set (most of a minute), over a file of untagged courses.
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var training = services.GetRequiredService<TaggerTraining>();
        var trained = await training.TrainAsync();
        Assert.True(trained.Promoted);
        Assert.Null(await training.SetThresholdAsync(trained.ModelId, 0.95)); // a careful admin: most proposals wait
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var (mapping, problem) = MappingDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixtures, "untagged-french-school.mapping.json")));
        Assert.Null(problem);
        await using (var stream = File.OpenRead(Path.Combine(fixtures, "untagged-french-school.csv")))
        {
            var file = await ImportFile.ReadAsync(stream, "untagged-french-school.csv");
            var imported = await services.GetRequiredService<CatalogImport>().CommitAsync(file, new ImportRequest { Mapping = mapping, CreateProviders = true }, "journey@example.test");
            Assert.True(imported.Committed);
        }
        var tagged = await services.GetRequiredService<CourseTagging>().TagAsync(new TagRequest { Feed = "ecole-numerique" });
        Assert.True(tagged.Ok, tagged.Problem);

        var page = await app.SignedInPageAsync(Roles.Admin);
        await page.GotoAsync("/admin/tagging?show=open");
        await BrowserApp.WaitForCircuitAsync(page);
        await Expect(page.Locator(".tagger")).ToContainTextAsync($"Tagger model {trained.ModelId} is active");
        var school = page.Locator("article.proposal").Filter(new() { HasText = "École Numérique Test" });
        await Expect(school).ToHaveCountAsync(tagged.Proposed);
        await Expect(school.Filter(new() { HasText = "Excel" })).ToContainTextAsync("Outside the taxonomy");
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-tagging.png"), FullPage = true });
        await page.AssertAccessibleAsync("review queue with a trained tagger's proposals");

        await page.GotoAsync("/admin/models?kind=tagger");
        await BrowserApp.WaitForCircuitAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Skill tagger");
        await Expect(page.Locator("body")).ToContainTextAsync(trained.Evaluation.Model.MicroF1.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-models-tagger.png"), FullPage = true });
        await page.AssertAccessibleAsync("the skill tagger's versions and scores");
    }

    private sealed record Card(ILocator Self)
    {
        public ILocator Button(string name) => Self.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
    }
}
