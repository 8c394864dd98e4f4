using CourseMatch.Data;
using CourseMatch.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Web.Operations;

/// <summary>What the monitor last saw of the standby: reachable or not, how far behind, and whether reads use it.</summary>
public sealed record ReplicaState(bool Configured, bool Reachable, double? LagSeconds, bool ReadsOnStandby, DateTimeOffset? CheckedAt, string? Error)
{
    public static readonly ReplicaState None = new(false, false, null, false, null, null);
}

/// <summary>
/// Once a second, measures how far the streaming standby is behind the primary and moves public reads between them
/// (<see cref="ReadDatabase.Route"/>): standby down or more than <c>CourseMatch:MaxReplicaLagSeconds</c> (default 5)
/// behind → the primary; caught up again → the standby.
/// </summary>
/// <remarks>
/// Lag is measured in time without trusting either server's idea of "last transaction": each tick records the
/// primary's WAL position with the time it was seen, then asks the standby how far it has replayed. If it has replayed
/// the position just recorded, the lag is zero; otherwise it is the age of the oldest recorded position it has not
/// reached yet. An idle primary therefore reads as zero lag, and a stalled standby's lag grows by a second a second.
/// </remarks>
public sealed class ReplicaMonitor(ReadDatabase reads, NpgsqlDataSource primary, StandbySource standby, IConfiguration configuration,
    TimeProvider clock, ILogger<ReplicaMonitor> log) : BackgroundService
{
    private readonly TimeSpan maxLag = TimeSpan.FromSeconds(configuration.GetValue("CourseMatch:MaxReplicaLagSeconds", 5.0));
    private readonly Queue<(NpgsqlLogSequenceNumber Lsn, DateTimeOffset SeenAt)> seen = new();
    private volatile ReplicaState state = ReplicaState.None;

    public ReplicaState State => state;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (standby.DataSource is null) return;
        state = state with { Configured = true, ReadsOnStandby = reads.StandbyInUse };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        do
        {
            try { await CheckAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One measurement; public so tests can drive it without waiting for the timer.</summary>
    public async Task CheckAsync(CancellationToken ct = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(2));
        var now = clock.GetUtcNow();

        try
        {
            await using var cmd = primary.CreateCommand("SELECT pg_current_wal_lsn()");
            var lsn = (NpgsqlLogSequenceNumber)(await cmd.ExecuteScalarAsync(bounded.Token))!;
            seen.Enqueue((lsn, now));
            while (seen.Count > 0 && now - seen.Peek().SeenAt > TimeSpan.FromMinutes(5)) seen.Dequeue();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // Primary unreachable: the standby is the only place left to read from; its lag cannot be known. If the
            // primary went away, every idle connection to it is dead: drop them now, not one failed request at a time.
            if (ReadDatabase.IsConnectionFault(e)) primary.Clear();
        }

        try
        {
            await using var cmd = standby.DataSource!.CreateCommand("SELECT pg_last_wal_replay_lsn()");
            var replayed = await cmd.ExecuteScalarAsync(bounded.Token) is NpgsqlLogSequenceNumber l ? l : default;
            var missing = seen.Where(s => s.Lsn > replayed).Select(s => (DateTimeOffset?)s.SeenAt).FirstOrDefault();
            var lag = missing is { } since ? (now - since).TotalSeconds : 0;
            var fresh = lag <= maxLag.TotalSeconds;
            if (fresh != reads.StandbyInUse)
                log.LogWarning(fresh ? "The standby has caught up ({Lag:0.0} s behind): public reads go to it again."
                                     : "The standby is {Lag:0.0} s behind: public reads go to the primary until it catches up.", lag);
            reads.Route(fresh);
            CourseMatchTelemetry.ReportReplicaLag(lag);
            state = new ReplicaState(true, true, lag, fresh, now, null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            if (state.Reachable || state.CheckedAt is null)
                log.LogWarning("The standby does not answer ({Error}): public reads go to the primary.", e.Message);
            reads.Route(false);
            CourseMatchTelemetry.ReportReplicaLag(null);
            state = new ReplicaState(true, false, null, false, now, e.Message);
        }
    }

    /// <summary>The replica's part of /health: degraded (not failing) when it is down or behind, since reads go on.</summary>
    public sealed class HealthCheck(ReplicaMonitor monitor) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var s = monitor.State;
            var data = new Dictionary<string, object>
            {
                ["configured"] = s.Configured,
                ["readsOnStandby"] = s.ReadsOnStandby,
            };
            if (s.LagSeconds is { } lag) data["lagSeconds"] = Math.Round(lag, 3);
            if (s.CheckedAt is { } at) data["checkedAt"] = at;
            return Task.FromResult(
                !s.Configured ? HealthCheckResult.Healthy("No standby is configured: reads use the primary.", data)
                : s.CheckedAt is null ? HealthCheckResult.Degraded("The standby has not been checked yet.", data: data)
                : !s.Reachable ? HealthCheckResult.Degraded($"The standby does not answer: reads use the primary. {s.Error}", data: data)
                : !s.ReadsOnStandby ? HealthCheckResult.Degraded("The standby is behind: reads use the primary until it catches up.", data: data)
                : HealthCheckResult.Healthy("The standby answers and is caught up: public reads use it.", data));
        }
    }
}

/// <summary>A connection to the standby only (null without one): for measuring it, never for reading the catalog.</summary>
public sealed record StandbySource(NpgsqlDataSource? DataSource);
