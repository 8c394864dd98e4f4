using CourseMatch.Recommendations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CourseMatch.Ranking;

/// <summary>
/// The web app's ranker (register as a singleton): serves the Active <see cref="ModelVersion"/>. At most every
/// <see cref="RecheckInterval"/> it asks the database which version is active (one indexed lookup of the id)
/// and, when that changed, loads the new one and swaps it in without a restart; requests keep using the old
/// one until the new one is ready. No active version, empty or corrupt model bytes, or a database error →
/// a logged warning and <see cref="ActiveRanker.RubricRanker"/>. Scoring is thread-safe (<see cref="RankerModel.Score"/>).
/// </summary>
public sealed class ModelRankerSource : IRankerSource
{
    public static readonly TimeSpan DefaultRecheckInterval = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource db;
    private readonly ILogger<ModelRankerSource> logger;
    private readonly SemaphoreSlim refresh = new(1, 1);
    private volatile Loaded? current;
    private long nextCheck; // Environment.TickCount64 after which the active id is checked again
    private int? failedVersion; // the version last found unloadable, so the warning is logged once

    private sealed record Loaded(int? VersionId, ActiveRanker Ranker);

    public TimeSpan RecheckInterval { get; }

    public ModelRankerSource(NpgsqlDataSource db, ILogger<ModelRankerSource> logger, TimeSpan? recheckInterval = null)
    {
        this.db = db;
        this.logger = logger;
        RecheckInterval = recheckInterval ?? DefaultRecheckInterval;
    }

    /// <summary>Makes the next <see cref="GetAsync"/> check the active version now (after a promotion, in tests).</summary>
    public void Invalidate() => Interlocked.Exchange(ref nextCheck, 0);

    public async ValueTask<ActiveRanker> GetAsync(CancellationToken ct = default)
    {
        var loaded = current;
        if (loaded is not null && Environment.TickCount64 < Interlocked.Read(ref nextCheck)) return loaded.Ranker;

        // One caller refreshes; the others keep using what is loaded (or wait, the very first time).
        if (loaded is not null)
        {
            if (!await refresh.WaitAsync(0, ct)) return loaded.Ranker;
        }
        else await refresh.WaitAsync(ct);
        try
        {
            loaded = current;
            if (loaded is not null && Environment.TickCount64 < Interlocked.Read(ref nextCheck)) return loaded.Ranker;
            var next = await RefreshAsync(loaded, ct);
            current = next;
            Operations.CourseMatchTelemetry.RankerLoaded(next.Ranker.Kind, next.VersionId);
            Interlocked.Exchange(ref nextCheck, Environment.TickCount64 + (long)RecheckInterval.TotalMilliseconds);
            return next.Ranker;
        }
        finally { refresh.Release(); }
    }

    private async Task<Loaded> RefreshAsync(Loaded? loaded, CancellationToken ct)
    {
        int? activeId;
        try
        {
            await using var cmd = db.CreateCommand($"SELECT id FROM model_versions WHERE status = '{nameof(ModelStatus.Active)}'");
            activeId = await cmd.ExecuteScalarAsync(ct) is int id ? id : null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Could not check the active ranking model; keeping {Ranker}.", loaded?.Ranker.Kind ?? ActiveRanker.RubricKind);
            return loaded ?? new Loaded(null, ActiveRanker.RubricRanker);
        }

        if (loaded is not null && loaded.VersionId == activeId) return loaded;
        if (activeId is null)
        {
            if (loaded?.VersionId is not null || loaded is null)
                logger.LogWarning("No active ranking model: ranking with the rubric.");
            return new Loaded(null, ActiveRanker.RubricRanker);
        }
        if (loaded is not null && loaded.VersionId is null && failedVersion == activeId) return loaded;

        try
        {
            await using var cmd = db.CreateCommand("SELECT model FROM model_versions WHERE id = @id");
            cmd.Parameters.AddWithValue("id", activeId.Value);
            var bytes = await cmd.ExecuteScalarAsync(ct) as byte[] ?? [];
            var model = RankerModel.Load(bytes);
            failedVersion = null;
            logger.LogInformation("Ranking with model version {Version}.", activeId);
            return new Loaded(activeId, model.AsActiveRanker(activeId));
        }
        catch (InvalidDataException e)
        {
            failedVersion = activeId;
            logger.LogWarning(e, "Active ranking model version {Version} cannot be loaded: ranking with the rubric.", activeId);
            return new Loaded(null, ActiveRanker.RubricRanker);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Could not read ranking model version {Version}; keeping {Ranker}.", activeId, loaded?.Ranker.Kind ?? ActiveRanker.RubricKind);
            return loaded ?? new Loaded(null, ActiveRanker.RubricRanker);
        }
    }
}
