using CourseMatch.Catalog;
using AngleSharp.Dom;
using Bunit;
using CourseMatch.Advising;
using CourseMatch.Recommendations;
using CourseMatch.Web.Features.Advisor;

namespace CourseMatch.Web.Tests.Advisor;

/// <summary>The advisor's plan editor as rendered from an <see cref="EditorPlan"/>: no database, only what it shows and asks for.</summary>
public class PlanEditorViewTests : BunitContext
{
    private const int Alpha = 11, Beta = 12, Gamma = 13, Delta = 14, Epsilon = 21;

    private static EditorItem Item(int id, string slug, Track track, int rank, int position, bool pinned = false, string? excludedReason = null,
        string? note = null, LearnerReaction? reaction = null) =>
        new(id, slug, $"Course {slug}", "Provider", track, rank, position, 1.0 / rank, pinned, excludedReason is not null, excludedReason, note,
            [$"Teaches what {slug} teaches"], CourseFormat.Online, 100m, "USD", false, false, null, null, reaction ?? LearnerReaction.None);

    /// <summary>
    /// Online: beta 1, alpha pinned at 2, gamma 3, and delta excluded; free: epsilon alone; in person: empty.
    /// Listed out of order so the view has to order them itself.
    /// </summary>
    private static EditorPlan Plan(string learner = "Sam", string? betaNote = null) => new(
        7, "tok", 42, learner, new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero), "rubric", null, 0, null,
        [
            Item(Delta, "delta", Track.Online, 3, 0, excludedReason: "Too expensive for them"),
            Item(Gamma, "gamma", Track.Online, 4, 3),
            Item(Alpha, "alpha", Track.Online, 1, 2, pinned: true),
            Item(Epsilon, "epsilon", Track.Free, 1, 1),
            Item(Beta, "beta", Track.Online, 2, 1, note: betaNote),
        ],
        new Dictionary<string, string> { ["inPerson"] = "You asked for online courses only." });

    private readonly List<PlanRequest> sent = [];

    private IRenderedComponent<PlanEditorView> View(EditorPlan plan, IReadOnlyDictionary<int, PickMessage>? messages = null) =>
        Render<PlanEditorView>(p => Parameters(p, plan, messages));

    private void Rerender(IRenderedComponent<PlanEditorView> cut, EditorPlan plan, IReadOnlyDictionary<int, PickMessage>? messages) =>
        cut.Render(p => Parameters(p, plan, messages));

    private void Parameters(ComponentParameterCollectionBuilder<PlanEditorView> p, EditorPlan plan, IReadOnlyDictionary<int, PickMessage>? messages) =>
        p.Add(x => x.Plan, plan).Add(x => x.ShareUrl, "https://example.test/plans/tok").Add(x => x.PrintUrl, "/advisor/learners/42/plans/7/print")
            .Add(x => x.Messages, messages).Add(x => x.OnRequest, (PlanRequest r) => sent.Add(r));

    private static IElement Pick(IRenderedComponent<PlanEditorView> cut, string slug) => cut.Find($"li.editor-pick[data-course={slug}]");

    private static IElement Button(IElement pick, string startsWith) =>
        pick.QuerySelectorAll("button").Single(b => b.TextContent.Trim().StartsWith(startsWith, StringComparison.Ordinal));

    /// <summary>The note draft as the textarea holds it (Blazor sets a bound textarea's value, not its text).</summary>
    private static string? Draft(IElement pick) =>
        pick.QuerySelector("textarea")!.GetAttribute("value") ?? pick.QuerySelector("textarea")!.TextContent;

    [Fact]
    public void AnEmptyTrackSaysWhichAnswerKeepsItEmpty()
    {
        var cut = Render<PlanEditorView>(p =>
        {
            Parameters(p, Plan(), null);
            p.Add(x => x.EmptyCauses, [new EmptyTrackCause("inPerson", ["Format: with in-person courses allowed, 3 courses would fill it."], "One answer keeps it empty.")]);
        });

        var track = cut.Find("section[aria-labelledby=editor-track-InPerson]");
        Assert.Contains("You asked for online courses only.", track.QuerySelector(".empty")!.TextContent);
        Assert.Equal("What keeps it empty. One answer keeps it empty.", track.QuerySelector(".binds p")!.TextContent.Trim());
        Assert.Equal("Format: with in-person courses allowed, 3 courses would fill it.", track.QuerySelector(".binds li")!.TextContent);
        // Tracks with picks say nothing of the kind.
        Assert.Single(cut.FindAll(".binds"));
    }

    [Fact]
    public void PicksAreInTheAdvisorsOrderWithExcludedOnesLastShowingTheirReasonAndRestore()
    {
        var cut = View(Plan());

        var online = cut.FindAll("#editor-track-Online ~ ol.editor-picks > li");
        Assert.Equal(["beta", "alpha", "gamma", "delta"], online.Select(li => li.GetAttribute("data-course")));
        var delta = online[3];
        Assert.Contains("excluded", delta.ClassList);
        Assert.Equal("Reason: Too expensive for them", delta.QuerySelector(".excluded-reason")!.TextContent.Trim());
        Assert.Equal("Restore Course delta", Button(delta, "Restore").TextContent.Trim());
        Assert.Empty(delta.QuerySelectorAll("button[aria-label^=Move]"));
        Assert.Contains("3 picks", cut.Find("#editor-track-Online").TextContent);
        Assert.Equal("You asked for online courses only.", cut.Find("#editor-track-InPerson ~ .empty").TextContent);
    }

    [Fact]
    public void ThePinnedPickSaysWhereItIsPinned()
    {
        var cut = View(Plan());

        Assert.Equal("Pinned at 2", Pick(cut, "alpha").QuerySelector(".pinned-tag")!.TextContent.Trim());
        Assert.Single(cut.FindAll(".pinned-tag"));
        Assert.Equal("Unpin Course alpha", Button(Pick(cut, "alpha"), "Unpin").TextContent.Trim());
    }

    [Fact]
    public void UpIsDisabledOnTheFirstPickAndDownOnTheLast()
    {
        var cut = View(Plan());
        bool Disabled(string slug, string direction) => Pick(cut, slug).QuerySelector($"button[aria-label='Move Course {slug} {direction}']")!.HasAttribute("disabled");

        Assert.True(Disabled("beta", "up"));
        Assert.False(Disabled("beta", "down"));
        Assert.False(Disabled("alpha", "up"));
        Assert.False(Disabled("alpha", "down"));
        Assert.False(Disabled("gamma", "up"));
        Assert.True(Disabled("gamma", "down"));
        // Alone in its track it can go nowhere.
        Assert.True(Disabled("epsilon", "up"));
        Assert.True(Disabled("epsilon", "down"));
    }

    [Fact]
    public void MovingAPickAsksForTheNextPlace()
    {
        var cut = View(Plan());

        Pick(cut, "alpha").QuerySelector("button[aria-label='Move Course alpha down']")!.Click();
        Pick(cut, "gamma").QuerySelector("button[aria-label='Move Course gamma up']")!.Click();

        Assert.Equal([new MoveRequest(Alpha, 3), new MoveRequest(Gamma, 2)], sent);
    }

    [Fact]
    public void ChoosingAPlaceAndPinningAsksToPinThePickThere()
    {
        var cut = View(Plan());

        Assert.Equal(["1", "2", "3"], Pick(cut, "gamma").QuerySelectorAll("select option").Select(o => o.GetAttribute("value")));
        Assert.Equal("Pin Course gamma", Button(Pick(cut, "gamma"), "Pin").TextContent.Trim());
        cut.Find("#pin-gamma").Change("1");
        Button(Pick(cut, "gamma"), "Pin").Click();

        Assert.Equal([new PinRequest(Gamma, 1)], sent);
    }

    [Fact]
    public void ExcludingAsksForAReasonAndSendsTheTypedOne()
    {
        var cut = View(Plan());
        Assert.Empty(cut.FindAll("#reason-beta"));

        Assert.Equal("Exclude… Course beta", Button(Pick(cut, "beta"), "Exclude…").TextContent.Trim());
        Button(Pick(cut, "beta"), "Exclude…").Click();
        Assert.Equal("Exclude Course beta", Pick(cut, "beta").QuerySelector("button.danger")!.TextContent.Trim());
        cut.Find("#reason-beta").Change("Covers what they already know");
        Pick(cut, "beta").QuerySelector("button.danger")!.Click();

        Assert.Equal([new ExcludeRequest(Beta, "Covers what they already know")], sent);
    }

    [Fact]
    public void AMessageAboutTheReasonShowsBesideTheReasonInput()
    {
        var cut = View(Plan());
        Button(Pick(cut, "beta"), "Exclude…").Click();
        Pick(cut, "beta").QuerySelector("button.danger")!.Click();
        Assert.Equal([new ExcludeRequest(Beta, "")], sent);

        Rerender(cut, Plan(), new Dictionary<int, PickMessage> { [Beta] = new("Say why this pick is excluded.", "reason") });

        var pick = Pick(cut, "beta");
        Assert.Contains("Say why this pick is excluded.", pick.QuerySelector("#reason-error-beta")!.TextContent);
        Assert.Equal("true", pick.QuerySelector("#reason-beta")!.GetAttribute("aria-invalid"));
        Assert.Equal("reason-error-beta", pick.QuerySelector("#reason-beta")!.GetAttribute("aria-describedby"));
        Assert.Empty(pick.QuerySelectorAll("p.error"));
    }

    [Fact]
    public void ANoteConflictShowsTheOtherNoteKeepsTheDraftAndSavingAgainStartsFromTheOtherNote()
    {
        var cut = View(Plan(betaNote: "Bring a laptop"));
        Assert.Equal("Bring a laptop", Draft(Pick(cut, "beta")));

        cut.Find("#note-beta").Input("Bring a laptop and a charger");
        Button(Pick(cut, "beta"), "Save note").Click();
        Assert.Equal([new NoteRequest(Beta, "Bring a laptop", "Bring a laptop and a charger")], sent);

        // The page answers as it does on a conflict: the plan reloaded with the other session's note, and the message.
        Rerender(cut, Plan(betaNote: "The lab is in room 4"), new Dictionary<int, PickMessage>
        {
            [Beta] = new("This note was changed in another session. Your text is kept below; compare and save again.", "note", "The lab is in room 4", Conflict: true),
        });

        var pick = Pick(cut, "beta");
        Assert.Equal("Saved in the other session: The lab is in room 4", pick.QuerySelector(".other-note")!.TextContent.Trim());
        Assert.Contains("changed in another session", pick.QuerySelector("#note-error-beta")!.TextContent);
        Assert.Equal("Bring a laptop and a charger", Draft(pick));

        Button(pick, "Save note").Click();
        Assert.Equal(new NoteRequest(Beta, "The lab is in room 4", "Bring a laptop and a charger"), sent[^1]);
    }

    [Fact]
    public void SaveNoteIsDisabledUntilTheNoteChanges()
    {
        var cut = View(Plan(betaNote: "Bring a laptop"));
        Assert.True(Button(Pick(cut, "beta"), "Save note").HasAttribute("disabled"));
        Assert.Equal("Save note on Course beta", Button(Pick(cut, "beta"), "Save note").TextContent.Trim());

        cut.Find("#note-beta").Input("Bring a laptop, and lunch");

        Assert.False(Button(Pick(cut, "beta"), "Save note").HasAttribute("disabled"));
    }

    [Fact]
    public void ALearnerNameAndANoteWithScriptTagsRenderAsText()
    {
        const string name = "<script>alert('name')</script>";
        const string note = "<script>alert('note')</script>";

        var cut = View(Plan(learner: name, betaNote: note));

        Assert.Empty(cut.FindAll("script"));
        Assert.Equal($"Plan for {name}", cut.Find("h1").TextContent);
        Assert.Equal($"Note for {name}", cut.Find("label[for=note-beta]").TextContent);
        Assert.Equal(note, Draft(Pick(cut, "beta")));
    }
}
