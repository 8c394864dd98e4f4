using System.Net;
using AngleSharp.Html.Parser;
using Bunit;
using CourseMatch.Accounts;
using CourseMatch.Tagging;
using CourseMatch.Web.Features.Admin.Tagging;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Tests.Admin;

/// <summary>One proposal in the review queue: what it shows and the decisions it sends, by mouse and by key.</summary>
public class ProposalCardTests : BunitContext
{
    private static readonly IReadOnlyList<TaggerSkill> Skills =
    [
        new("linear-algebra", "Linear algebra", []), new("calculus", "Calculus", []), new("python", "Python", []),
    ];

    private static QueueItem Item(ProposalStatus status = ProposalStatus.Pending, bool notEnoughText = false, string? summary = "Vectors and matrices.") =>
        new(41, 7, "matrix-methods", "Matrix Methods", "Example University", CourseMatch.Catalog.CourseStatus.Published, status, 0.734, 12,
            notEnoughText ? new Dictionary<string, LevelGuess>() : new() { ["linear-algebra"] = new(2, 0.81), ["python"] = new(1, 0.52) },
            notEnoughText ? new Dictionary<string, LevelGuess>() : new() { ["calculus"] = new(1, 0.44) }, 0.05, notEnoughText, summary);

    private (IRenderedComponent<ProposalCard> Card, List<ReviewDecision> Sent) RenderCard(QueueItem item)
    {
        var sent = new List<ReviewDecision>();
        var cut = Render<ProposalCard>(p => p.Add(x => x.Item, item).Add(x => x.Skills, Skills).Add(x => x.OnDecide, d => sent.Add(d)));
        return (cut, sent);
    }

    [Fact]
    public void ItShowsWhatTheTaggerProposesWithLevelsConfidencesAndReach()
    {
        var (cut, _) = RenderCard(Item());

        Assert.Equal("Matrix Methods", cut.Find("h2 a").TextContent);
        Assert.Equal("/admin/courses/7", cut.Find("h2 a").GetAttribute("href"));
        Assert.Equal("/courses/matrix-methods", cut.Find(".meta a").GetAttribute("href"));
        Assert.Contains("Waiting for review", cut.Find(".scores").TextContent);
        Assert.Contains("confidence 73%", cut.Find(".scores").TextContent);
        Assert.Contains("12 saved learners below its levels", cut.Find(".scores").TextContent);
        var skills = cut.FindAll(".skills dd").Select(d => d.TextContent).ToList();
        Assert.Equal(["Linear algebra to level 2 (81%), Python to level 1 (52%)", "Calculus to level 1 (44%)"], skills);
    }

    [Fact]
    public void MarkupInACoursesTextIsShownAsText()
    {
        var (cut, _) = RenderCard(Item(summary: "<img src=x onerror=alert(1)> Learn <b>vectors</b>"));

        Assert.Empty(cut.FindAll(".summary img"));
        Assert.Contains("<img src=x onerror=alert(1)>", cut.Find(".summary").TextContent);
    }

    [Fact]
    public void AcceptAndRejectSendTheirDecisionByClickAndByKey()
    {
        var (cut, sent) = RenderCard(Item(ProposalStatus.Applied));
        Assert.Contains("Applied as inferred", cut.Find(".scores").TextContent);

        cut.FindAll(".actions button").Single(b => b.TextContent == "Accept").Click();
        cut.Find("article").KeyDown(new KeyboardEventArgs { Key = "r" });
        cut.Find("article").KeyDown(new KeyboardEventArgs { Key = "a", CtrlKey = true }); // a browser shortcut, not a decision

        Assert.Equal([new ReviewDecision(41, ReviewAction.Accept, null), new ReviewDecision(41, ReviewAction.Reject, null)], sent);
    }

    [Fact]
    public void ACorrectionStartsFromTheProposalAndSendsTheLevelsChosen()
    {
        var (cut, sent) = RenderCard(Item());
        cut.Find("article").KeyDown(new KeyboardEventArgs { Key = "c" });

        Assert.Equal("2", cut.Find("#taught-41-linear-algebra").GetAttribute("value"));
        Assert.Equal("1", cut.Find("#required-41-calculus").GetAttribute("value"));
        cut.Find("#taught-41-python").Change("0");
        cut.Find("#taught-41-linear-algebra").Change("3");
        cut.Find("article").KeyDown(new KeyboardEventArgs { Key = "a" }); // typing in the form is not a shortcut
        cut.Find("form.correct").Submit();

        var decision = Assert.Single(sent);
        Assert.Equal(ReviewAction.Correct, decision.Action);
        Assert.Equal(new Dictionary<string, int> { ["linear-algebra"] = 3 }, decision.Corrected!.Taught);
        Assert.Equal(new Dictionary<string, int> { ["calculus"] = 1 }, decision.Corrected.Required);
    }

    [Fact]
    public void ACorrectionThatTeachesBelowWhatItExpectsIsRefusedNamingTheSkill()
    {
        var (cut, sent) = RenderCard(Item());
        cut.FindAll(".actions button").Single(b => b.TextContent.StartsWith("Correct")).Click();
        cut.Find("#taught-41-calculus").Change("1");
        cut.Find("#required-41-calculus").Change("3");
        cut.Find("form.correct").Submit();

        Assert.Empty(sent);
        Assert.Contains("Calculus: a course cannot teach a lower level (1) than it expects (3)", cut.Find("form.correct [role=alert]").TextContent);
    }

    [Fact]
    public void APossibleDuplicateFromAnotherSourceIsPointedOut()
    {
        var (cut, _) = RenderCard(Item() with { LooksLike = new LookAlike(3, "matrix-methods-mit", "Matrix Methods (MIT)", "MIT OpenCourseWare", null, 0.962) });

        var twin = cut.Find(".twin");
        Assert.Contains("Possibly the same course as Matrix Methods (MIT) (MIT OpenCourseWare, entered by hand; texts 96% alike)", System.Text.RegularExpressions.Regex.Replace(twin.TextContent, @"\s+", " "));
        Assert.Equal("/admin/courses/3", twin.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(RenderCard(Item()).Card.FindAll(".twin"));
    }

    [Fact]
    public void ACourseWithTooLittleTextCannotBeAcceptedAsProposed()
    {
        var (cut, sent) = RenderCard(Item(notEnoughText: true, summary: null));

        Assert.Contains("Not enough text", cut.Find(".verdict").TextContent);
        Assert.True(cut.FindAll(".actions button").Single(b => b.TextContent == "Accept").HasAttribute("disabled"));
        cut.Find("article").KeyDown(new KeyboardEventArgs { Key = "a" });
        Assert.Empty(sent);
    }
}

/// <summary>The review queue page as an admin opens it: proposals from the database, in the order asked for.</summary>
public class TaggingPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    /// <summary>Pending proposals for three published courses, with confidences and reaches in opposite orders.</summary>
    private async Task<List<string>> ProposeAsync()
    {
        await using var db = app.Db.Context();
        var courses = await db.Courses.Where(c => c.Status == CourseMatch.Catalog.CourseStatus.Published).OrderBy(c => c.Id).Take(3).ToListAsync();
        await db.SkillProposals.ExecuteDeleteAsync();
        for (var i = 0; i < courses.Count; i++)
            db.SkillProposals.Add(new SkillProposal
            {
                CourseId = courses[i].Id, Confidence = 0.9 - i * 0.2, Reach = 5 + i * 10, Status = ProposalStatus.Pending,
                Taught = new() { ["python"] = new(2, 0.9 - i * 0.2) },
            });
        await db.SaveChangesAsync();
        return courses.Select(c => c.Title).ToList();
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsync(string url)
    {
        var client = await app.SignedInClientAsync(Roles.Admin);
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProposalsAreListedByConfidenceOrByReachWithTheCounts()
    {
        var titles = await ProposeAsync();

        var byConfidence = await PageAsync("/admin/tagging");
        Assert.Equal("Skill review", byConfidence.QuerySelector("h1")!.TextContent);
        Assert.Equal(titles, byConfidence.QuerySelectorAll("article.proposal h2").Select(h => h.TextContent));
        Assert.Contains("3 proposals wait for review", byConfidence.QuerySelector("p.count")!.TextContent);
        Assert.Contains("No tagger model is active", byConfidence.QuerySelector(".tagger")!.TextContent);
        Assert.Empty(byConfidence.QuerySelectorAll("article.proposal [role=alert]"));

        var byReach = await PageAsync("/admin/tagging?order=reach");
        Assert.Equal(titles.AsEnumerable().Reverse(), byReach.QuerySelectorAll("article.proposal h2").Select(h => h.TextContent));
        Assert.Empty((await PageAsync("/admin/tagging?show=applied")).QuerySelectorAll("article.proposal"));
    }

    [Fact]
    public async Task WrongQueryValuesAreNamedAndTheQueueStillShows()
    {
        await ProposeAsync();

        var doc = await PageAsync("/admin/tagging?order=newest&show=%3Cb%3E&page=-2");
        var alerts = doc.QuerySelectorAll("[role=alert]").Select(a => a.TextContent).ToList();
        Assert.Contains("order: \"newest\" is not a sort; use confidence or reach.", alerts);
        Assert.Contains("show: \"<b>\" is not a list; use open, pending or applied.", alerts);
        Assert.Contains("page: \"-2\" is not a page number.", alerts);
        Assert.Equal(3, doc.QuerySelectorAll("article.proposal").Length);
    }
}
