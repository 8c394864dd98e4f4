using CourseMatch.Advising;
using CourseMatch.Data;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CourseMatch.Tests.Advising.AdvisingTestData;

namespace CourseMatch.Tests.Advising;

public class PlanEditorTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private TestDb Db => fixture.Db;
    private PlanEditor PlanEditor => Db.Get<PlanEditor>();
    private AdvisorPlans AdvisorPlans => Db.Get<AdvisorPlans>();

    private sealed record Setup(string Advisor, int LearnerId, int PlanId, string Token, List<int> Online, List<int> Free);

    /// <summary>An advisor, a learner and one generated plan with five online and five free picks.</summary>
    private async Task<Setup> PlanAsync(string name)
    {
        var advisor = await AdvisorAsync(Db, name);
        var learner = await LearnerAsync(Db, advisor, $"Learner of {name}");
        var (plan, token) = await AdvisingTestData.PlanAsync(Db, advisor, learner.Id);
        var online = await TrackAsync(Db, plan, Track.Online);
        var free = await TrackAsync(Db, plan, Track.Free);
        Assert.Equal(5, online.Count);
        Assert.Equal(5, free.Count);
        return new(advisor, learner.Id, plan, token, online, free);
    }

    private async Task<PlanEditor.Result> Edit(Func<CourseMatchDb, Task<PlanEditor.Result>> call)
    {
        await using var db = Db.Context();
        return await call(db);
    }

    private static void Saved(PlanEditor.Result result) => Assert.True(result.Outcome == PlanEditor.Outcome.Saved, $"{result.Outcome} {result.Field}: {result.Message}");

    private async Task<List<Feedback>> FeedbackAsync(int planId)
    {
        await using var db = Db.Context();
        return await db.Feedback.AsNoTracking().Where(f => f.RecommendationId == planId).OrderBy(f => f.Id).ToListAsync();
    }

    private async Task<int> RevisionAsync(int planId)
    {
        await using var db = Db.Context();
        return await db.Recommendations.Where(r => r.Id == planId).Select(r => r.Revision).SingleAsync();
    }

    private static List<int> Without(List<int> order, int course) => [.. order.Where(c => c != course)];

    private static List<int> Insert(List<int> order, int course, int position)
    {
        var rest = Without(order, course);
        rest.Insert(position - 1, course);
        return rest;
    }

    [Fact]
    public async Task WhereThePlanTakesTheLearnerCountsOnlyThePicksTheyStillSee()
    {
        var s = await PlanAsync("reaches");
        await using (var db = Db.Context())
        {
            var before = (await Recommender(Db).LoadAsync(s.Token))!;
            Assert.Contains(before.Skills, k => k.Reaches > k.Now);
        }
        foreach (var course in s.Online.Concat(s.Free))
            Saved(await Edit(db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, course, "Not for this term")));
        await using (var db = Db.Context())
        {
            var none = (await Recommender(Db).LoadAsync(s.Token))!;
            Assert.Empty(none.Path);
            Assert.All(none.Skills, k => Assert.Equal(k.Now, k.Reaches));
        }
        Saved(await Edit(db => PlanEditor.RestoreAsync(s.Advisor, s.PlanId, s.Online[0])));
        await using (var db = Db.Context())
        {
            var one = (await Recommender(Db).LoadAsync(s.Token))!;
            Assert.Contains(one.Skills, k => k.Reaches > k.Now);
        }
    }

    [Fact]
    public async Task PinningMovesAPickToTheAskedPositionAndTheOthersKeepTheirOrder()
    {
        var s = await PlanAsync("pin");
        var pinned = s.Online[3];
        Saved(await Edit(db => PlanEditor.PinAsync(s.Advisor, s.PlanId, pinned, 2)));

        Assert.Equal(Insert(s.Online, pinned, 2), await TrackAsync(Db, s.PlanId, Track.Online));
        Assert.Equal(s.Free, await TrackAsync(Db, s.PlanId, Track.Free));
        var items = await ItemsAsync(Db, s.PlanId);
        Assert.Equal([pinned], items.Where(i => i.Pinned).Select(i => i.CourseId));
        Assert.Equal((4, 2), items.Where(i => i.CourseId == pinned).Select(i => (i.Rank, i.Position)).Single());

        await using var db = Db.Context();
        var learnerView = (await Recommender(Db).LoadAsync(s.Token))!;
        var shown = learnerView.Tracks.Online[1];
        Assert.True(shown.Pinned);
        Assert.Equal(2, shown.Rank);
        Assert.Equal(items.Single(i => i.CourseId == pinned).Course.Slug, shown.Slug);
        Assert.True(learnerView.Advised);
    }

    [Fact]
    public async Task PinnedPicksStayPutWhenAnotherPickIsMovedOrExcluded()
    {
        var s = await PlanAsync("pins-hold");
        var (pinned, moved, excluded) = (s.Online[4], s.Online[0], s.Online[1]);
        Saved(await Edit(db => PlanEditor.PinAsync(s.Advisor, s.PlanId, pinned, 2)));
        var afterPin = await TrackAsync(Db, s.PlanId, Track.Online);

        Saved(await Edit(db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, moved, 4)));
        var afterMove = await TrackAsync(Db, s.PlanId, Track.Online);
        Assert.Equal(pinned, afterMove[1]);
        Assert.Equal(moved, afterMove[3]);
        Assert.Equal(afterPin.Where(c => c != pinned && c != moved), afterMove.Where(c => c != pinned && c != moved));

        Saved(await Edit(db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, excluded, "Covers what she knows")));
        var afterExclude = await TrackAsync(Db, s.PlanId, Track.Online);
        Assert.Equal(4, afterExclude.Count);
        Assert.Equal(pinned, afterExclude[1]);
        Assert.Equal(afterMove.Where(c => c != pinned && c != excluded), afterExclude.Where(c => c != pinned));

        // Moving the pinned pick moves its pin; the pick moved onto its old place does not take the pin.
        Saved(await Edit(db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, pinned, 4)));
        var items = await ItemsAsync(Db, s.PlanId);
        Assert.Equal([(pinned, 4)], items.Where(i => i.Pinned).Select(i => (i.CourseId, i.Position)));
        Saved(await Edit(db => PlanEditor.UnpinAsync(s.Advisor, s.PlanId, pinned)));
        Assert.DoesNotContain(await ItemsAsync(Db, s.PlanId), i => i.Pinned);
        Assert.Equal(afterExclude.Count, (await TrackAsync(Db, s.PlanId, Track.Online)).Count);
    }

    [Fact]
    public async Task AnExclusionNeedsAReasonAndHidesThePickFromTheLearnerButNotFromTheAdvisorUntilRestored()
    {
        var s = await PlanAsync("exclude");
        await using var db = Db.Context();
        var before = (await Recommender(Db).LoadAsync(s.Token))!;
        var target = before.Path[0].Slug;
        var course = await db.Courses.Where(c => c.Slug == target).Select(c => c.Id).SingleAsync();
        var track = s.Online.Contains(course) ? Track.Online : Track.Free;

        foreach (var blank in new[] { null, "", "   " })
        {
            var refused = await Edit(x => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, course, blank));
            Assert.Equal((PlanEditor.Outcome.Invalid, "reason"), (refused.Outcome, refused.Field));
            Assert.StartsWith("Say why this pick is excluded", refused.Message);
        }
        var tooLong = await Edit(x => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, course, new string('r', 301)));
        Assert.Equal((PlanEditor.Outcome.Invalid, "reason", "The reason is 301 characters; keep it to 300."), (tooLong.Outcome, tooLong.Field, tooLong.Message));
        Assert.Empty(await FeedbackAsync(s.PlanId));

        const string because = "Already took it at university; ";
        var reason = "  " + because + new string('x', PlanEditor.MaxReason - because.Length) + "  ";
        Assert.Equal(300, reason.Trim().Length);
        Saved(await Edit(x => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, course, reason)));

        var learnerView = (await Recommender(Db).LoadAsync(s.Token))!;
        Assert.DoesNotContain(learnerView.Tracks.Online.Concat(learnerView.Tracks.Free), i => i.Slug == target);
        Assert.DoesNotContain(learnerView.Path, i => i.Slug == target);
        Assert.Equal(before.Path.Count - 1, learnerView.Path.Count);
        var shownTrack = track == Track.Online ? learnerView.Tracks.Online : learnerView.Tracks.Free;
        Assert.Equal([1, 2, 3, 4], shownTrack.Select(i => i.Rank));

        var advisorView = (await AdvisorPlans.LoadAsync(s.Advisor, s.LearnerId, s.PlanId))!;
        var excluded = advisorView.Items.Single(i => i.Slug == target);
        Assert.True(excluded.Excluded);
        Assert.Equal(reason.Trim(), excluded.ExcludedReason);
        Assert.Equal(target, advisorView.Track(track).Last().Slug);
        Assert.Equal(5, advisorView.Track(track).Count());

        // An excluded pick cannot be pinned or moved until restored.
        var pin = await Edit(x => PlanEditor.PinAsync(s.Advisor, s.PlanId, course, 1));
        Assert.Equal((PlanEditor.Outcome.Invalid, "position"), (pin.Outcome, pin.Field));

        Saved(await Edit(x => PlanEditor.RestoreAsync(s.Advisor, s.PlanId, course)));
        var restored = (await Recommender(Db).LoadAsync(s.Token))!;
        Assert.Equal(before.Tracks.Online.Select(i => i.Slug), restored.Tracks.Online.Select(i => i.Slug));
        Assert.Equal(before.Tracks.Free.Select(i => i.Slug), restored.Tracks.Free.Select(i => i.Slug));
        Assert.Equal(before.Path.Select(i => i.Slug), restored.Path.Select(i => i.Slug));
        var back = (await AdvisorPlans.LoadAsync(s.Advisor, s.LearnerId, s.PlanId))!.Items.Single(i => i.Slug == target);
        Assert.False(back.Excluded);
        Assert.Null(back.ExcludedReason);
    }

    [Fact]
    public async Task EveryAdjustmentIsOneFeedbackRowByTheAdvisorForTheModelThatRankedThePlan()
    {
        var s = await PlanAsync("feedback");
        int modelVersion;
        await using (var db = Db.Context())
        {
            var model = new ModelVersion { Status = ModelStatus.Retired };
            db.ModelVersions.Add(model);
            await db.SaveChangesAsync();
            modelVersion = model.Id;
        }
        await Db.ExecAsync($"UPDATE recommendations SET model_version_id = {modelVersion} WHERE id = {s.PlanId}");
        var (a, b, c) = (s.Online[2], s.Free[4], s.Online[0]);

        var steps = new (Func<CourseMatchDb, Task<PlanEditor.Result>> Call, FeedbackKind Kind, int? Position, string? Detail)[]
        {
            (db => PlanEditor.PinAsync(s.Advisor, s.PlanId, a, 1), FeedbackKind.AdvisorPinned, 1, null),
            (db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, b, 2), FeedbackKind.AdvisorReordered, 2, null),
            (db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, c, " Too advanced for now "), FeedbackKind.AdvisorExcluded, null, "Too advanced for now"),
            (db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, b, null, " Do the exercises. "), FeedbackKind.AdvisorNoted, null, "Do the exercises."),
            (db => PlanEditor.UnpinAsync(s.Advisor, s.PlanId, a), FeedbackKind.AdvisorUnpinned, 1, null),
            // Restored where the ranker put it (rank 1), as the pins allow.
            (db => PlanEditor.RestoreAsync(s.Advisor, s.PlanId, c), FeedbackKind.AdvisorRestored, 1, null),
        };
        for (var n = 0; n < steps.Length; n++)
        {
            Saved(await Edit(steps[n].Call));
            var rows = await FeedbackAsync(s.PlanId);
            Assert.Equal(n + 1, rows.Count);
            Assert.Equal(n + 1, await RevisionAsync(s.PlanId));
            var row = rows[^1];
            var (_, kind, position, detail) = steps[n];
            var course = new[] { a, b, c, b, a, c }[n];
            Assert.Equal((course, kind, position, detail), (row.CourseId, row.Kind, row.Position, row.Detail));
            Assert.Equal((s.Advisor, (int?)modelVersion), (row.Who, row.ModelVersionId));
        }

        await using (var db = Db.Context())
        {
            var plan = await db.Recommendations.AsNoTracking().SingleAsync(r => r.Id == s.PlanId);
            Assert.NotNull(plan.AdjustedAt);
            var profile = await db.LearnerProfiles.AsNoTracking().SingleAsync(p => p.Id == plan.ProfileId);
            Assert.All(await FeedbackAsync(s.PlanId), f => Assert.Equal(profile.Id, f.ProfileId));
        }

        // Changes that change nothing are not feedback.
        Saved(await Edit(db => PlanEditor.UnpinAsync(s.Advisor, s.PlanId, a)));
        var at = (await ItemsAsync(Db, s.PlanId)).Single(i => i.CourseId == b).Position;
        Saved(await Edit(db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, b, at)));
        Saved(await Edit(db => PlanEditor.RestoreAsync(s.Advisor, s.PlanId, c)));
        Saved(await Edit(db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, b, "Do the exercises.", "Do the exercises.")));
        Assert.Equal(steps.Length, (await FeedbackAsync(s.PlanId)).Count);
        Assert.Equal(steps.Length, await RevisionAsync(s.PlanId));
    }

    [Fact]
    public async Task PositionsOutsideTheTrackAndOverlongNotesAreRefusedWithTheAllowedRange()
    {
        var s = await PlanAsync("ranges");
        var course = s.Online[1];
        foreach (var position in new[] { 0, -1, 6 })
        {
            var pin = await Edit(db => PlanEditor.PinAsync(s.Advisor, s.PlanId, course, position));
            Assert.Equal((PlanEditor.Outcome.Invalid, "position", "Pin to a position from 1 to 5."), (pin.Outcome, pin.Field, pin.Message));
            var move = await Edit(db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, course, position));
            Assert.Equal((PlanEditor.Outcome.Invalid, "position", "Move to a position from 1 to 5."), (move.Outcome, move.Field, move.Message));
        }
        Saved(await Edit(db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, s.Online[0], "Not this one")));
        var shrunk = await Edit(db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, course, 5));
        Assert.Equal("Move to a position from 1 to 4.", shrunk.Message);
        Saved(await Edit(db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, course, 4)));

        var note = await Edit(db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, course, null, new string('n', 1001)));
        Assert.Equal((PlanEditor.Outcome.Invalid, "note", "The note is 1,001 characters; keep it to 1,000."), (note.Outcome, note.Field, note.Message));
        Saved(await Edit(db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, course, null, new string('n', 1000))));

        var unknown = await Edit(db => PlanEditor.PinAsync(s.Advisor, s.PlanId, -5, 1));
        Assert.Equal((PlanEditor.Outcome.NotFound, "course"), (unknown.Outcome, unknown.Field));
        Assert.Equal(3, (await FeedbackAsync(s.PlanId)).Count);
        Assert.Equal([1, 2, 3, 4], (await ItemsAsync(Db, s.PlanId)).Where(i => i.Track == Track.Online && !i.Excluded).Select(i => i.Position));
    }

    [Fact]
    public async Task ANoteWrittenOverOneTheWriterNeverSawIsAConflictCarryingTheOtherNote()
    {
        var s = await PlanAsync("notes");
        var course = s.Free[0];
        Saved(await Edit(db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, course, null, "Watch chapter 1 first.")));

        // The second tab opened the editor before that note existed.
        var stale = await Edit(db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, course, "", "Skip the videos."));
        Assert.Equal((PlanEditor.Outcome.Conflict, "note", "Watch chapter 1 first."), (stale.Outcome, stale.Field, stale.Current));
        Assert.Contains("another session", stale.Message);
        await using (var db = Db.Context())
            Assert.Equal("Watch chapter 1 first.", (await AdvisorPlans.LoadAsync(s.Advisor, s.LearnerId, s.PlanId))!.Items.Single(i => i.CourseId == course).Note);
        Assert.Single(await FeedbackAsync(s.PlanId));

        // Having seen it, they can replace it, and clearing a note is a change too.
        Saved(await Edit(db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, course, stale.Current, "Skip the videos.")));
        Saved(await Edit(db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, course, "Skip the videos.", "   ")));
        await using (var db = Db.Context())
        {
            Assert.Null((await Recommender(Db).LoadAsync(s.Token))!.Tracks.Free.Single(i => i.Rank == 1).Note);
            Assert.Equal([null, "Skip the videos.", "Watch chapter 1 first."], (await FeedbackAsync(s.PlanId)).Select(f => f.Detail).Reverse());
        }
    }

    [Fact]
    public async Task TwoSessionsAdjustingOnePlanAtOnceBothLand()
    {
        var s = await PlanAsync("concurrent");
        var (on, fr) = (s.Online, s.Free);
        var first = new (FeedbackKind Kind, Func<CourseMatchDb, Task<PlanEditor.Result>> Call)[]
        {
            (FeedbackKind.AdvisorPinned, db => PlanEditor.PinAsync(s.Advisor, s.PlanId, on[4], 1)),
            (FeedbackKind.AdvisorExcluded, db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, fr[0], "duplicate of the book")),
            (FeedbackKind.AdvisorReordered, db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, on[1], 4)),
            (FeedbackKind.AdvisorNoted, db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, fr[2], null, "first session")),
            (FeedbackKind.AdvisorExcluded, db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, on[2], "too expensive")),
        };
        var second = new (FeedbackKind Kind, Func<CourseMatchDb, Task<PlanEditor.Result>> Call)[]
        {
            (FeedbackKind.AdvisorExcluded, db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, on[0], "already done")),
            (FeedbackKind.AdvisorPinned, db => PlanEditor.PinAsync(s.Advisor, s.PlanId, fr[4], 1)),
            // Place 4, which fr[1] can never already hold (a move onto its own place is a no-op and writes nothing).
            (FeedbackKind.AdvisorReordered, db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, fr[1], 4)),
            (FeedbackKind.AdvisorExcluded, db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, fr[3], "not in English")),
            (FeedbackKind.AdvisorPinned, db => PlanEditor.PinAsync(s.Advisor, s.PlanId, on[3], 2)),
        };

        // Each session keeps its own context for all its edits, as a long-lived editor would.
        async Task<List<PlanEditor.Result>> Session((FeedbackKind, Func<CourseMatchDb, Task<PlanEditor.Result>> Call)[] edits)
        {
            await using var db = Db.Context();
            var results = new List<PlanEditor.Result>();
            foreach (var edit in edits) results.Add(await edit.Call(db));
            return results;
        }
        var outcomes = await Task.WhenAll(Session(first), Session(second));
        Assert.All(outcomes.SelectMany(o => o), Saved);

        var rows = await FeedbackAsync(s.PlanId);
        Assert.Equal(10, rows.Count);
        Assert.Equal(first.Concat(second).Select(e => e.Kind).Order(), rows.Select(r => r.Kind).Order());
        Assert.Equal(10, await RevisionAsync(s.PlanId));

        var items = await ItemsAsync(Db, s.PlanId);
        Assert.Equal(new[] { fr[0], on[2], on[0], fr[3] }.Order(), items.Where(i => i.Excluded).Select(i => i.CourseId).Order());
        Assert.All(items.Where(i => i.Excluded), i => Assert.Equal(0, i.Position));
        foreach (var track in new[] { Track.Online, Track.Free })
            Assert.Equal([1, 2, 3], items.Where(i => i.Track == track && !i.Excluded).Select(i => i.Position).Order());
        Assert.Equal(new[] { on[4], on[3], fr[4] }.Order(), items.Where(i => i.Pinned).Select(i => i.CourseId).Order());
        Assert.Equal("first session", items.Single(i => i.CourseId == fr[2]).Note);
        // Pins on different places keep them, and the move lands behind them, whatever order the edits came in.
        Assert.Equal([on[4], on[3], on[1]], items.Where(i => i.Track == Track.Online && !i.Excluded).OrderBy(i => i.Position).Select(i => i.CourseId));
        Assert.Equal(1, items.Single(i => i.CourseId == fr[4]).Position);
    }

    [Fact]
    public async Task ManySessionsAdjustingOnePlanAtOnceLoseNothing()
    {
        var s = await PlanAsync("burst");
        var (on, fr) = (s.Online, s.Free);
        // Every edit is valid whatever order they land in: pins stay within the shortest the track can get.
        var edits = new Func<CourseMatchDb, Task<PlanEditor.Result>>[]
        {
            db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, on[0], $"reason {on[0]}"),
            db => PlanEditor.NoteAsync(s.Advisor, s.PlanId, on[1], null, "in the burst"),
            db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, on[2], $"reason {on[2]}"),
            db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, on[3], 1),
            db => PlanEditor.PinAsync(s.Advisor, s.PlanId, on[4], 1),
            db => PlanEditor.PinAsync(s.Advisor, s.PlanId, fr[0], 3),
            db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, fr[1], $"reason {fr[1]}"),
            db => PlanEditor.PinAsync(s.Advisor, s.PlanId, fr[2], 2),
            db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, fr[3], $"reason {fr[3]}"),
            db => PlanEditor.PinAsync(s.Advisor, s.PlanId, fr[4], 1),
        };
        var results = await Task.WhenAll(edits.Select(async edit => { await using var db = Db.Context(); return await edit(db); }));

        Assert.All(results, Saved);
        var items = await ItemsAsync(Db, s.PlanId);
        Assert.Equal(new[] { on[0], on[2], fr[1], fr[3] }.Order(), items.Where(i => i.Excluded).Select(i => i.CourseId).Order());
        Assert.All(items.Where(i => i.Excluded), i => Assert.Equal($"reason {i.CourseId}", i.ExcludedReason));
        Assert.Equal(10, (await FeedbackAsync(s.PlanId)).Count);
        Assert.Equal(10, await RevisionAsync(s.PlanId));
        Assert.Equal([1, 2, 3], items.Where(i => i.Track == Track.Online && !i.Excluded).Select(i => i.Position).Order());
        // Pins on different places keep them whatever landed first.
        Assert.Equal([fr[4], fr[2], fr[0]], items.Where(i => i.Track == Track.Free && !i.Excluded).OrderBy(i => i.Position).Select(i => i.CourseId));
        Assert.Equal([1, 2, 3], items.Where(i => i.Track == Track.Free && !i.Excluded).Select(i => i.Position));
        Assert.Equal("in the burst", items.Single(i => i.CourseId == on[1]).Note);
    }

    [Fact]
    public async Task CoursesExcludedForALearnerStayOutOfTheirNextPlanButNotOfAnotherLearners()
    {
        var s = await PlanAsync("stays-out");
        var (excluded, restored) = (s.Online[0], s.Free[0]);
        Saved(await Edit(db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, excluded, "She has the certificate already")));
        Saved(await Edit(db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, restored, "Maybe later")));
        Saved(await Edit(db => PlanEditor.RestoreAsync(s.Advisor, s.PlanId, restored)));

        var (next, _) = await AdvisingTestData.PlanAsync(Db, s.Advisor, s.LearnerId);
        var nextCourses = (await ItemsAsync(Db, next)).Select(i => i.CourseId).ToList();
        Assert.DoesNotContain(excluded, nextCourses);
        Assert.Contains(restored, nextCourses);
        Assert.Equal(s.Online.Skip(1), (await TrackAsync(Db, next, Track.Online)).Take(4));

        var other = await LearnerAsync(Db, s.Advisor, "Same answers, other learner");
        var (theirs, _) = await AdvisingTestData.PlanAsync(Db, s.Advisor, other.Id);
        Assert.Equal(s.Online, await TrackAsync(Db, theirs, Track.Online));
    }

    [Fact]
    public async Task AnAdjustedPlanBecomesATrainingGroupGradedFromWhereThePlanStandsNow()
    {
        var s = await PlanAsync("labels");
        var (pinned, unpinned, excluded, movedUp, saved) = (s.Online[4], s.Online[3], s.Free[0], s.Free[4], s.Free[1]);
        Saved(await Edit(db => PlanEditor.PinAsync(s.Advisor, s.PlanId, pinned, 1)));
        Saved(await Edit(db => PlanEditor.PinAsync(s.Advisor, s.PlanId, unpinned, 2)));
        Saved(await Edit(db => PlanEditor.UnpinAsync(s.Advisor, s.PlanId, unpinned)));
        Saved(await Edit(db => PlanEditor.ExcludeAsync(s.Advisor, s.PlanId, excluded, "Not for her")));
        Saved(await Edit(db => PlanEditor.MoveAsync(s.Advisor, s.PlanId, movedUp, 1)));
        await using (var db = Db.Context())
        {
            var slug = await db.Courses.Where(c => c.Id == saved).Select(c => c.Slug).SingleAsync();
            Assert.Null(await Recommender(Db).RecordFeedbackAsync(s.Token, slug, "saved"));
        }

        var (groups, _) = await FeedbackLabels.LoadGroupsAsync(Db.Source);
        // One group per track, both on the same side of the held-out split.
        var plan = groups.Where(g => g.SplitKey == $"real:{s.PlanId}").ToList();
        Assert.Equal([$"real:{s.PlanId}:free", $"real:{s.PlanId}:online"], plan.Select(g => g.Key).Order(StringComparer.Ordinal));
        var grade = plan.SelectMany(g => g.CourseIds.Zip(g.Labels)).ToDictionary(x => x.First, x => x.Second);
        Assert.Equal(s.Online.Concat(s.Free).Order(), grade.Keys.Order());
        Assert.Equal(4, grade[pinned]);
        Assert.Equal(0, grade[excluded]);
        Assert.Equal(3, grade[movedUp]);
        Assert.Equal(3, grade[saved]);
        // An undone pin is no longer a pin (4), but the pick stays where the pin put it, above the ranker's place: moved up.
        Assert.Equal(FeedbackLabels.MovedUp, grade[unpinned]);
        var items = await ItemsAsync(Db, s.PlanId);
        foreach (var i in items.Where(i => i.CourseId is var c && c != pinned && c != unpinned && c != excluded && c != movedUp && c != saved))
            Assert.True(grade[i.CourseId] == 2, $"{i.Course.Slug}: untouched picks are acceptable as shown, got {grade[i.CourseId]}");
    }
}
