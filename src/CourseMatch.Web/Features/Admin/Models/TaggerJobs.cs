using CourseMatch.Tagging;
using CourseMatch.Web.Components.Shared;

namespace CourseMatch.Web.Features.Admin.Models;

/// <summary>Where the app's tagger training is: running or not, who started it, and how the last run ended.</summary>
public sealed record TaggerJobState(bool Running, string? StartedBy, DateTimeOffset? StartedAt, int? ModelId, string? Outcome, string? Error)
{
    public static readonly TaggerJobState Idle = new(false, null, null, null, null, null);
}

/// <summary>
/// Trains one skill tagger at a time in the background for the admin page. A singleton, like <see cref="TrainingJobs"/>:
/// training encodes the labelled set and takes tens of seconds, longer than a circuit may live, and every open page
/// sees the same run. There is no percentage to show: <see cref="TaggerTraining.TrainAsync"/> reports none.
/// </summary>
public sealed class TaggerJobs(TaggerTraining training, IHostApplicationLifetime lifetime, ILogger<TaggerJobs> log)
{
    private readonly Lock gate = new();
    private TaggerJobState state = TaggerJobState.Idle;

    public TaggerJobState State { get { lock (gate) return state; } }

    /// <summary>Raised (on the training thread) whenever <see cref="State"/> changes.</summary>
    public event Action<TaggerJobState>? Changed;

    /// <summary>The running (or last) training task; tests await it.</summary>
    public Task Current { get; private set; } = Task.CompletedTask;

    public bool TryStart(string actor, out string message)
    {
        lock (gate)
        {
            if (state.Running)
            {
                message = $"A tagger training started by {state.StartedBy} is still going. Only one runs at a time: wait for it to finish.";
                return false;
            }
            state = new TaggerJobState(true, actor, DateTimeOffset.UtcNow, null, null, null);
        }
        Notify(State);
        var ct = lifetime.ApplicationStopping;
        Current = Task.Run(() => RunAsync(actor, ct), CancellationToken.None);
        message = "Tagger training started: it encodes the labelled courses, trains on the training folds and measures on the held-out ones.";
        return true;
    }

    private async Task RunAsync(string actor, CancellationToken ct)
    {
        TaggerJobState end;
        try
        {
            var result = await training.TrainAsync(actor: actor, ct: ct);
            var e = result.Evaluation;
            var outcome = FormattableString.Invariant(
                $"Tagger model {result.ModelId} trained: micro-F1 {e.Model.MicroF1:0.000} vs keyword baseline {e.Baseline.MicroF1:0.000}, macro-F1 {e.Model.MacroF1:0.000} vs {e.Baseline.MacroF1:0.000} on {e.HeldOut} held-out courses.")
                + (result.Promoted ? " It was the first to beat the baseline, so it is active now." : " It waits as a candidate.");
            end = State with { Running = false, ModelId = result.ModelId, Outcome = outcome };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            end = State with { Running = false, Error = "Tagger training stopped: the app is shutting down." };
        }
        catch (Exception e) when (DatabaseFault.Is(e))
        {
            log.LogWarning(e, "Tagger training failed on a database fault");
            end = State with { Running = false, Error = TrainingJobs.NotStoredMessage };
        }
        catch (Exception e)
        {
            // The encoder failing to load lands here too: its message says so in plain words.
            log.LogError(e, "Tagger training failed");
            end = State with { Running = false, Error = $"Tagger training failed: {e.Message}" };
        }
        lock (gate) state = end;
        Notify(end);
    }

    private void Notify(TaggerJobState now)
    {
        try { Changed?.Invoke(now); }
        catch (Exception e) { log.LogWarning(e, "A tagger training listener failed"); }
    }
}
