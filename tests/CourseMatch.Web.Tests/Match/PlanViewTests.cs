using CourseMatch.Catalog;
using Bunit;
using CourseMatch.Recommendations;
using CourseMatch.Web.Features.Match;

namespace CourseMatch.Web.Tests.Match;

public class PlanViewTests : BunitContext
{
    private static PlanItem Item(string slug, string track, int rank, params string[] reasons) => new(
        Slug: slug, Title: $"Course {slug}", Provider: "Provider", Rank: rank, Score: 1.0 / rank, Reasons: reasons, Track: track,
        Format: track == "inPerson" ? CourseFormat.InPerson : CourseFormat.Online, Price: track == "free" ? 0 : 100, Currency: "USD",
        FreeToAudit: false, PaidUnlisted: false, City: null, Country: null, Note: null, Pinned: false);

    private static PlanDocument Plan() => new()
    {
        Token = "tok", Ranker = "rubric", ModelVersion = null,
        Tracks = new PlanTracks(
            [],
            [Item("ml-online", "online", 1, "Teaches machine learning to level 3; you are at 1", "Within your $500 budget"), Item("stats-online", "online", 2, "Fits 6 hours a week")],
            [Item("khan-linear-algebra", "free", 1, "You meet its prerequisites")]),
        EmptyTracks = new Dictionary<string, string> { ["inPerson"] = "No in-person course within 50 km of London teaches what you still need." },
        Path = [Item("khan-linear-algebra", "free", 1), Item("stats-online", "online", 2), Item("ml-online", "online", 3)],
        Skills = [new("linear-algebra", "Linear algebra", 1, 3), new("python", "Python", 2, 2)],
    };

    private IRenderedComponent<PlanView> View(Dictionary<string, PickState>? feedback = null, Action<PickFeedback>? onFeedback = null, PlanDocument? plan = null) =>
        Render<PlanView>(p => p.Add(x => x.Plan, plan ?? Plan()).Add(x => x.ShareUrl, "https://example.test/plans/tok")
            .Add(x => x.Feedback, feedback ?? []).Add(x => x.OnFeedback, onFeedback ?? (_ => { })));

    [Fact]
    public void ShowsThreeTracksWithRankedPicksAndTheirReasons()
    {
        var cut = View();
        Assert.Equal(["In person", "Online", "Free"], cut.FindAll("section.track h3").Select(h => h.FirstChild!.TextContent.Trim()));

        var online = cut.FindAll(".track-online ol.picks > li");
        Assert.Equal(2, online.Count);
        Assert.Equal("/courses/ml-online", online[0].QuerySelector("h4 a")!.GetAttribute("href"));
        Assert.Equal(["Teaches machine learning to level 3; you are at 1", "Within your $500 budget"],
            online[0].QuerySelectorAll(".reasons li").Select(li => li.TextContent));
    }

    [Fact]
    public void APickThatIsPaidWithThePriceUnlistedSaysSo()
    {
        var plan = Plan() with { Tracks = new PlanTracks([], [Item("ml-online", "online", 1) with { Price = null, PaidUnlisted = true }], []) };
        var cut = View(plan: plan);
        Assert.Equal("Paid (price not listed)", cut.Find(".track-online .price").TextContent);
    }

    [Fact]
    public void AnEmptyTrackSaysWhy()
    {
        var cut = View();
        Assert.Empty(cut.FindAll(".track-inPerson ol"));
        Assert.Equal("No in-person course within 50 km of London teaches what you still need.", cut.Find(".track-inPerson .empty").TextContent);
    }

    [Fact]
    public void TheLearningPathKeepsItsOrder()
    {
        var cut = View();
        Assert.Equal(["Course khan-linear-algebra", "Course stats-online", "Course ml-online"],
            cut.FindAll("ol.path-list li a").Select(a => a.TextContent));
    }

    [Fact]
    public void TheChartIsAnImageWithItsNumbersInATable()
    {
        var cut = View();
        var chart = cut.Find(".bars[role=img]");
        Assert.Contains("Linear algebra 1 now, 3 after", chart.GetAttribute("aria-label"));
        var rows = cut.FindAll("figure table tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["Linear algebra", "1", "3"], rows[0].Children.Select(c => c.TextContent));
        Assert.Equal(["Python", "2", "2"], rows[1].Children.Select(c => c.TextContent));
        Assert.Contains("l3", cut.FindAll(".bar.reach")[0].ClassList);
    }

    [Fact]
    public void SaysWhichRankerRankedThePlanAndOffersItsLink()
    {
        var cut = View();
        Assert.Contains("Ranked by our rubric", cut.Find(".ranker").TextContent);
        Assert.Equal("https://example.test/plans/tok", cut.Find(".share a.url").TextContent);
        Assert.Equal("/match", cut.Find("a.again").GetAttribute("href"));
    }

    [Fact]
    public void StoredFeedbackShowsOnThePicks()
    {
        var cut = View(new()
        {
            ["ml-online"] = new PickState(Saved: true, Rating: "helpful"),
            ["stats-online"] = new PickState(Dismissed: true),
        });
        var first = cut.Find(".track-online ol.picks > li");
        Assert.Contains("Saved ✓", first.QuerySelector("button.save")!.TextContent);
        Assert.Equal("true", first.QuerySelector(".rating button")!.GetAttribute("aria-pressed"));
        var dismissed = cut.FindAll(".track-online ol.picks > li")[1];
        Assert.Contains("dismissed", dismissed.ClassList);
        Assert.Contains("Dismissed", dismissed.TextContent);
        Assert.Equal("Undo", Assert.Single(dismissed.QuerySelectorAll("button")).FirstChild!.TextContent.Trim());
    }

    [Fact]
    public void SavedAndDismissedPicksOfferAnUndoThatSendsItsKind()
    {
        var sent = new List<PickFeedback>();
        var cut = View(new()
        {
            ["ml-online"] = new PickState(Saved: true),
            ["stats-online"] = new PickState(Dismissed: true),
        }, sent.Add);

        Assert.Empty(cut.FindAll(".track-free button.undo")); // nothing to undo on a pick left alone
        cut.Find(".track-online ol.picks > li:nth-child(1) button.undo").Click();
        cut.Find(".track-online ol.picks > li:nth-child(2) button.undo").Click();

        Assert.Equal([new("ml-online", "unsaved"), new("stats-online", "undismissed")], sent);
        Assert.Contains("saving Course ml-online", cut.Find(".track-online ol.picks > li:nth-child(1) button.undo .visually-hidden").TextContent);
    }

    [Fact]
    public void ButtonsReportThePickAndTheKind()
    {
        var sent = new List<PickFeedback>();
        var cut = View(onFeedback: sent.Add);
        var pick = cut.Find(".track-free ol.picks > li");
        pick.QuerySelectorAll("button").Single(b => b.TextContent.Trim().StartsWith("Dismiss", StringComparison.Ordinal)).Click();
        cut.Find(".track-free ol.picks > li .rating button").Click();
        Assert.Equal([new("khan-linear-algebra", "dismissed"), new("khan-linear-algebra", "helpful")], sent);
    }

    [Fact]
    public void AnUndoFoldsBackToThePickLeftAlone()
    {
        var state = PickState.From(LearnerReaction.From([FeedbackKind.Saved, FeedbackKind.Dismissed, FeedbackKind.Unsaved, FeedbackKind.Undismissed, FeedbackKind.Helpful]));
        Assert.Equal(new PickState(Rating: "helpful"), state);
    }

    [Fact]
    public void FeedbackFoldsIntoTheStoredState()
    {
        var state = PickState.From(LearnerReaction.From([FeedbackKind.Saved, FeedbackKind.Helpful, FeedbackKind.NotHelpful]));
        Assert.Equal(new PickState(Saved: true, Dismissed: false, Rating: "not-helpful"), state);
    }
}
