using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;

namespace CourseMatch.Tests.Ranking;

public class FeedbackLabelTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void FeedbackKindsMapToDocumentedGrades()
    {
        Assert.Equal(4, FeedbackLabels.Grade(FeedbackKind.AdvisorPinned));
        Assert.Equal(4, FeedbackLabels.Grade(FeedbackKind.Enrolled));
        Assert.Equal(3, FeedbackLabels.Grade(FeedbackKind.Saved));
        Assert.Equal(3, FeedbackLabels.Grade(FeedbackKind.Helpful));
        Assert.Equal(2, FeedbackLabels.Grade(FeedbackKind.AdvisorReordered));
        Assert.Equal(1, FeedbackLabels.Grade(FeedbackKind.NotHelpful));
        Assert.Equal(0, FeedbackLabels.Grade(FeedbackKind.Dismissed));
        Assert.Equal(0, FeedbackLabels.Grade(FeedbackKind.AdvisorExcluded));
        // Touching a pick without judging it leaves it acceptable as shown.
        foreach (var kind in new[] { FeedbackKind.AdvisorUnpinned, FeedbackKind.AdvisorRestored, FeedbackKind.AdvisorNoted })
            Assert.Equal(FeedbackLabels.AcceptedAsShown, FeedbackLabels.Grade(kind));
        Assert.All(Enum.GetValues<FeedbackKind>(), k => Assert.InRange(FeedbackLabels.Grade(k), 0, 4));
        Assert.All(Enum.GetValues<FeedbackKind>(), k => Assert.Equal(k.ToString().StartsWith("Advisor", StringComparison.Ordinal), FeedbackLabels.IsAdvisor(k)));
    }

    [Fact]
    public void AdvisorsOutrankLearnersAndAnEnrolmentOutranksLaterOpinions()
    {
        Assert.Equal(0, FeedbackLabels.Resolve([FeedbackKind.Saved, FeedbackKind.Dismissed]));
        Assert.Equal(4, FeedbackLabels.Resolve([FeedbackKind.Enrolled, FeedbackKind.NotHelpful]));
        Assert.Equal(0, FeedbackLabels.Resolve([FeedbackKind.AdvisorExcluded, FeedbackKind.Enrolled]));
        Assert.Equal(4, FeedbackLabels.Resolve([FeedbackKind.AdvisorExcluded, FeedbackKind.AdvisorPinned, FeedbackKind.Dismissed]));
    }

    [Fact]
    public void AnUndoCancelsTheSaveOrDismissalBeforeIt()
    {
        Assert.Equal([], FeedbackLabels.WithoutUndone([FeedbackKind.Saved, FeedbackKind.Unsaved]));
        Assert.Equal([FeedbackKind.Helpful], FeedbackLabels.WithoutUndone([FeedbackKind.Dismissed, FeedbackKind.Helpful, FeedbackKind.Undismissed]));
        // Only what came before: a save after the undo stands.
        Assert.Equal([FeedbackKind.Saved], FeedbackLabels.WithoutUndone([FeedbackKind.Saved, FeedbackKind.Unsaved, FeedbackKind.Saved]));
        // Not the 0 of the dismissal nor the 3 of the save: the latest opinion left, or none.
        Assert.Equal(3, FeedbackLabels.Resolve([FeedbackKind.Saved, FeedbackKind.Dismissed, FeedbackKind.Undismissed]));
        Assert.Equal(FeedbackLabels.AcceptedAsShown, FeedbackLabels.Resolve([FeedbackKind.Dismissed, FeedbackKind.Undismissed]));
        Assert.Equal(FeedbackLabels.MovedUp, FeedbackLabels.AdvisedGrade(false, false, 4, 1, [FeedbackKind.AdvisorReordered, FeedbackKind.Dismissed, FeedbackKind.Undismissed]));
    }

    [Fact]
    public void InAnAdvisedPlanThePlanAsItStandsGradesEveryPick()
    {
        // Excluded and pinned are read from the plan now, whatever the history says.
        Assert.Equal(0, FeedbackLabels.AdvisedGrade(excluded: true, pinned: false, rank: 1, position: 0, [FeedbackKind.AdvisorExcluded, FeedbackKind.Enrolled]));
        Assert.Equal(0, FeedbackLabels.AdvisedGrade(true, false, 2, 0, [FeedbackKind.AdvisorPinned, FeedbackKind.AdvisorExcluded]));
        Assert.Equal(4, FeedbackLabels.AdvisedGrade(false, true, 5, 1, [FeedbackKind.AdvisorPinned, FeedbackKind.Dismissed]));
        Assert.Equal(4, FeedbackLabels.AdvisedGrade(false, true, 1, 1, [FeedbackKind.AdvisorExcluded, FeedbackKind.AdvisorRestored, FeedbackKind.AdvisorPinned]));
        // The learner's own reaction beats where the advisor moved the pick.
        Assert.Equal(0, FeedbackLabels.AdvisedGrade(false, false, 5, 1, [FeedbackKind.AdvisorReordered, FeedbackKind.Dismissed]));
        Assert.Equal(3, FeedbackLabels.AdvisedGrade(false, false, 1, 5, [FeedbackKind.Saved, FeedbackKind.AdvisorReordered]));
        Assert.Equal(4, FeedbackLabels.AdvisedGrade(false, false, 2, 2, [FeedbackKind.Enrolled, FeedbackKind.NotHelpful, FeedbackKind.AdvisorNoted]));
        // A move up or down, judged by where the pick stands against the ranker's rank.
        Assert.Equal(FeedbackLabels.MovedUp, FeedbackLabels.AdvisedGrade(false, false, 4, 1, [FeedbackKind.AdvisorReordered]));
        Assert.Equal(FeedbackLabels.MovedDown, FeedbackLabels.AdvisedGrade(false, false, 1, 4, [FeedbackKind.AdvisorReordered]));
        Assert.Equal(FeedbackLabels.AcceptedAsShown, FeedbackLabels.AdvisedGrade(false, false, 3, 3, [FeedbackKind.AdvisorReordered, FeedbackKind.AdvisorReordered]));
        // Left alone (or only shifted by other picks' moves), noted, unpinned or restored: acceptable as shown.
        Assert.Equal(2, FeedbackLabels.AdvisedGrade(false, false, 2, 3, []));
        Assert.Equal(2, FeedbackLabels.AdvisedGrade(false, false, 2, 2, [FeedbackKind.AdvisorNoted]));
        // Unpinned where the pin put it: the learner still sees it there, so it counts as placed there.
        Assert.Equal(FeedbackLabels.MovedUp, FeedbackLabels.AdvisedGrade(false, false, 4, 2, [FeedbackKind.AdvisorPinned, FeedbackKind.AdvisorUnpinned]));
        Assert.Equal(2, FeedbackLabels.AdvisedGrade(false, false, 1, 1, [FeedbackKind.AdvisorExcluded, FeedbackKind.AdvisorRestored]));
    }

    [Fact]
    public async Task RealGroupsUseTheFeaturesThePlanShowedAndSkipWhatCannotBeATrainingRow()
    {
        await using var db = fixture.Db.Context();
        var courses = db.Courses.OrderBy(c => c.Id).Select(c => c.Id).Take(4).ToList();
        var profile = new LearnerProfile { Skills = DemoCatalog.SkillSlugs.ToDictionary(s => s, _ => 1) };
        db.LearnerProfiles.Add(profile);
        await db.SaveChangesAsync();
        float[] F(float v) => [.. Enumerable.Repeat(v, FeatureVector.Count)];
        var plan = new Recommendation
        {
            Token = "labels-plan", ProfileId = profile.Id, Ranker = "rubric",
            Items = [.. courses.Select((c, i) => new RecommendationItem { CourseId = c, Track = Track.Online, Rank = i + 1, Position = i + 1, Pinned = i == 0, Features = F(i / 10f) })],
        };
        var single = new Recommendation { Token = "labels-single", ProfileId = profile.Id, Ranker = "rubric", Items = [new RecommendationItem { CourseId = courses[0], Features = F(0) }] };
        db.Recommendations.AddRange(plan, single);
        await db.SaveChangesAsync();
        Feedback On(Recommendation r, int course, FeedbackKind kind) => new() { ProfileId = profile.Id, RecommendationId = r.Id, CourseId = course, Kind = kind };
        db.Feedback.AddRange(
            On(plan, courses[0], FeedbackKind.AdvisorPinned),
            On(plan, courses[1], FeedbackKind.Saved), On(plan, courses[1], FeedbackKind.Dismissed),
            On(plan, courses[2], FeedbackKind.Enrolled),
            // courses[3] is in the plan and nobody reacted to it, but an advisor adjusted the plan: acceptable as shown.
            On(single, courses[0], FeedbackKind.Saved), // one graded course says nothing about order
            new Feedback { ProfileId = profile.Id, CourseId = courses[3], Kind = FeedbackKind.Saved }); // no plan, no features
        await db.SaveChangesAsync();

        var (groups, stats) = await FeedbackLabels.LoadGroupsAsync(fixture.Db.Source);
        var group = Assert.Single(groups);
        Assert.Equal($"real:{plan.Id}:online", group.Key);
        Assert.Equal($"real:{plan.Id}", group.SplitKey);
        Assert.Equal(LabelSource.Real, group.Source);
        Assert.Equal(courses, group.CourseIds);
        Assert.Equal([4, 0, 4, 2], group.Labels);
        Assert.Equal(F(0.1f), group.Features[1]);
        Assert.Equal(F(0.3f), group.Features[3]);
        Assert.Equal(new FeedbackLabels.Stats(FeedbackRows: 6, LabeledRows: 4, Groups: 1, SkippedWithoutFeatures: 1, SkippedSmallGroups: 1), stats);
    }

    [Fact]
    public async Task APlanWithOnlyLearnerFeedbackStillLabelsOnlyThePicksTheyReactedTo()
    {
        // Its own database: the test above counts every group there is.
        await using var own = await TestDatabase.CreateAsync();
        await using var db = own.Context();
        var courses = db.Courses.OrderBy(c => c.Id).Select(c => c.Id).Take(5).ToList();
        var profile = new LearnerProfile { Skills = DemoCatalog.SkillSlugs.ToDictionary(s => s, _ => 1) };
        db.LearnerProfiles.Add(profile);
        await db.SaveChangesAsync();
        var plan = new Recommendation
        {
            Token = "learner-only", ProfileId = profile.Id, Ranker = "rubric",
            Items = [.. courses.Select((c, i) => new RecommendationItem { CourseId = c, Track = Track.Free, Rank = i + 1, Position = i + 1, Features = [.. Enumerable.Repeat(i / 10f, FeatureVector.Count)] })],
        };
        db.Recommendations.Add(plan);
        await db.SaveChangesAsync();
        Feedback On(int course, FeedbackKind kind) => new() { ProfileId = profile.Id, RecommendationId = plan.Id, CourseId = course, Kind = kind };
        db.Feedback.AddRange(On(courses[1], FeedbackKind.Saved), On(courses[3], FeedbackKind.Helpful), On(courses[3], FeedbackKind.NotHelpful), On(courses[4], FeedbackKind.Dismissed));
        await db.SaveChangesAsync();
        // A save undone says nothing about the pick: it is no row.
        db.Feedback.Add(On(courses[0], FeedbackKind.Saved));
        await db.SaveChangesAsync();
        db.Feedback.Add(On(courses[0], FeedbackKind.Unsaved));
        await db.SaveChangesAsync();

        var (groups, stats) = await FeedbackLabels.LoadGroupsAsync(own.Source);
        var group = Assert.Single(groups);
        Assert.Equal([courses[1], courses[3], courses[4]], group.CourseIds);
        Assert.Equal([3, 1, 0], group.Labels);
        Assert.Equal((6, 3), (stats.FeedbackRows, stats.LabeledRows));
    }

    [Fact]
    public async Task AnAdvisorsNoteAloneMakesEveryPickOfThePlanARow()
    {
        await using var own = await TestDatabase.CreateAsync();
        await using var db = own.Context();
        var courses = db.Courses.OrderBy(c => c.Id).Select(c => c.Id).Take(3).ToList();
        var profile = new LearnerProfile { Skills = DemoCatalog.SkillSlugs.ToDictionary(s => s, _ => 1) };
        db.LearnerProfiles.Add(profile);
        await db.SaveChangesAsync();
        var plan = new Recommendation
        {
            Token = "noted", ProfileId = profile.Id, Ranker = "rubric",
            Items = [.. courses.Select((c, i) => new RecommendationItem { CourseId = c, Track = Track.Free, Rank = i + 1, Position = i + 1, Note = i == 2 ? "Start here" : null, Features = [.. Enumerable.Repeat(i / 10f, FeatureVector.Count)] })],
        };
        db.Recommendations.Add(plan);
        await db.SaveChangesAsync();
        db.Feedback.AddRange(
            new Feedback { ProfileId = profile.Id, RecommendationId = plan.Id, CourseId = courses[2], Kind = FeedbackKind.AdvisorNoted, Who = "advisor-1", Detail = "Start here" },
            new Feedback { ProfileId = profile.Id, RecommendationId = plan.Id, CourseId = courses[0], Kind = FeedbackKind.NotHelpful });
        await db.SaveChangesAsync();

        var group = Assert.Single((await FeedbackLabels.LoadGroupsAsync(own.Source)).Groups);
        Assert.Equal(courses, group.CourseIds);
        Assert.Equal([1, 2, 2], group.Labels);
    }

    [Fact]
    public void TheTracksOfOnePlanAreNeverSplitBetweenTrainingAndHeldOut()
    {
        float[] row = new float[FeatureVector.Count];
        var groups = Enumerable.Range(1, 200).SelectMany(plan => new[] { "online", "free" }.Select(track =>
            new RankingGroup($"real:{plan}:{track}", LabelSource.Real, [1, 2], [row, row], [4, 2]) { SplitKey = $"real:{plan}" })).ToList();
        var (train, heldOut) = HoldoutSplit.Split(groups);
        Assert.NotEmpty(heldOut);
        Assert.Empty(train.Select(g => g.SplitKey).Intersect(heldOut.Select(g => g.SplitKey)));
        Assert.All(heldOut, g => Assert.True(HoldoutSplit.IsHeldOut(g)));
    }

    [Fact]
    public async Task EachTrackOfAPlanIsItsOwnGroupAndTracksThatSayNothingAboutOrderAreSkipped()
    {
        await using var own = await TestDatabase.CreateAsync();
        await using var db = own.Context();
        var courses = db.Courses.OrderBy(c => c.Id).Select(c => c.Id).Take(6).ToList();
        var profile = new LearnerProfile { Skills = DemoCatalog.SkillSlugs.ToDictionary(s => s, _ => 1) };
        db.LearnerProfiles.Add(profile);
        await db.SaveChangesAsync();
        // Online: the advisor pinned the third pick. Free: left alone, so every free pick is "accepted as shown".
        var plan = new Recommendation
        {
            Token = "two-tracks", ProfileId = profile.Id, Ranker = "rubric",
            Items = [.. courses.Select((c, i) => new RecommendationItem
            {
                CourseId = c, Track = i < 3 ? Track.Online : Track.Free, Rank = i % 3 + 1, Position = i == 2 ? 1 : i < 2 ? i + 2 : i % 3 + 1,
                Pinned = i == 2, Features = [.. Enumerable.Repeat(i / 10f, FeatureVector.Count)],
            })],
        };
        db.Recommendations.Add(plan);
        await db.SaveChangesAsync();
        db.Feedback.Add(new Feedback { ProfileId = profile.Id, RecommendationId = plan.Id, CourseId = courses[2], Kind = FeedbackKind.AdvisorPinned, Who = "advisor-1", Position = 1 });
        await db.SaveChangesAsync();

        var (groups, stats) = await FeedbackLabels.LoadGroupsAsync(own.Source);
        // A pin ranks a pick within its track; the untouched free track, all graded alike, teaches no order.
        var group = Assert.Single(groups);
        Assert.Equal($"real:{plan.Id}:online", group.Key);
        Assert.Equal([2, 2, 4], group.Labels);
        Assert.Equal(1, stats.SkippedSmallGroups);
    }
}

/// <summary>
/// The loop learns: advisors consistently contradict the rubric for career switchers — they pin textbooks
/// (which the rubric ranks low for a career switch) and exclude the rubric's own top picks. After retraining
/// on that feedback the model ranks textbooks higher for new career switchers; the rubric's order does not move.
/// </summary>
public class FeedbackLoopTests(DatabaseFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DatabaseFixture>
{
    private readonly TrainingOptions options = new()
    {
        SyntheticLearners = 200, DataSeed = RankingTestData.Seed, Ranker = RankingTestData.Settings, Today = RankingTestData.Today,
    };

    private async Task<(LearnerProfile Profile, List<CandidateCourse> Candidates, List<float[]> Features)> SwitcherAsync(int seed)
    {
        var rng = new Random(seed);
        var profile = (seed % 2 == 0 ? Personas.CityCareerSwitcher : Personas.OnlineCareerSwitcher).Sample(rng, DemoCatalog.Taxonomy);
        profile.Format = FormatPreference.Any;
        var context = await LearnerContext.ResolveAsync(fixture.Db.Source, profile);
        var candidates = await fixture.Db.Get<Candidates>().FindAsync(profile, context, RankingTestData.Today);
        return (profile, candidates, [.. candidates.Select(c => FeatureVector.Compute(profile, c, RankingTestData.Today))]);
    }

    /// <summary>Mean position of the books among all candidates (0 = first, 1 = last), and how often a book is in the top 3.</summary>
    private static (double MeanRank, double InTop3) Books(List<CandidateCourse> candidates, float[] scores)
    {
        var order = Enumerable.Range(0, candidates.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        var books = order.Select((c, pos) => (c, pos)).Where(x => candidates[x.c].Kind == CourseKind.Book).ToList();
        return (books.Average(b => b.pos / (double)(candidates.Count - 1)), books.Any(b => b.pos < 3) ? 1 : 0);
    }

    private async Task<(double Model, double Rubric, double Top3)> MeasureAsync(RankerModel model)
    {
        double m = 0, r = 0, top = 0;
        const int n = 24;
        for (var i = 0; i < n; i++)
        {
            var (_, candidates, features) = await SwitcherAsync(50_000 + i);
            m += Books(candidates, model.Score(features)).MeanRank;
            top += Books(candidates, model.Score(features)).InTop3;
            r += Books(candidates, [.. features.Select(f => Rubric.Score(f))]).MeanRank;
        }
        return (m / n, r / n, top / n);
    }

    [Fact]
    public async Task FeedbackThatContradictsTheRubricChangesTheModelButNotTheRubric()
    {
        var registry = fixture.Db.Get<ModelRegistry>();
        var before = await fixture.Db.Get<RankerTraining>().TrainAsync(options);
        var beforeModel = RankerModel.Load((await registry.FindAsync(before.ModelVersionId))!.Model);
        var (modelBefore, rubricBefore, top3Before) = await MeasureAsync(beforeModel);

        // Advisors review 60 career switchers' plans: every textbook pinned, the rubric's top three excluded.
        await using (var db = fixture.Db.Context())
        {
            for (var i = 0; i < 60; i++)
            {
                var (profile, candidates, features) = await SwitcherAsync(10_000 + i);
                db.LearnerProfiles.Add(profile);
                await db.SaveChangesAsync();
                var rubricTop = Enumerable.Range(0, candidates.Count).Where(c => candidates[c].Kind != CourseKind.Book)
                    .OrderByDescending(c => Rubric.Score(features[c])).Take(3).ToList();
                var books = Enumerable.Range(0, candidates.Count).Where(c => candidates[c].Kind == CourseKind.Book).ToList();
                var shown = rubricTop.Concat(books).ToList();
                var plan = new Recommendation
                {
                    Token = $"loop-{i}", ProfileId = profile.Id, Ranker = ActiveRanker.RubricKind,
                    // One list, stored as the plan editor leaves it: books pinned, the rubric's picks excluded.
                    // (Labels are per track; putting them in one track keeps the contrast this test is about.)
                    Items = [.. shown.Select((c, rank) => new RecommendationItem
                    {
                        CourseId = candidates[c].Id, Rank = rank + 1, Position = rank + 1, Score = Rubric.Score(features[c]), Features = features[c],
                        Track = Track.Online, Pinned = candidates[c].Kind == CourseKind.Book, Excluded = candidates[c].Kind != CourseKind.Book,
                    })],
                };
                db.Recommendations.Add(plan);
                await db.SaveChangesAsync();
                db.Feedback.AddRange(shown.Select(c => new Feedback
                {
                    ProfileId = profile.Id, RecommendationId = plan.Id, CourseId = candidates[c].Id, Who = "advisor-1",
                    Kind = candidates[c].Kind == CourseKind.Book ? FeedbackKind.AdvisorPinned : FeedbackKind.AdvisorExcluded,
                }));
                await db.SaveChangesAsync();
            }
        }

        var after = await fixture.Db.Get<RankerTraining>().TrainAsync(options);
        Assert.True(after.Labels.RealGroups >= 30, $"real groups trained on: {after.Labels.RealGroups}");
        var afterModel = RankerModel.Load((await registry.FindAsync(after.ModelVersionId))!.Model);
        var (modelAfter, rubricAfter, top3After) = await MeasureAsync(afterModel);

        output.WriteLine($"textbooks' mean position for new career switchers (0 = first): model before {modelBefore:0.000}, after {modelAfter:0.000}; rubric {rubricBefore:0.000} → {rubricAfter:0.000}; a textbook in the model's top 3: {top3Before:P0} → {top3After:P0}");
        output.WriteLine(after.ToTable());
        Assert.True(rubricBefore > 0.5, $"the rubric ranks textbooks low for career switchers (mean position {rubricBefore:0.00})");
        Assert.Equal(rubricBefore, rubricAfter); // the rubric does not learn
        Assert.True(modelAfter < modelBefore - 0.15,
            $"textbooks' mean position for new career switchers: before {modelBefore:0.00}, after {modelAfter:0.00} (rubric {rubricAfter:0.00})");
        Assert.True(top3After > top3Before, $"a textbook in the top 3: before {top3Before:P0}, after {top3After:P0}");
    }
}
