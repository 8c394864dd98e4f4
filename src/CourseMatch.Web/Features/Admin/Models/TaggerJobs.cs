using CourseMatch.Tagging;
using CourseMatch.Web.Components.Shared;
using Npgsql;

namespace CourseMatch.Web.Features.Admin.Models;

/// <summary>Where the app's tagger training is: running or not, who started it, and how the last run ended.</summary>
public sealed record TaggerJobState(bool Running, string? StartedBy, DateTimeOffset? StartedAt, int? ModelId, string? Outcome, string? Error)
{
    public static readonly TaggerJobState Idle = new(false, null, null, null, null, null);
}

/// <summary>
/// Trains one skill tagger at a time across every instance on the database, in the background, for the admin page.
/// A singleton, like <see cref="TrainingJobs"/> and on the same <see cref="SharedJob{TState}"/>: training encodes the
/// labelled set and takes tens of seconds, longer than a circuit may live, and every open page on any instance sees the
/// same run. There is no percentage to show: <see cref="TaggerTraining.TrainAsync"/> reports none.
/// </summary>
public sealed class TaggerJobs : ISharedJob
{
    public const string NotStartedMessage = "The database is not reachable right now; no tagger training was started. Try again in a moment.";

    /// <summary>The advisory lock key: any constant no other lock of the app uses ("CMtagger" in ASCII).</summary>
    public const long LockKey = 0x434D_7461_6767_6572;

    public static readonly JobKind<TaggerJobState> Kind = new("tagger-training", LockKey, TaggerJobState.Idle, s => s.Running,
        (s, instance) => s with { Running = false, Error = $"Tagger training stopped: the instance running it ({instance ?? "unknown"}) stopped before it finished. Start it again." });

    private readonly TaggerTraining training;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<TaggerJobs> log;
    private readonly SharedJob<TaggerJobState> job;

    public TaggerJobs(TaggerTraining training, NpgsqlDataSource db, IConfiguration config, IHostApplicationLifetime lifetime, ILogger<TaggerJobs> log)
    {
        this.training = training;
        this.lifetime = lifetime;
        this.log = log;
        job = new SharedJob<TaggerJobState>(Kind, db, Operations.Telemetry.InstanceName(config), log);
    }

    public TaggerJobState State => job.State;

    /// <summary>Raised whenever <see cref="State"/> changes: on the training thread here, on the poller's for a run elsewhere.</summary>
    public event Action<TaggerJobState>? Changed
    {
        add => job.Changed += value;
        remove => job.Changed -= value;
    }

    /// <summary>This instance's running (or last) training, its row written and its lock released; tests await it.</summary>
    public Task Current => job.Current;

    /// <summary>Starts tagger training unless one is already going on any instance; the message says which.</summary>
    public async Task<(bool Started, string Message)> TryStartAsync(string actor)
    {
        var ct = lifetime.ApplicationStopping;
        var start = await job.TryStartAsync(new TaggerJobState(true, actor, DateTimeOffset.UtcNow, null, null, null), update => RunAsync(actor, update, ct));
        if (start.Started)
            return (true, "Tagger training started: it encodes the labelled courses, trains on the training folds and measures on the held-out ones.");
        if (start.Unreachable) return (false, NotStartedMessage);
        return (false, start.Other is { Running: true } other
            ? $"A tagger training started by {other.StartedBy} on instance {start.OtherInstance} is still going. Only one runs at a time: wait for it to finish."
            : "A tagger training is still going on another instance. Only one runs at a time: wait for it to finish.");
    }

    Task ISharedJob.PollAsync(CancellationToken ct) => job.PollAsync(ct);

    private async Task RunAsync(string actor, Action<Func<TaggerJobState, TaggerJobState>> update, CancellationToken ct)
    {
        Func<TaggerJobState, TaggerJobState> end;
        try
        {
            var result = await training.TrainAsync(actor: actor, ct: ct);
            var e = result.Evaluation;
            var outcome = FormattableString.Invariant(
                $"Tagger model {result.ModelId} trained: micro-F1 {e.Model.MicroF1:0.000} vs keyword baseline {e.Baseline.MicroF1:0.000}, macro-F1 {e.Model.MacroF1:0.000} vs {e.Baseline.MacroF1:0.000} on {e.HeldOut} held-out courses.")
                + (result.Promoted ? " It was the first to beat the baseline, so it is active now." : " It waits as a candidate.");
            end = s => s with { Running = false, ModelId = result.ModelId, Outcome = outcome };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            end = s => s with { Running = false, Error = "Tagger training stopped: the app is shutting down." };
        }
        catch (Exception e) when (DatabaseFault.Is(e))
        {
            log.LogWarning(e, "Tagger training failed on a database fault");
            end = s => s with { Running = false, Error = TrainingJobs.NotStoredMessage };
        }
        catch (Exception e)
        {
            // The encoder failing to load lands here too: its message says so in plain words.
            log.LogError(e, "Tagger training failed");
            end = s => s with { Running = false, Error = $"Tagger training failed: {e.Message}" };
        }
        update(end);
    }
}
