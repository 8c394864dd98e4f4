using System.Text.Json;
using System.Text.Json.Nodes;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Ranking;

/// <summary>What a model was trained with, stored as <see cref="ModelVersion.Settings"/>; enough to regenerate its held-out groups.</summary>
public sealed record StoredSettings
{
    public string Trainer { get; init; } = "ML.NET LightGBM LambdaRank";
    public RankerSettings Ranker { get; init; } = new();
    /// <summary>Seed of the synthetic learners (learner i uses <see cref="SyntheticLearners.RandomFor"/>(seed, i)).</summary>
    public int DataSeed { get; init; }
    public int SyntheticLearners { get; init; }
    public int HoldoutPercent { get; init; } = HoldoutSplit.DefaultPercent;
    /// <summary>The day candidates were found for (session windows depend on it).</summary>
    public DateOnly Today { get; init; }
    public bool IncludeRealFeedback { get; init; } = true;
    public string[] Features { get; init; } = Recommendations.FeatureVector.Names;
}

/// <summary>Training rows by label source, stored as <see cref="ModelVersion.LabelSources"/>.</summary>
public sealed record LabelSourceCounts(int SyntheticGroups, int SyntheticRows, int RealGroups, int RealRows, float RealWeight,
    int FeedbackRows, int FeedbackWithoutFeatures, IReadOnlyDictionary<int, int> SyntheticGrades, IReadOnlyDictionary<string, int> Personas);

/// <summary>The outcome of a promotion attempt, with the numbers it was decided on.</summary>
public sealed record PromotionResult(bool Promoted, int CandidateId, int? PreviousActiveId, string Reason, RankingMetrics? Comparison);

public sealed record RollbackResult(bool RolledBack, int? From, int? To, string Reason);

/// <summary>
/// Model versions in PostgreSQL: store a trained candidate, promote it when it measures at least as well as the
/// rubric and the active model, roll back. At most one version is Active (a unique partial index guarantees it).
/// </summary>
/// <remarks>
/// Promotion rule: on the candidate's held-out groups (regenerated from its stored settings, or those given),
/// the candidate, the rubric and the currently active model are all scored; the candidate's NDCG@<see cref="PromotionK"/>
/// must be ≥ the rubric's and ≥ the active model's. The labels decided on are the real-feedback groups when at
/// least <see cref="RankingMetrics.MinRealGroups"/> are held out, otherwise the synthetic ones. The swap
/// (active → Retired, candidate → Active) is one transaction under an advisory lock, and is refused if the
/// active version changed while the comparison ran.
/// </remarks>
public sealed class ModelRegistry(NpgsqlDataSource db)
{
    public const int PromotionK = 5;
    private const long PromotionLock = 0x436f_7572_7365_4d; // "CourseM"

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public async Task<ModelVersion> SaveCandidateAsync(RankerModel model, StoredSettings settings, RankingMetrics metrics, LabelSourceCounts labels, CancellationToken ct = default)
    {
        var version = new ModelVersion
        {
            Status = ModelStatus.Candidate,
            Settings = JsonSerializer.Serialize(settings, Json),
            Metrics = JsonSerializer.Serialize(metrics, Json),
            LabelSources = JsonSerializer.Serialize(labels, Json),
            Model = model.ToBytes(),
        };
        await using var context = CourseMatchDb.Create(db);
        context.ModelVersions.Add(version);
        await context.SaveChangesAsync(ct);
        return version;
    }

    public async Task<ModelVersion?> ActiveAsync(CancellationToken ct = default)
    {
        await using var context = CourseMatchDb.Create(db);
        return await context.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Active, ct);
    }

    public async Task<ModelVersion?> FindAsync(int id, CancellationToken ct = default)
    {
        await using var context = CourseMatchDb.Create(db);
        return await context.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
    }

    public static StoredSettings SettingsOf(ModelVersion version) =>
        JsonSerializer.Deserialize<StoredSettings>(version.Settings, Json) ?? new StoredSettings();

    public static RankingMetrics? MetricsOf(ModelVersion version)
    {
        try { return JsonSerializer.Deserialize<RankingMetrics>(version.Metrics, Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// The held-out groups a version was measured on: its held-out synthetic learners regenerated from its
    /// settings (only those learners are queried), plus the held-out real-feedback groups as they are now.
    /// </summary>
    public async Task<List<RankingGroup>> HeldOutGroupsAsync(StoredSettings settings, CancellationToken ct = default)
    {
        var groups = new List<RankingGroup>();
        if (settings.SyntheticLearners > 0)
        {
            var learners = await Ranking.SyntheticLearners.GenerateAsync(db, settings.SyntheticLearners, settings.DataSeed, settings.Today,
                include: i => HoldoutSplit.IsHeldOut(Ranking.SyntheticLearners.Key(settings.DataSeed, i), settings.HoldoutPercent), ct: ct);
            groups.AddRange(learners.Select(l => l.Group));
        }
        if (settings.IncludeRealFeedback)
        {
            var (real, _) = await FeedbackLabels.LoadGroupsAsync(db, ct);
            groups.AddRange(real.Where(g => HoldoutSplit.IsHeldOut(g.Key, settings.HoldoutPercent)));
        }
        return groups;
    }

    /// <summary>
    /// Makes <paramref name="candidateId"/> the active version if it measures at least as well as the rubric and
    /// the active model at NDCG@5 on the same held-out groups (<paramref name="heldOut"/>, or regenerated from
    /// the candidate's settings).
    /// </summary>
    public async Task<PromotionResult> PromoteAsync(int candidateId, IReadOnlyList<RankingGroup>? heldOut = null, CancellationToken ct = default)
    {
        var candidate = await FindAsync(candidateId, ct);
        if (candidate is null) return new(false, candidateId, null, $"There is no model version {candidateId}.", null);
        if (candidate.Status == ModelStatus.Active) return new(false, candidateId, candidateId, $"Version {candidateId} is already active.", null);

        RankerModel candidateModel;
        try { candidateModel = RankerModel.Load(candidate.Model); }
        catch (InvalidDataException e) { return new(false, candidateId, null, $"Version {candidateId} cannot be loaded: {e.Message}", null); }

        heldOut ??= await HeldOutGroupsAsync(SettingsOf(candidate), ct);
        if (heldOut.Count == 0) return new(false, candidateId, null, "There are no held-out groups to compare on.", null);

        var active = await ActiveAsync(ct);
        RankerModel? activeModel = null;
        string? activeNote = null;
        if (active is not null)
        {
            try { activeModel = RankerModel.Load(active.Model); }
            catch (InvalidDataException) { activeNote = $" (active version {active.Id} cannot be loaded, so it does not count)"; }
        }

        var rankers = new List<(string, Func<IReadOnlyList<float[]>, float[]>)> { (RankingMetrics.Model, candidateModel.Score) };
        if (activeModel is not null) rankers.Add((RankingMetrics.Active, activeModel.Score));
        var comparison = RankingMetrics.Measure(heldOut, rankers);
        var deciding = comparison.Deciding;
        if (deciding is null) return new(false, candidateId, active?.Id, "No held-out group has a relevant course to compare on.", comparison);

        var mine = deciding[RankingMetrics.Model]!.At(PromotionK);
        var rubric = deciding[RankingMetrics.RubricRanker]!.At(PromotionK);
        var current = deciding[RankingMetrics.Active]?.At(PromotionK);
        var on = $"NDCG@{PromotionK} on {deciding.Groups} held-out groups with {LabelSource.Describe(deciding.Labels)}";
        if (mine < rubric)
            return new(false, candidateId, active?.Id, $"Not promoted: {mine:0.000} is below the rubric's {rubric:0.000} ({on}).", comparison);
        if (current is double c && mine < c)
            return new(false, candidateId, active?.Id, $"Not promoted: {mine:0.000} is below active version {active!.Id}'s {c:0.000} ({on}).", comparison);

        var promotion = new JsonObject
        {
            ["promotion"] = new JsonObject
            {
                ["previousActiveId"] = active?.Id, ["k"] = PromotionK, ["labels"] = deciding.Labels, ["groups"] = deciding.Groups,
                ["model"] = mine, ["rubric"] = rubric, ["active"] = current, ["at"] = DateTimeOffset.UtcNow,
            },
        };

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(@lock)", ct, ("lock", PromotionLock));
        var nowActive = await ActiveIdAsync(conn, tx, ct);
        if (nowActive != active?.Id)
            return new(false, candidateId, nowActive, "Not promoted: the active version changed while the comparison ran; try again.", comparison);
        if (nowActive is int previous)
            await ExecAsync(conn, tx, "UPDATE model_versions SET status = 'Retired' WHERE id = @id", ct, ("id", previous));
        var updated = await ExecAsync(conn, tx,
            "UPDATE model_versions SET status = 'Active', promoted_at = now(), metrics = metrics || @promotion WHERE id = @id AND status <> 'Active'", ct,
            ("id", candidateId), ("promotion", new NpgsqlParameter { Value = promotion.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb }));
        if (updated != 1)
        {
            await tx.RollbackAsync(ct);
            return new(false, candidateId, nowActive, $"Version {candidateId} disappeared or changed during promotion.", comparison);
        }
        await tx.CommitAsync(ct);
        var beat = current is double cur ? $", active version {active!.Id} {cur:0.000}" : "";
        return new(true, candidateId, active?.Id, $"Promoted: {mine:0.000} vs rubric {rubric:0.000}{beat}{activeNote} ({on}).", comparison);
    }

    /// <summary>
    /// Re-activates the version the active one replaced (recorded at promotion; otherwise the most recently
    /// promoted retired version) and retires the active one. Refused when there is no such version.
    /// </summary>
    public async Task<RollbackResult> RollbackAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(@lock)", ct, ("lock", PromotionLock));

        int? current = null, previous = null;
        bool recorded = false;
        await using (var cmd = new NpgsqlCommand(
            "SELECT id, metrics #>> '{promotion,previousActiveId}', metrics ? 'promotion' FROM model_versions WHERE status = 'Active' FOR UPDATE", conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (await r.ReadAsync(ct))
            {
                current = r.GetInt32(0);
                previous = r.IsDBNull(1) ? null : int.Parse(r.GetString(1), System.Globalization.CultureInfo.InvariantCulture);
                recorded = r.GetBoolean(2);
            }
        }

        int? target;
        if (recorded) target = previous;
        else
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT id FROM model_versions WHERE status = 'Retired' AND promoted_at IS NOT NULL AND id IS DISTINCT FROM @current
                ORDER BY promoted_at DESC, id DESC LIMIT 1
                """, conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter("current", NpgsqlDbType.Integer) { Value = (object?)current ?? DBNull.Value });
            target = await cmd.ExecuteScalarAsync(ct) is int id ? id : null;
        }
        if (target is null)
            return new(false, current, null, current is null
                ? "There is no active model and no earlier version to roll back to."
                : $"Version {current} replaced no earlier model: there is nothing to roll back to.");

        if (current is int from) await ExecAsync(conn, tx, "UPDATE model_versions SET status = 'Retired' WHERE id = @id", ct, ("id", from));
        if (await ExecAsync(conn, tx, "UPDATE model_versions SET status = 'Active' WHERE id = @id AND length(model) > 0", ct, ("id", target.Value)) != 1)
        {
            await tx.RollbackAsync(ct);
            return new(false, current, target, $"Version {target} no longer exists or holds no model.");
        }
        await tx.CommitAsync(ct);
        return new(true, current, target, current is int was
            ? $"Rolled back from version {was} to version {target}."
            : $"No model was active; version {target} is active again.");
    }

    private static async Task<int?> ActiveIdAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT id FROM model_versions WHERE status = 'Active' FOR UPDATE", conn, tx);
        return await cmd.ExecuteScalarAsync(ct) is int id ? id : null;
    }

    private static async Task<int> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter p) { p.ParameterName = name; cmd.Parameters.Add(p); }
            else cmd.Parameters.AddWithValue(name, value);
        }
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
