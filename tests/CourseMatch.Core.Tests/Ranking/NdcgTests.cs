using CourseMatch.Ranking;

namespace CourseMatch.Tests.Ranking;

public class NdcgTests
{
    [Fact]
    public void APerfectOrderScoresOne()
    {
        int[] ranked = [4, 3, 3, 1, 0, 0];
        foreach (var k in Ndcg.Ks) Assert.Equal(1.0, Ndcg.At(ranked, k)!.Value, 12);
    }

    [Fact]
    public void TheReversedOrderScoresBelowOne()
    {
        int[] ranked = [0, 0, 1, 3, 3, 4];
        foreach (var k in Ndcg.Ks) Assert.True(Ndcg.At(ranked, k) < 1);
        Assert.Equal(0.0, Ndcg.At(ranked, 1)!.Value, 12);
    }

    [Fact]
    public void ItMatchesAValueWorkedOutByHand()
    {
        // Ranked grades 1, 0, 2: DCG = (2^1−1)/log2 2 + 0 + (2^2−1)/log2 4 = 1 + 1.5 = 2.5.
        // Ideal 2, 1, 0: (2^2−1)/1 + (2^1−1)/log2 3 = 3 + 0.63093 = 3.63093. NDCG@3 = 0.688530.
        Assert.Equal(0.688530, Ndcg.At([1, 0, 2], 3)!.Value, 5);
        // At k = 1 only the first place counts: 1 / 3.
        Assert.Equal(1.0 / 3, Ndcg.At([1, 0, 2], 1)!.Value, 12);
        Assert.Equal(1 / Math.Log2(3), Ndcg.At([0, 1], 10)!.Value, 12);
    }

    [Fact]
    public void ScoresDecideTheOrderAndTiesKeepTheGroupsOrder()
    {
        Assert.Equal(1.0, Ndcg.At([0.1f, 0.9f, 0.5f], [0, 2, 1], 3)!.Value, 12);
        // All tied: the group's own order, the same as ranking [0, 2, 1] as given.
        Assert.Equal(Ndcg.At([0, 2, 1], 3), Ndcg.At([1f, 1f, 1f], [0, 2, 1], 3));
    }

    [Fact]
    public void AGroupWithNothingRelevantHasNoNdcg()
    {
        Assert.Null(Ndcg.At([0, 0, 0], 5));
    }

    [Fact]
    public void MetricsSayWhichLabelsTheyWereMeasuredOnAndWhenRealGroupsAreTooFew()
    {
        var groups = new List<RankingGroup>
        {
            new("synthetic:1:0", LabelSource.Synthetic, [1, 2], [[.. new float[CourseMatch.Recommendations.FeatureVector.Count]], [.. new float[CourseMatch.Recommendations.FeatureVector.Count]]], [0, 3]),
            new("real:1", LabelSource.Real, [1, 2], [[.. new float[CourseMatch.Recommendations.FeatureVector.Count]], [.. new float[CourseMatch.Recommendations.FeatureVector.Count]]], [4, 0]),
        };
        var metrics = RankingMetrics.Measure(groups, []);
        Assert.NotNull(metrics.Synthetic);
        Assert.Null(metrics.Real);
        Assert.Equal(1, metrics.RealHeldOutGroups);
        var table = metrics.ToTable();
        Assert.Contains("synthetic labels", table);
        Assert.Contains("too few real groups (1)", table);
        Assert.Contains("| rubric |", table);
        Assert.Contains("| popularity |", table);
    }
}
