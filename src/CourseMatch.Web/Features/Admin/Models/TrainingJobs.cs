using CourseMatch.Web.Components.Shared;
using System.Data.Common;
using CourseMatch.Ranking;

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
/// Runs one model training at a time in the background, for the admin page. A singleton: the run outlives the
/// circuit that started it (an admin may close the tab), and every open admin page sees the same progress.
/// </summary>
/// <remarks>
/// The run needs no DI scope: <see cref="RankerTraining"/> is a singleton over the app's connection pool.
/// It stops when the app shuts down.
/// </remarks>
public sealed class TrainingJobs(RankerTraining training, IHostApplicationLifetime lifetime, ILogger<TrainingJobs> log)
{
    public const string NotStoredMessage = "The database is not reachable right now; no model was stored. Try again in a moment.";

    private readonly Lock gate = new();
    private TrainingJobState state = TrainingJobState.Idle;

    public TrainingJobState State { get { lock (gate) return state; } }

    /// <summary>Raised (on the training thread) whenever <see cref="State"/> changes.</summary>
    public event Action<TrainingJobState>? Changed;

    /// <summary>The running (or last) training task; tests await it.</summary>
    public Task Current { get; private set; } = Task.CompletedTask;

    /// <summary>Starts training unless a run is already going; <paramref name="message"/> says which.</summary>
    public bool TryStart(TrainingOptions options, string actor, out string message)
    {
        TrainingJobState started;
        lock (gate)
        {
            if (state.Running)
            {
                message = $"A training run started by {state.StartedBy} is still going ({state.Percent}% — {state.Phase}). " +
                          "Only one runs at a time: wait for it to finish.";
                return false;
            }
            started = state = new TrainingJobState(true, 0, "Starting…", actor, DateTimeOffset.UtcNow, null, null, null, null);
        }
        // Listeners hear "started" before any progress of the run.
        Changed?.Invoke(started);
        var ct = lifetime.ApplicationStopping;
        Current = Task.Run(() => RunAsync(options with { Actor = actor }, ct), CancellationToken.None);
        message = $"Training started on {options.SyntheticLearners:#,0} synthetic learners.";
        return true;
    }

    private async Task RunAsync(TrainingOptions options, CancellationToken ct)
    {
        try
        {
            var report = await training.TrainAsync(options, new Steps(this), ct);
            var deciding = report.Metrics.Deciding;
            var numbers = deciding is null ? "no held-out group had a relevant course to measure on."
                : FormattableString.Invariant($"NDCG@{ModelRegistry.PromotionK} {deciding[RankingMetrics.Model]?.At(ModelRegistry.PromotionK):0.000} vs rubric {deciding[RankingMetrics.RubricRanker]?.At(ModelRegistry.PromotionK):0.000} on {deciding.Groups:#,0} held-out groups ({deciding.Labels} labels).");
            var outcome = $"Version {report.ModelVersionId} trained: {numbers}" + (report.Promotion is { } p ? " " + p.Reason : "");
            Update(s => s with { Running = false, Percent = 100, Phase = "Done", FinishedAt = DateTimeOffset.UtcNow, VersionId = report.ModelVersionId, Outcome = outcome, Promoted = report.Promotion?.Promoted == true });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Update(s => s with { Running = false, FinishedAt = DateTimeOffset.UtcNow, Error = "Training stopped: the app is shutting down." });
        }
        catch (Exception e) when (DatabaseFault.Is(e))
        {
            log.LogWarning(e, "Training failed on a database fault");
            Update(s => s with { Running = false, FinishedAt = DateTimeOffset.UtcNow, Error = NotStoredMessage });
        }
        catch (Exception e)
        {
            log.LogError(e, "Training failed");
            Update(s => s with { Running = false, FinishedAt = DateTimeOffset.UtcNow, Error = $"Training failed: {e.Message}" });
        }
    }

    private void Update(Func<TrainingJobState, TrainingJobState> change)
    {
        TrainingJobState now;
        lock (gate) now = state = change(state);
        try { Changed?.Invoke(now); }
        catch (Exception e) { log.LogWarning(e, "A training progress listener failed"); }
    }

    /// <summary>Applies progress straight to the state (no synchronization context to post to).</summary>
    private sealed class Steps(TrainingJobs jobs) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) =>
            jobs.Update(s => s with { Percent = Math.Clamp(value.Percent, s.Percent, 100), Phase = value.Phase });
    }
}
