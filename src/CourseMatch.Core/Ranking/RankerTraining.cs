using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace CourseMatch.Ranking;

/// <summary>What <see cref="RankerTraining.TrainAsync"/> trains on and with. Defaults train on the demo catalog in a few seconds.</summary>
public sealed record TrainingOptions
{
    public int SyntheticLearners { get; init; } = 600;
    /// <summary>Seed of the synthetic learners; the trainer's own seed is in <see cref="Ranker"/>.</summary>
    public int DataSeed { get; init; } = 1;
    public int HoldoutPercent { get; init; } = HoldoutSplit.DefaultPercent;
    public bool IncludeRealFeedback { get; init; } = true;
    public RankerSettings Ranker { get; init; } = new();
    /// <summary>Promote the new version when the promotion rule allows it.</summary>
    public bool Promote { get; init; }
    /// <summary>The day candidates are found for; today (UTC) when null.</summary>
    public DateOnly? Today { get; init; }
    /// <summary>Who trains (and promotes), for the audit log; <see cref="Curation.Audit.CliActor"/> when null.</summary>
    public string? Actor { get; init; }
}

/// <summary>A step of a training run: how far along it is (0–100) and what it is doing, for a progress bar.</summary>
public sealed record TrainingProgress(int Percent, string Phase);

public sealed record EvaluationOptions
{
    public int SyntheticLearners { get; init; } = 300;
    /// <summary>Learners unlike any trained on: a seed no training run uses by default.</summary>
    public int DataSeed { get; init; } = 9_001;
    public int HoldoutPercent { get; init; } = HoldoutSplit.DefaultPercent;
    public DateOnly? Today { get; init; }
}

/// <summary>The result of a training run, for the CLI and the admin page.</summary>
public sealed record TrainingReport(int ModelVersionId, RankingMetrics Metrics, LabelSourceCounts Labels, int TrainGroups, int TrainRows,
    TimeSpan GatherTime, TimeSpan TrainTime, PromotionResult? Promotion)
{
    public string ToTable()
    {
        var sb = new StringBuilder();
        var status = Promotion?.Promoted == true ? "promoted to active" : "candidate";
        sb.AppendLine(CultureInfo.InvariantCulture, $"Model version {ModelVersionId} ({status}): trained on {TrainGroups:#,0} groups, {TrainRows:#,0} rows " +
            $"({Labels.SyntheticGroups:#,0} synthetic learner groups, {Labels.RealGroups:#,0} real feedback groups weighted ×{Labels.RealWeight:0.#}) " +
            $"in {TrainTime.TotalSeconds:0.0} s; data gathered in {GatherTime.TotalSeconds:0.0} s.");
        sb.AppendLine();
        sb.Append(Metrics.ToTable());
        if (Promotion is not null) sb.AppendLine().AppendLine(Promotion.Reason);
        return sb.ToString();
    }
}

/// <summary>The active ranker measured against the baselines on fresh held-out learners.</summary>
public sealed record EvaluationReport(int? ModelVersionId, string Ranker, RankingMetrics Metrics, string? Note)
{
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(ModelVersionId is int id ? $"Active model: version {id}." : $"No active model: the {Ranker} ranks. {Note}".TrimEnd());
        sb.AppendLine();
        sb.Append(Metrics.ToTable());
        return sb.ToString();
    }
}

/// <summary>The training and evaluation entry points for `coursematch train` / `coursematch evaluate` and the admin page.</summary>
public sealed class RankerTraining(NpgsqlDataSource db, ModelRegistry registry, SyntheticLearners learnerSource)
{
    /// <summary>
    /// Gathers groups (synthetic learners from the personas over the real catalog, plus real feedback), holds
    /// out ~20% of them, trains LightGBM LambdaRank on the rest, measures model / rubric / popularity (and the
    /// active model) on the held-out groups, stores a Candidate version and, when asked, promotes it.
    /// </summary>
    public Task<TrainingReport> TrainAsync(TrainingOptions options, IProgress<string>? progress = null, CancellationToken ct = default) =>
        TrainAsync(options, progress is null ? null : new PhaseOnly(progress), ct);

    /// <summary>As <see cref="TrainAsync(TrainingOptions, IProgress{string}?, CancellationToken)"/>, reporting a percentage with each phase.</summary>
    /// <remarks>
    /// The percentages are rough shares of a run's time on the demo catalog (sampling learners and training dominate);
    /// they only ever increase.
    /// </remarks>
    public async Task<TrainingReport> TrainAsync(TrainingOptions options, IProgress<TrainingProgress>? steps, CancellationToken ct = default)
    {
        var progress = new Percentages(steps);
        var today = options.Today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var clock = Stopwatch.StartNew();
        progress.At(2).Report($"Sampling {options.SyntheticLearners:#,0} synthetic learners from {Personas.All.Count} personas over the catalog…");
        var learners = await learnerSource.GenerateAsync(options.SyntheticLearners, options.DataSeed, today, ct: ct);
        var groups = learners.Select(l => l.Group).ToList();
        var feedback = new FeedbackLabels.Stats(0, 0, 0, 0, 0);
        if (options.IncludeRealFeedback)
        {
            (var real, feedback) = await FeedbackLabels.LoadGroupsAsync(db, ct);
            groups.AddRange(real);
            progress.At(40).Report($"Real feedback: {feedback.FeedbackRows:#,0} rows → {real.Count:#,0} plan groups ({feedback.SkippedWithoutFeatures:#,0} rows without features skipped).");
        }
        var gather = clock.Elapsed;

        var (train, heldOut) = HoldoutSplit.Split(groups, options.HoldoutPercent);
        progress.At(45).Report($"Training LightGBM LambdaRank on {train.Count:#,0} groups ({train.Sum(g => g.Count):#,0} rows); {heldOut.Count:#,0} groups held out…");
        clock.Restart();
        var model = RankerTrainer.Train(train, options.Ranker);
        var trainTime = clock.Elapsed;

        progress.At(80).Report("Measuring NDCG on the held-out groups…");
        var rankers = new List<(string, Func<IReadOnlyList<float[]>, float[]>)> { (RankingMetrics.Model, model.Score) };
        if (await registry.ActiveAsync(ct) is { } active)
        {
            try { rankers.Add(($"{RankingMetrics.Active} (v{active.Id})", RankerModel.Load(active.Model).Score)); }
            catch (InvalidDataException) { progress.Report($"The active version {active.Id} cannot be loaded; it is not compared."); }
        }
        var metrics = RankingMetrics.Measure(heldOut, rankers);

        var synthetic = train.Where(g => g.Source == LabelSource.Synthetic).ToList();
        var realTrain = train.Where(g => g.Source == LabelSource.Real).ToList();
        var labels = new LabelSourceCounts(synthetic.Count, synthetic.Sum(g => g.Count), realTrain.Count, realTrain.Sum(g => g.Count),
            options.Ranker.RealWeight, feedback.FeedbackRows, feedback.SkippedWithoutFeatures,
            synthetic.SelectMany(g => g.Labels).GroupBy(l => l).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            learners.Where(l => !HoldoutSplit.IsHeldOut(l.Group.Key, options.HoldoutPercent))
                .GroupBy(l => l.Persona.Key).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
        var settings = new StoredSettings
        {
            Ranker = options.Ranker, DataSeed = options.DataSeed, SyntheticLearners = options.SyntheticLearners,
            HoldoutPercent = options.HoldoutPercent, Today = today, IncludeRealFeedback = options.IncludeRealFeedback,
        };
        progress.At(92).Report("Storing the new version…");
        var version = await registry.SaveCandidateAsync(model, settings, metrics, labels, options.Actor, ct);
        progress.At(options.Promote ? 95 : 100).Report($"Stored model version {version.Id} as a candidate.");

        PromotionResult? promotion = null;
        if (options.Promote)
        {
            progress.At(96).Report($"Comparing version {version.Id} with the rubric and the active model…");
            promotion = await registry.PromoteAsync(version.Id, heldOut, options.Actor, ct);
            progress.At(100).Report(promotion.Reason);
        }
        return new TrainingReport(version.Id, metrics, labels, train.Count, train.Sum(g => g.Count), gather, trainTime, promotion);
    }

    /// <summary>Remembers the current percentage so a message without one (a warning) keeps the bar where it is.</summary>
    private sealed class Percentages(IProgress<TrainingProgress>? steps)
    {
        private int percent;
        public Percentages At(int value) { percent = Math.Max(percent, value); return this; }
        public void Report(string phase) => steps?.Report(new TrainingProgress(percent, phase));
    }

    /// <summary>Forwards the phase text only, synchronously (the caller's IProgress decides about threads).</summary>
    private sealed class PhaseOnly(IProgress<string> inner) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => inner.Report(value.Phase);
    }

    /// <summary>
    /// The active model (if any) beside the rubric and popularity on fresh synthetic learners (all of them: their
    /// seed is one no training run uses by default, so none was trained on) and on the held-out real-feedback groups.
    /// </summary>
    public async Task<EvaluationReport> EvaluateAsync(EvaluationOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EvaluationOptions();
        var today = options.Today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var learners = await learnerSource.GenerateAsync(options.SyntheticLearners, options.DataSeed, today, ct: ct);
        var groups = learners.Select(l => l.Group).ToList();
        var (real, _) = await FeedbackLabels.LoadGroupsAsync(db, ct);
        groups.AddRange(real.Where(g => HoldoutSplit.IsHeldOut(g, options.HoldoutPercent)));

        var rankers = new List<(string, Func<IReadOnlyList<float[]>, float[]>)>();
        int? versionId = null;
        string? note = null;
        if (await registry.ActiveAsync(ct) is { } active)
        {
            try
            {
                rankers.Add((RankingMetrics.Model, RankerModel.Load(active.Model).Score));
                versionId = active.Id;
            }
            catch (InvalidDataException e) { note = $"Active version {active.Id} cannot be loaded ({e.Message})."; }
        }
        var metrics = RankingMetrics.Measure(groups, rankers);
        return new EvaluationReport(versionId, versionId is null ? Recommendations.ActiveRanker.RubricKind : Recommendations.ActiveRanker.ModelKind, metrics, note);
    }
}
