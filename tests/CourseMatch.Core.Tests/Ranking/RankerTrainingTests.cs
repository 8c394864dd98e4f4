using CourseMatch.Ranking;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Ranking;

/// <summary>One full training run (synthetic learners over the real catalog → LightGBM → held-out NDCG → stored candidate).</summary>
public sealed class TrainedRunFixture : IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;
    public TrainingReport Report { get; private set; } = null!;
    public List<string> Progress { get; } = [];

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Report = await Db.Get<RankerTraining>().TrainAsync(new TrainingOptions
        {
            SyntheticLearners = RankingTestData.Learners, DataSeed = RankingTestData.Seed, Ranker = RankingTestData.Settings, Today = RankingTestData.Today,
        }, new SyncProgress(Progress));
    }

    public Task DisposeAsync() => Db.DisposeAsync().AsTask();

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) { lock (lines) lines.Add(value); }
    }
}

public class RankerTrainingTests(TrainedRunFixture run, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TrainedRunFixture>
{
    [Fact]
    public void TheTrainedModelBeatsPopularityAndIsAtLeastAsGoodAsTheRubricOnHeldOutSyntheticGroups()
    {
        output.WriteLine(run.Report.ToTable());
        var synthetic = run.Report.Metrics.Synthetic!;
        Assert.Equal(LabelSource.Synthetic, synthetic.Labels);
        Assert.InRange(synthetic.Groups, 30, 70); // ~20% of 250 learners
        var (model, rubric, popularity) = (synthetic["model"]!, synthetic["rubric"]!, synthetic["popularity"]!);
        foreach (var k in Ndcg.Ks)
        {
            Assert.True(model.At(k) >= rubric.At(k), $"NDCG@{k}: model {model.At(k):0.000} < rubric {rubric.At(k):0.000}");
            Assert.True(model.At(k) > popularity.At(k) + 0.2, $"NDCG@{k}: model {model.At(k):0.000} vs popularity {popularity.At(k):0.000}");
        }
        // The numbers measured when this test was written (250 learners, seed 1): model ≈ 0.86, rubric ≈ 0.74, popularity ≈ 0.35 at k = 5.
        Assert.True(model.At5 > 0.8, $"model NDCG@5 {model.At5:0.000}");
        Assert.True(model.At5 - rubric.At5 > 0.05, $"model {model.At5:0.000} vs rubric {rubric.At5:0.000}");
    }

    [Fact]
    public async Task TheRunIsStoredAsACandidateWithSettingsMetricsLabelSourcesAndModelBytes()
    {
        await using var db = run.Db.Context();
        var version = await db.ModelVersions.SingleAsync(v => v.Id == run.Report.ModelVersionId);
        Assert.Equal(ModelStatus.Candidate, version.Status);
        Assert.NotEmpty(version.Model);
        Assert.Equal(RankingTestData.Learners, ModelRegistry.SettingsOf(version).SyntheticLearners);
        Assert.Equal(run.Report.Metrics.Synthetic!["model"]!.At5, ModelRegistry.MetricsOf(version)!.Synthetic!["model"]!.At5);
        Assert.Contains("\"syntheticGroups\"", version.LabelSources);
        Assert.Equal(0, await db.ModelVersions.CountAsync(v => v.Status == ModelStatus.Active)); // not asked to promote

        var loaded = RankerModel.Load(version.Model);
        var (_, heldOut) = await RankingTestData.GroupsAsync();
        var group = heldOut[0];
        Assert.Equal(group.Count, loaded.Score(group.Features).Length);
    }

    [Fact]
    public void TheReportRendersAMetricsTableThatNamesItsLabels()
    {
        var table = run.Report.ToTable();
        Assert.Contains("| ranker | NDCG@1 | NDCG@3 | NDCG@5 | NDCG@10 |", table);
        Assert.Contains("| model |", table);
        Assert.Contains("| rubric |", table);
        Assert.Contains("| popularity |", table);
        Assert.Contains("synthetic labels", table);
        Assert.Contains("too few real groups (0)", table);
        Assert.NotEmpty(run.Progress);
    }

    [Fact]
    public async Task TrainingIsDeterministicForASeed()
    {
        var (train, heldOut) = await RankingTestData.GroupsAsync();
        var a = RankerTrainer.Train(train, RankingTestData.Settings);
        var b = RankerTrainer.Train(train, RankingTestData.Settings);
        foreach (var g in heldOut.Take(10)) Assert.Equal(a.Score(g.Features), b.Score(g.Features));
        // And the stored bytes score exactly as the model in memory.
        var reloaded = RankerModel.Load(a.ToBytes());
        Assert.Equal(a.Score(heldOut[0].Features), reloaded.Score(heldOut[0].Features));
    }

    [Fact]
    public async Task SyntheticLearnersAreTheSameEachTimeAndCanBeRegeneratedOneByOne()
    {
        var all = await run.Db.Get<SyntheticLearners>().GenerateAsync(20, RankingTestData.Seed, RankingTestData.Today);
        var some = await run.Db.Get<SyntheticLearners>().GenerateAsync(20, RankingTestData.Seed, RankingTestData.Today, include: i => i % 3 == 0);
        Assert.All(some, s =>
        {
            var same = all.Single(a => a.Index == s.Index);
            Assert.Equal(same.Group.CourseIds, s.Group.CourseIds);
            Assert.Equal(same.Group.Labels, s.Group.Labels);
        });
        Assert.True(all.Select(l => l.Persona.Key).Distinct().Count() >= 5);
    }

    [Fact]
    public async Task ScoringIsSafeFromManyThreadsAtOnce()
    {
        var model = await RankingTestData.GoodModelAsync();
        var (_, heldOut) = await RankingTestData.GroupsAsync();
        var expected = heldOut.Select(g => model.Score(g.Features)).ToList();
        var results = new float[heldOut.Count][];
        Parallel.For(0, heldOut.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var g = i % heldOut.Count;
            results[g] = model.Score(heldOut[g].Features);
        });
        for (var g = 0; g < heldOut.Count; g++) Assert.Equal(expected[g], results[g]);
    }
}
