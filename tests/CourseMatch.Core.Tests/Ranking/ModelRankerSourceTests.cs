using CourseMatch.Catalog;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CourseMatch.Tests.Ranking;

public class ModelRankerSourceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task ItFallsBackToTheRubricWithoutAModelAndWhenTheModelIsCorruptThenHotSwapsToAPromotedVersion()
    {
        var logger = new ListLogger<ModelRankerSource>();
        var source = new ModelRankerSource(fixture.Db.Source, logger, TimeSpan.FromHours(1));

        // No model at all: the rubric, and a warning says so.
        var ranker = await source.GetAsync();
        Assert.Equal(ActiveRanker.RubricKind, ranker.Kind);
        Assert.Null(ranker.ModelVersionId);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning);

        // An active version whose bytes are garbage: still the rubric, with a warning naming the version.
        await using (var db = fixture.Db.Context())
        {
            db.ModelVersions.Add(new ModelVersion { Status = ModelStatus.Active, Model = [0x50, 0x4b, 1, 2, 3], PromotedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var corruptId = await fixture.Db.ScalarAsync<int>("SELECT id FROM model_versions WHERE status = 'Active'");
        logger.Entries.Clear();
        source.Invalidate();
        ranker = await source.GetAsync();
        Assert.Equal(ActiveRanker.RubricKind, ranker.Kind);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"version {corruptId}"));
        var features = FeatureVector.Compute(new CourseMatch.Learners.LearnerProfile { Skills = new() { ["python"] = 1 } },
            new CandidateCourse { Id = 1, Slug = "x", Title = "x", Provider = "p", Kind = CourseKind.Course, Format = CourseFormat.Online, Pacing = Pacing.SelfPaced, Level = CourseLevel.Beginner, Language = "en", Teaches = new Dictionary<string, int> { ["python"] = 2 } },
            RankingTestData.Today);
        Assert.Equal(Rubric.Score(features), ranker.Score([features])[0]);

        // A trained model is promoted (the corrupt one cannot count against it): the same instance swaps to it.
        var registry = fixture.Db.Get<ModelRegistry>();
        var model = await RankingTestData.GoodModelAsync();
        var version = await registry.SaveCandidateAsync(model, RankingTestData.Stored, RankingTestData.EmptyMetrics, RankingTestData.NoCounts);
        var promoted = await registry.PromoteAsync(version.Id, (await RankingTestData.GroupsAsync()).HeldOut);
        Assert.True(promoted.Promoted, promoted.Reason);
        Assert.Equal(corruptId, promoted.PreviousActiveId);

        Assert.Equal(ActiveRanker.RubricKind, (await source.GetAsync()).Kind); // not re-checked yet: the interval is an hour
        source.Invalidate();
        ranker = await source.GetAsync();
        Assert.Equal(ActiveRanker.ModelKind, ranker.Kind);
        Assert.Equal(version.Id, ranker.ModelVersionId);
        var group = (await RankingTestData.GroupsAsync()).HeldOut[0];
        Assert.Equal(model.Score(group.Features), ranker.Score(group.Features));

        // Rolling back to the corrupt version: the rubric again, without a restart.
        var back = await registry.RollbackAsync();
        Assert.Equal(corruptId, back.To);
        source.Invalidate();
        Assert.Equal(ActiveRanker.RubricKind, (await source.GetAsync()).Kind);
    }

    [Fact]
    public async Task WithAShortIntervalItPicksUpANewVersionByItselfAndServesManyThreads()
    {
        await using var db = await TestDatabase.CreateAsync();
        var source = new ModelRankerSource(db.Source, new ListLogger<ModelRankerSource>(), TimeSpan.FromMilliseconds(50));
        Assert.Equal(ActiveRanker.RubricKind, (await source.GetAsync()).Kind);

        var registry = db.Get<ModelRegistry>();
        var version = await registry.SaveCandidateAsync(await RankingTestData.GoodModelAsync(), RankingTestData.Stored, RankingTestData.EmptyMetrics, RankingTestData.NoCounts);
        Assert.True((await registry.PromoteAsync(version.Id, (await RankingTestData.GroupsAsync()).HeldOut)).Promoted);
        await Task.Delay(100);

        var group = (await RankingTestData.GroupsAsync()).HeldOut[0];
        var rankers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await source.GetAsync())));
        // Callers during the one refresh may still get the previous ranker; after it, all get the model.
        var after = await source.GetAsync();
        Assert.Equal(version.Id, after.ModelVersionId);
        var expected = after.Score(group.Features);
        var scores = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => after.Score(group.Features))));
        Assert.All(scores, s => Assert.Equal(expected, s));
        Assert.Contains(rankers, r => r.Kind == ActiveRanker.ModelKind);
    }
}
