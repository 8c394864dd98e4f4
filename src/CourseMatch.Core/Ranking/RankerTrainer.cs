using CourseMatch.Recommendations;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace CourseMatch.Ranking;

/// <summary>
/// LightGBM LambdaRank settings. The defaults train the demo catalog's ~470 groups in 1–2 s and 2,000 groups × 200
/// candidates in roughly 25 s on 2 cores; 200 iterations at 0.05 measured no better on held-out groups.
/// </summary>
public sealed record RankerSettings
{
    public int Seed { get; init; } = 20_261_124;
    public int Iterations { get; init; } = 100;
    public int Leaves { get; init; } = 16;
    public int MinExamplesPerLeaf { get; init; } = 20;
    public double LearningRate { get; init; } = 0.1;
    /// <summary>Example weight of a real-feedback row; synthetic rows weigh 1 (docs/decisions/0006).</summary>
    public float RealWeight { get; init; } = 5;
    /// <summary>LightGBM threads; 0 lets LightGBM choose. Results are deterministic for a given value.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// Trains the ranker from groups already in memory (no database), so the benchmark can time training alone:
/// ML.NET's LightGBM LambdaRank, one query group per learner, deterministic for a seed.
/// </summary>
public static class RankerTrainer
{
    private sealed class TrainRow
    {
        public float Label;
        public uint GroupId;
        [VectorType(FeatureVector.Count)] public float[] Features = [];
        public float Weight;
    }

    public static RankerModel Train(IReadOnlyList<RankingGroup> groups, RankerSettings settings)
    {
        var usable = groups.Where(g => g.Count > 0).ToList();
        if (usable.Count == 0) throw new InvalidOperationException("No training groups.");
        foreach (var g in usable)
        {
            if (g.Features.Count != g.Labels.Count) throw new ArgumentException($"Group {g.Key}: one feature vector per label.", nameof(groups));
            if (g.Features.Any(f => f.Length != FeatureVector.Count))
                throw new ArgumentException($"Group {g.Key}: feature vectors must have {FeatureVector.Count} values.", nameof(groups));
        }

        var ml = new MLContext(seed: settings.Seed);
        var schema = SchemaDefinition.Create(typeof(TrainRow));
        schema[nameof(TrainRow.GroupId)].ColumnType = new KeyDataViewType(typeof(uint), (ulong)usable.Count);
        var data = ml.Data.LoadFromEnumerable(Rows(usable, settings.RealWeight), schema);

        var options = new LightGbmRankingTrainer.Options
        {
            LabelColumnName = nameof(TrainRow.Label),
            FeatureColumnName = nameof(TrainRow.Features),
            RowGroupColumnName = nameof(TrainRow.GroupId),
            ExampleWeightColumnName = nameof(TrainRow.Weight),
            NumberOfIterations = settings.Iterations,
            NumberOfLeaves = settings.Leaves,
            MinimumExampleCountPerLeaf = settings.MinExamplesPerLeaf,
            LearningRate = settings.LearningRate,
            Seed = settings.Seed,
            Deterministic = true,
            NumberOfThreads = settings.Threads > 0 ? settings.Threads : null,
            EvaluationMetric = LightGbmRankingTrainer.Options.EvaluateMetricType.None,
            Silent = true,
            Verbose = false,
        };
        var transformer = ml.Ranking.Trainers.LightGbm(options).Fit(data);
        return new RankerModel(ml, transformer);
    }

    private static IEnumerable<TrainRow> Rows(List<RankingGroup> groups, float realWeight)
    {
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var weight = group.Source == LabelSource.Real ? realWeight : 1f;
            for (var i = 0; i < group.Count; i++)
                yield return new TrainRow { Label = group.Labels[i], GroupId = (uint)(g + 1), Features = group.Features[i], Weight = weight };
        }
    }
}
