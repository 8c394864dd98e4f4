using CourseMatch.Web.Components.Shared;
using System.Data.Common;
using CourseMatch.Ranking;
using Npgsql;

namespace CourseMatch.Web.Features.Admin.Models;

/// <summary>Where the app's training run is: running or not, how far, and how the last one ended.</summary>
public sealed record TrainingJobState(bool Running, int Percent, string Phase, string? StartedBy, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, int? VersionId, string? Outcome, string? Error)
{
    public static readonly TrainingJobState Idle = new(false, 0, "", null, null, null, null, null, null);

    /// <summary>The run was asked to promote its model and did.</summary>
    public bool Promoted { get; init; }
}

/// <summary>
/// Runs one model training at a time across every instance on the database, in the background, for the admin page.
/// A singleton: the run outlives the circuit that started it (an admin may close the tab), and every open admin page,
/// on any instance, sees the same progress (<see cref="SharedJob{TState}"/> keeps the lock and the row).
/// </summary>
/// <remarks>
/// The run needs no DI scope: <see cref="RankerTraining"/> is a singleton over the app's connection pool.
/// It stops when the app shuts down.
/// </remarks>
public sealed class TrainingJobs : ISharedJob
{
    public const string NotStoredMessage = "The database is not reachable right now; no model was stored. Try again in a moment.";
    public const string NotStartedMessage = "The database is not reachable right now; no training was started. Try again in a moment.";

    /// <summary>The advisory lock key: any constant no other lock of the app uses ("CMtrain" in ASCII).</summary>
    public const long LockKey = 0x434D_7472_6169_6E;

    public static readonly JobKind<TrainingJobState> Kind = new("ranker-training", LockKey, TrainingJobState.Idle, s => s.Running,
        (s, instance) => s with { Running = false, Error = $"Training stopped: the instance running it ({instance ?? "unknown"}) stopped before it finished. Start it again." });

    private readonly RankerTraining training;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<TrainingJobs> log;
    private readonly SharedJob<TrainingJobState> job;

    public TrainingJobs(RankerTraining training, NpgsqlDataSource db, IConfiguration config, IHostApplicationLifetime lifetime, ILogger<TrainingJobs> log)
    {
        this.training = training;
        this.lifetime = lifetime;
        this.log = log;
        job = new SharedJob<TrainingJobState>(Kind, db, Operations.Telemetry.InstanceName(config), log);
    }

    public TrainingJobState State => job.State;

    /// <summary>Raised whenever <see cref="State"/> changes: on the training thread here, on the poller's for a run elsewhere.</summary>
    public event Action<TrainingJobState>? Changed
    {
        add => job.Changed += value;
        remove => job.Changed -= value;
    }

    /// <summary>This instance's running (or last) training, its row written and its lock released; tests await it.</summary>
    public Task Current => job.Current;

    /// <summary>Starts training unless a run is already going on any instance; the message says which.</summary>
    public async Task<(bool Started, string Message)> TryStartAsync(TrainingOptions options, string actor)
    {
        var starting = new TrainingJobState(true, 0, "Starting…", actor, DateTimeOffset.UtcNow, null, null, null, null);
        var ct = lifetime.ApplicationStopping;
        var start = await job.TryStartAsync(starting, update => RunAsync(options with { Actor = actor }, update, ct));
        if (start.Started) return (true, $"Training started on {options.SyntheticLearners:#,0} synthetic learners.");
        if (start.Unreachable) return (false, NotStartedMessage);
        return (false, start.Other is { Running: true } other
            ? $"A training run started by {other.StartedBy} on instance {start.OtherInstance} is still going ({other.Percent}% — {other.Phase}). " +
              "Only one runs at a time: wait for it to finish."
            : "A training run is still going on another instance. Only one runs at a time: wait for it to finish.");
    }

    Task ISharedJob.PollAsync(CancellationToken ct) => job.PollAsync(ct);

    private async Task RunAsync(TrainingOptions options, Action<Func<TrainingJobState, TrainingJobState>> update, CancellationToken ct)
    {
        try
        {
            var report = await training.TrainAsync(options, new Steps(update), ct);
            var deciding = report.Metrics.Deciding;
            var numbers = deciding is null ? "no held-out group had a relevant course to measure on."
                : FormattableString.Invariant($"NDCG@{ModelRegistry.PromotionK} {deciding[RankingMetrics.Model]?.At(ModelRegistry.PromotionK):0.000} vs rubric {deciding[RankingMetrics.RubricRanker]?.At(ModelRegistry.PromotionK):0.000} on {deciding.Groups:#,0} held-out groups ({deciding.Labels} labels).");
            var outcome = $"Version {report.ModelVersionId} trained: {numbers}" + (report.Promotion is { } p ? " " + p.Reason : "");
            update(s => s with { Running = false, Percent = 100, Phase = "Done", FinishedAt = DateTimeOffset.UtcNow, VersionId = report.ModelVersionId, Outcome = outcome, Promoted = report.Promotion?.Promoted == true });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            update(s => s with { Running = false, FinishedAt = DateTimeOffset.UtcNow, Error = "Training stopped: the app is shutting down." });
        }
        catch (Exception e) when (DatabaseFault.Is(e))
        {
            log.LogWarning(e, "Training failed on a database fault");
            update(s => s with { Running = false, FinishedAt = DateTimeOffset.UtcNow, Error = NotStoredMessage });
        }
        catch (Exception e)
        {
            log.LogError(e, "Training failed");
            update(s => s with { Running = false, FinishedAt = DateTimeOffset.UtcNow, Error = $"Training failed: {e.Message}" });
        }
    }

    /// <summary>Applies progress straight to the state (no synchronization context to post to).</summary>
    private sealed class Steps(Action<Func<TrainingJobState, TrainingJobState>> update) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) =>
            update(s => s with { Percent = Math.Clamp(value.Percent, s.Percent, 100), Phase = value.Phase });
    }
}
