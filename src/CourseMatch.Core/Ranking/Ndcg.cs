using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using CourseMatch.Recommendations;

namespace CourseMatch.Ranking;

/// <summary>
/// Normalised discounted cumulative gain: graded gain 2^rel − 1, discount log2(position + 1), divided by the
/// same sum for the ideal order. Ties in score keep the group's own order (course id), so every ranker is
/// measured the same way. A group with no relevant course (ideal DCG 0) has no NDCG and is left out of means.
/// </summary>
public static class Ndcg
{
    public static readonly int[] Ks = [1, 3, 5, 10];

    public static double Gain(int grade) => Math.Pow(2, grade) - 1;

    public static double Dcg(IReadOnlyList<int> gradesInRankedOrder, int k)
    {
        double dcg = 0;
        for (var i = 0; i < Math.Min(k, gradesInRankedOrder.Count); i++)
            dcg += Gain(gradesInRankedOrder[i]) / Math.Log2(i + 2);
        return dcg;
    }

    /// <summary>NDCG@k of grades already in ranked order; null when no grade is above 0.</summary>
    public static double? At(IReadOnlyList<int> gradesInRankedOrder, int k)
    {
        var ideal = Dcg([.. gradesInRankedOrder.OrderByDescending(g => g)], k);
        return ideal == 0 ? null : Dcg(gradesInRankedOrder, k) / ideal;
    }

    /// <summary>NDCG@k of ranking <paramref name="grades"/> by <paramref name="scores"/>, highest first.</summary>
    public static double? At(IReadOnlyList<float> scores, IReadOnlyList<int> grades, int k)
    {
        if (scores.Count != grades.Count) throw new ArgumentException("One score per grade.", nameof(scores));
        var order = Enumerable.Range(0, grades.Count).OrderByDescending(i => scores[i]).ThenBy(i => i);
        return At([.. order.Select(i => grades[i])], k);
    }
}

/// <summary>Mean NDCG@1/3/5/10 of one ranker over a set of groups.</summary>
public sealed record RankerNdcg(string Ranker, double At1, double At3, double At5, double At10)
{
    public double At(int k) => k switch
    {
        1 => At1, 3 => At3, 5 => At5, 10 => At10,
        _ => throw new ArgumentOutOfRangeException(nameof(k), k, "NDCG is measured at 1, 3, 5 and 10."),
    };
}

/// <summary>Every ranker measured on the same groups, labelled by one source.</summary>
public sealed record LabelSetMetrics(string Labels, int Groups, int Rows, IReadOnlyList<RankerNdcg> Rankers)
{
    public RankerNdcg? this[string ranker] => Rankers.FirstOrDefault(r => r.Ranker == ranker);
}

/// <summary>
/// NDCG of the model beside the rubric and popularity baselines on held-out groups: synthetic-label groups and
/// real-feedback groups measured separately. Real groups are reported only from <see cref="MinRealGroups"/> on.
/// </summary>
public sealed record RankingMetrics(LabelSetMetrics? Synthetic, LabelSetMetrics? Real, int RealHeldOutGroups)
{
    public const int MinRealGroups = 20;
    public const string Model = "model";
    public const string RubricRanker = "rubric";
    public const string Popularity = "popularity";
    public const string Active = "active";

    [JsonIgnore]
    public string RealNote => Real is not null
        ? $"real feedback: {Real.Groups} held-out groups"
        : $"real feedback: too few real groups ({RealHeldOutGroups}; at least {MinRealGroups} held out are needed)";

    /// <summary>The labels a decision rests on: real feedback when there is enough of it, otherwise synthetic.</summary>
    [JsonIgnore]
    public LabelSetMetrics? Deciding => Real ?? Synthetic;

    /// <summary>
    /// Scores every group with each ranker and averages NDCG per label source. The rubric and popularity
    /// baselines are always included.
    /// </summary>
    public static RankingMetrics Measure(IReadOnlyList<RankingGroup> groups, IReadOnlyList<(string Name, Func<IReadOnlyList<float[]>, float[]> Score)> rankers)
    {
        var all = new List<(string, Func<IReadOnlyList<float[]>, float[]>)>(rankers)
        {
            (RubricRanker, rows => [.. rows.Select(r => Rubric.Score(r))]),
            (Popularity, rows => [.. rows.Select(r => Rubric.Popularity(r))]),
        };
        var real = groups.Where(g => g.Source == LabelSource.Real).ToList();
        var synthetic = groups.Where(g => g.Source == LabelSource.Synthetic).ToList();
        return new RankingMetrics(
            synthetic.Count == 0 ? null : MeasureSet(LabelSource.Synthetic, synthetic, all),
            real.Count >= MinRealGroups ? MeasureSet(LabelSource.Real, real, all) : null,
            real.Count);
    }

    private static LabelSetMetrics MeasureSet(string labels, List<RankingGroup> groups, List<(string Name, Func<IReadOnlyList<float[]>, float[]> Score)> rankers)
    {
        var measured = groups.Where(g => g.Labels.Any(l => l > 0)).ToList();
        var rows = new List<RankerNdcg>();
        foreach (var (name, score) in rankers)
        {
            var sums = new double[Ndcg.Ks.Length];
            foreach (var g in measured)
            {
                var s = score(g.Features);
                for (var i = 0; i < Ndcg.Ks.Length; i++) sums[i] += Ndcg.At(s, g.Labels, Ndcg.Ks[i]) ?? 0;
            }
            double Mean(int i) => measured.Count == 0 ? 0 : Math.Round(sums[i] / measured.Count, 4);
            rows.Add(new RankerNdcg(name, Mean(0), Mean(1), Mean(2), Mean(3)));
        }
        return new LabelSetMetrics(labels, measured.Count, measured.Sum(g => g.Count), rows);
    }

    /// <summary>A markdown table per label source, with a line naming the labels and the group counts.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        foreach (var set in new[] { Synthetic, Real }.OfType<LabelSetMetrics>())
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"Labels: {LabelSource.Describe(set.Labels)} — {set.Groups:#,0} held-out learner groups, {set.Rows:#,0} courses");
            sb.AppendLine();
            sb.AppendLine("| ranker | NDCG@1 | NDCG@3 | NDCG@5 | NDCG@10 |");
            sb.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var r in set.Rankers)
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Ranker} | {r.At1:0.000} | {r.At3:0.000} | {r.At5:0.000} | {r.At10:0.000} |");
            sb.AppendLine();
        }
        if (Synthetic is null && Real is null) sb.AppendLine("No held-out groups to measure on.");
        if (Real is null) sb.AppendLine(CultureInfo.InvariantCulture, $"Real feedback: too few real groups ({RealHeldOutGroups}); at least {MinRealGroups} held out are needed.");
        return sb.ToString();
    }
}
