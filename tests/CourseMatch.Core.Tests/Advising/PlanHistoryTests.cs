using CourseMatch.Advising;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CourseMatch.Tests.Advising.AdvisingTestData;

namespace CourseMatch.Tests.Advising;

public class PlanHistoryTests(DatabaseFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DatabaseFixture>
{
    private TestDb Db => fixture.Db;
    private PlanEditor PlanEditor => Db.Get<PlanEditor>();
    private AdvisorPlans AdvisorPlans => Db.Get<AdvisorPlans>();
    private Caseload Caseload => Db.Get<Caseload>();

    private static void Saved(PlanEditor.Result result) => Assert.True(result.Outcome == PlanEditor.Outcome.Saved, $"{result.Outcome} {result.Field}: {result.Message}");

    [Fact]
    public async Task TheComparisonShowsAMeasuredLevelEvenWhenTheLearnerKeptTheirOwn()
    {
        var advisor = await AdvisorAsync(Db, "measured");
        var learner = await LearnerAsync(Db, advisor, "Checks her level");
        var (older, _) = await PlanAsync(Db, advisor, learner.Id);

        // A check of linear algebra answered with "I don't know" throughout; the learner keeps the level they gave.
        var checker = Db.Get<CourseMatch.SkillChecks.SkillChecker>();
        var check = (await checker.StartAsync("linear-algebra", 1)).Check!;
        while (!check.Done) check = (await checker.AnswerAsync(check.Token, check.Current!.Id, null)).Check!;
        var answers = OnlineUpskill();
        answers.Checks = new() { ["linear-algebra"] = check.Token };
        var (newer, _) = await PlanAsync(Db, advisor, learner.Id, answers);

        var comparison = (await AdvisorPlans.CompareAsync(advisor, learner.Id, older, newer))!;
        var change = Assert.Single(comparison.Answers, a => a.Field == "Linear algebra (measured)");
        Assert.Equal("not checked", change.Before);
        Assert.StartsWith("level 0 (", change.After);
        Assert.DoesNotContain(comparison.Answers, a => a.Field == "Linear algebra");
        // The answers the advisor edits next carry the check, so a new plan keeps citing it.
        var current = (await Caseload.CurrentProfileAsync(advisor, learner.Id))!;
        Assert.Equal(check.Token, CourseMatch.Learners.ProfileInput.FromProfile(current, CourseMatch.Tests.Infrastructure.DemoCatalog.Taxonomy).Checks!["linear-algebra"]);
    }

    [Fact]
    public async Task ANewGenerationIsListedFirstAndTheComparisonShowsWhatChangedInTheAnswersAndThePicks()
    {
        var advisor = await AdvisorAsync(Db, "history");
        var learner = await LearnerAsync(Db, advisor, "Changes her answers");
        var (older, olderToken) = await PlanAsync(Db, advisor, learner.Id);
        var olderOnline = await TrackAsync(Db, older, Track.Online);
        var excluded = olderOnline[0];
        await using (var db = Db.Context())
            Saved(await PlanEditor.ExcludeAsync(advisor, older, excluded, "Did it last year"));

        var raised = OnlineUpskill();
        raised.Skills["python"] = 3;
        raised.Skills["machine-learning"] = 3;
        raised.HoursPerWeek = 10;
        var (newer, newerToken) = await PlanAsync(Db, advisor, learner.Id, raised);

        await using var context = Db.Context();
        var plans = await Caseload.PlansAsync(advisor, learner.Id);
        Assert.Equal([newerToken, olderToken], plans.Select(p => p.Token));
        Assert.Equal((9, 1, 1), (plans[1].Picks, plans[1].Excluded, plans[1].Revision));
        Assert.Equal((0, 0), (plans[0].Excluded, plans[0].Revision));
        Assert.All(plans, p => Assert.Equal("rubric", p.Ranker));
        var current = (await Caseload.CurrentProfileAsync(advisor, learner.Id))!;
        Assert.Equal((3, 3, 1, 10), (current.Level("python"), current.Level("machine-learning"), current.Level("statistics"), current.HoursPerWeek));

        // Moves in the new plan show as ups and downs against where the picks stood before.
        var newerOnline = await TrackAsync(Db, newer, Track.Online);
        var kept = newerOnline.Where(olderOnline.Contains).ToList();
        Assert.True(kept.Count >= 2, "the online track keeps some picks, so moves can be compared");
        // The kept pick that stood lowest before goes to the top, the one that stood highest to the bottom.
        var (moved, sunk) = (kept.MaxBy(olderOnline.IndexOf), kept.MinBy(olderOnline.IndexOf));
        await using (var db = Db.Context())
        {
            Saved(await PlanEditor.MoveAsync(advisor, newer, moved, 1));
            Saved(await PlanEditor.MoveAsync(advisor, newer, sunk, newerOnline.Count));
        }

        var comparison = (await AdvisorPlans.CompareAsync(advisor, learner.Id, newer, older))!;
        Assert.Equal((older, newer), (comparison.Older.Id, comparison.Newer.Id));
        foreach (var change in comparison.Answers) output.WriteLine($"{change.Field}: {change.Before} → {change.After}");
        foreach (var pick in comparison.Picks) output.WriteLine($"{pick.Track} {pick.Slug}: {pick.Before} → {pick.After} {pick.Describe()}");

        Assert.Equal(
            [("Python programming", "level 1", "level 3"), ("Machine learning", "level 1", "level 3"), ("Hours a week", "6", "10")],
            comparison.Answers.Select(a => (a.Field, a.Before, a.After)));

        // Every pick's description agrees with the stored positions of both plans.
        var rows = await context.RecommendationItems.AsNoTracking().Where(i => i.RecommendationId == older || i.RecommendationId == newer)
            .Select(i => new { i.RecommendationId, i.Course.Slug, i.Position, i.Excluded }).ToListAsync();
        string Expected(string slug)
        {
            var before = rows.SingleOrDefault(r => r.RecommendationId == older && r.Slug == slug);
            var after = rows.SingleOrDefault(r => r.RecommendationId == newer && r.Slug == slug);
            if (before is { Excluded: true } && after is null) return "excluded earlier";
            if (before is null) return "new";
            if (after is null) return "dropped";
            var (b, a) = (before.Position, after.Position);
            return a < b ? $"up {b - a}" : a > b ? $"down {a - b}" : "same place";
        }
        Assert.Equal(rows.Select(r => r.Slug).Distinct().Order(), comparison.Picks.Select(p => p.Slug).Order());
        Assert.All(comparison.Picks, p => Assert.Equal(Expected(p.Slug), p.Describe()));

        var described = comparison.Picks.ToDictionary(p => p.Slug, p => p.Describe());
        var slugOf = await context.Courses.Where(c => c.Id == excluded || c.Id == moved || c.Id == sunk).ToDictionaryAsync(c => c.Id, c => c.Slug);
        Assert.Equal("excluded earlier", described[slugOf[excluded]]);
        // Old positions are the indexes: the first online pick was excluded, so the rest moved up one.
        Assert.Equal($"up {olderOnline.IndexOf(moved) - 1}", described[slugOf[moved]]);
        Assert.Equal($"down {newerOnline.Count - olderOnline.IndexOf(sunk)}", described[slugOf[sunk]]);
        Assert.Contains("new", described.Values);
        Assert.Contains("dropped", described.Values);
        Assert.Contains("same place", described.Values);
        // The picks read in track order, each track by where the picks stand now.
        Assert.Equal(comparison.Picks.OrderBy(p => p.Track).ThenBy(p => p.After ?? int.MaxValue).Select(p => p.Slug), comparison.Picks.Select(p => p.Slug));
    }

    [Fact]
    public async Task ComparingPlansNeedsTwoOfThisLearnersPlans()
    {
        var advisor = await AdvisorAsync(Db, "compare-own");
        var learner = await LearnerAsync(Db, advisor, "One");
        var other = await LearnerAsync(Db, advisor, "Two");
        var (mine, _) = await PlanAsync(Db, advisor, learner.Id);
        var (theirs, _) = await PlanAsync(Db, advisor, other.Id);
        await using var db = Db.Context();
        Assert.Null(await AdvisorPlans.CompareAsync(advisor, learner.Id, mine, theirs));
        Assert.Null(await AdvisorPlans.CompareAsync(advisor, learner.Id, mine, -1));
        Assert.Null(await AdvisorPlans.LoadAsync(advisor, learner.Id, theirs));

        // A plan compared with itself changes nothing.
        var same = (await AdvisorPlans.CompareAsync(advisor, learner.Id, mine, mine))!;
        Assert.Empty(same.Answers);
        Assert.All(same.Picks, p => Assert.Equal("same place", p.Describe()));
    }
}
