using System.Diagnostics;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Bench;

public sealed record DemoTraining(int ModelVersionId, int Groups, int Rows, double GatherSeconds, double TrainSeconds, double TotalSeconds, bool Promoted, string Reason);

public sealed record TrainingTime(int Groups, int Candidates, int Rows, double BuildSeconds, double TrainSeconds, double FirstScoreMs, int Threads);

public static class TrainingBench
{
    public const double MaxTrainSeconds = 60;

    /// <summary>Trains the first model on the demo catalog (RankerTraining.TrainAsync) and promotes it when the rule allows.</summary>
    public static async Task<DemoTraining> TrainDemoAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var services = CourseMatchServices.BuildCore(db);
        var report = await services.GetRequiredService<RankerTraining>().TrainAsync(new TrainingOptions { Promote = true }, ct: ct);
        return new DemoTraining(report.ModelVersionId, report.TrainGroups, report.TrainRows, report.GatherTime.TotalSeconds,
            report.TrainTime.TotalSeconds, clock.Elapsed.TotalSeconds, report.Promotion?.Promoted ?? false,
            report.Promotion?.Reason ?? "not asked to promote");
    }

    /// <summary>
    /// Synthetic groups of <see cref="FeatureVector.Count"/> uniform random features with graded labels 0–4 from a
    /// hidden utility (a fixed weighted sum with two interactions, plus noise) cut at its quintiles, so the trees have
    /// real structure to find; then times RankerTrainer.Train (LightGBM LambdaRank, the app's default settings) alone.
    /// </summary>
    public static TrainingTime Measure(int groups, int candidates)
    {
        var clock = Stopwatch.StartNew();
        var rng = new Random(20_261_124);
        var weights = Enumerable.Range(0, FeatureVector.Count).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var list = new List<RankingGroup>(groups);
        for (var g = 0; g < groups; g++)
        {
            var features = new List<float[]>(candidates);
            var utility = new double[candidates];
            for (var i = 0; i < candidates; i++)
            {
                var f = new float[FeatureVector.Count];
                for (var k = 0; k < f.Length; k++) f[k] = (float)rng.NextDouble();
                double u = 0;
                for (var k = 0; k < f.Length; k++) u += weights[k] * f[k];
                u += 1.5 * f[FeatureVector.SkillGapCoverage] * f[FeatureVector.PrerequisiteReadiness] - f[FeatureVector.LevelOvershoot] * f[FeatureVector.Redundancy];
                utility[i] = u + 0.5 * Gaussian(rng);
                features.Add(f);
            }
            var cuts = utility.Order().ToArray();
            double Q(double p) => cuts[(int)(p * (cuts.Length - 1))];
            var (q1, q2, q3, q4) = (Q(0.4), Q(0.65), Q(0.85), Q(0.95));
            var labels = utility.Select(u => u >= q4 ? 4 : u >= q3 ? 3 : u >= q2 ? 2 : u >= q1 ? 1 : 0).ToList();
            list.Add(new RankingGroup($"bench:{g}", LabelSource.Synthetic, Enumerable.Range(g * candidates, candidates).ToList(), features, labels));
        }
        var build = clock.Elapsed.TotalSeconds;

        var settings = new RankerSettings();
        clock.Restart();
        var model = RankerTrainer.Train(list, settings);
        var train = clock.Elapsed.TotalSeconds;
        clock.Restart();
        model.Score(list[0].Features);
        var score = clock.Elapsed.TotalMilliseconds;
        return new TrainingTime(groups, candidates, groups * candidates, build, train, score, settings.Threads);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
