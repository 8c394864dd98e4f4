using System.Text.Json;
using System.Text.Json.Nodes;
using CourseMatch.Curation;
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
/// A candidate measured beside the rubric, popularity and the active model on the same held-out groups, and what
/// the promotion rule says about it. <see cref="Refusal"/> is null when the candidate may be promoted.
/// </summary>
public sealed record ModelComparison(int CandidateId, int? ActiveId, RankingMetrics? Metrics, string? Refusal)
{
    public bool Promotable => Refusal is null;
    /// <summary>NDCG@<see cref="ModelRegistry.PromotionK"/> on the deciding labels (set when <see cref="Metrics"/> has a deciding set).</summary>
    public double? Model { get; init; }
    public double? Rubric { get; init; }
    public double? Active { get; init; }
    public string? Labels { get; init; }
    public int Groups { get; init; }
    /// <summary>"NDCG@5 on 40 held-out groups with …": what the numbers were measured on.</summary>
    public string? On { get; init; }
    /// <summary>Why the active model does not count, when it cannot be loaded.</summary>
    public string? ActiveNote { get; init; }
}

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
/// Audit: storing a candidate writes a "Trained" entry, a promotion a "Promoted" entry and a rollback a "RolledBack"
/// entry (entity "ModelVersion", before/after = status and NDCG summary), each in the same transaction as the write,
/// so the log and the registry cannot disagree. A refused promotion or rollback changes nothing and writes no entry:
/// the log records writes, and the refusal reason is shown to whoever asked.
/// </remarks>
public sealed class ModelRegistry(NpgsqlDataSource db, IDbContextFactory<CourseMatchDb> dbs, SyntheticLearners synthetic, Recommendations.Candidates candidates)
{
    /// <summary>The stored name of the active status, for the hand-written SQL below.</summary>
    private const string Active = nameof(ModelStatus.Active);

    public const int PromotionK = 5;
    private const long PromotionLock = 0x436f_7572_7365_4d; // "CourseM"

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public Task<ModelVersion> SaveCandidateAsync(RankerModel model, StoredSettings settings, RankingMetrics metrics, LabelSourceCounts labels, CancellationToken ct = default) =>
        SaveCandidateAsync(model, settings, metrics, labels, null, ct);

    /// <summary>Stores a trained model as a Candidate and audits it ("Trained", by <paramref name="actor"/>, <see cref="Audit.CliActor"/> when null).</summary>
    public async Task<ModelVersion> SaveCandidateAsync(RankerModel model, StoredSettings settings, RankingMetrics metrics, LabelSourceCounts labels, string? actor, CancellationToken ct = default)
    {
        var version = new ModelVersion
        {
            Status = ModelStatus.Candidate,
            Settings = JsonSerializer.Serialize(settings, Json),
            Metrics = JsonSerializer.Serialize(metrics, Json),
            LabelSources = JsonSerializer.Serialize(labels, Json),
            Model = model.ToBytes(),
        };
        await using var context = await dbs.CreateDbContextAsync(ct);
        await using var tx = await context.Database.BeginTransactionAsync(ct);
        context.ModelVersions.Add(version);
        await context.SaveChangesAsync(ct); // the id the audit entry names
        var summary = NdcgSummary(metrics);
        Audit.Record(context, actor ?? Audit.CliActor, AuditEntity, version.Id, "Trained", null,
            new { status = nameof(ModelStatus.Candidate), ndcg = summary, settings.SyntheticLearners, settings.Ranker.Iterations },
            Truncate($"Trained version {version.Id} on {labels.SyntheticGroups:#,0} synthetic and {labels.RealGroups:#,0} real feedback groups; {Describe(summary)}."));
        await context.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return version;
    }

    /// <summary>A stored version without its model bytes: what a list of versions shows.</summary>
    public sealed record VersionSummary(int Id, ModelStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? PromotedAt, string Settings, string Metrics, string LabelSources);

    /// <summary>The newest versions first.</summary>
    public async Task<List<VersionSummary>> ListAsync(int count = 100, CancellationToken ct = default)
    {
        await using var context = await dbs.CreateDbContextAsync(ct);
        return await context.ModelVersions.AsNoTracking().OrderByDescending(v => v.Id).Take(count)
            .Select(v => new VersionSummary(v.Id, v.Status, v.CreatedAt, v.PromotedAt, v.Settings, v.Metrics, v.LabelSources)).ToListAsync(ct);
    }

    public async Task<ModelVersion?> ActiveAsync(CancellationToken ct = default)
    {
        await using var context = await dbs.CreateDbContextAsync(ct);
        return await context.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Status == ModelStatus.Active, ct);
    }

    public async Task<ModelVersion?> FindAsync(int id, CancellationToken ct = default)
    {
        await using var context = await dbs.CreateDbContextAsync(ct);
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
            var learners = await synthetic.GenerateAsync(settings.SyntheticLearners, settings.DataSeed, settings.Today,
                include: i => HoldoutSplit.IsHeldOut(Ranking.SyntheticLearners.Key(settings.DataSeed, i), settings.HoldoutPercent), ct: ct);
            groups.AddRange(learners.Select(l => l.Group));
        }
        if (settings.IncludeRealFeedback)
        {
            var (real, _) = await FeedbackLabels.LoadGroupsAsync(db, ct);
            groups.AddRange(real.Where(g => HoldoutSplit.IsHeldOut(g, settings.HoldoutPercent)));
        }
        return groups;
    }

    /// <summary>
    /// Scores <paramref name="candidateId"/>, the rubric, popularity and the active model on the same held-out groups
    /// (<paramref name="heldOut"/>, or regenerated from the candidate's settings) and applies the promotion rule,
    /// without changing anything.
    /// </summary>
    public async Task<ModelComparison> CompareAsync(int candidateId, IReadOnlyList<RankingGroup>? heldOut = null, CancellationToken ct = default)
    {
        var candidate = await FindAsync(candidateId, ct);
        if (candidate is null) return new(candidateId, null, null, $"There is no model version {candidateId}.");
        if (candidate.Status == ModelStatus.Active) return new(candidateId, candidateId, null, $"Version {candidateId} is already active.");

        RankerModel candidateModel;
        try { candidateModel = RankerModel.Load(candidate.Model); }
        catch (InvalidDataException e) { return new(candidateId, null, null, $"Version {candidateId} cannot be loaded: {e.Message}"); }

        heldOut ??= await HeldOutGroupsAsync(SettingsOf(candidate), ct);
        if (heldOut.Count == 0) return new(candidateId, null, null, "There are no held-out groups to compare on.");

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
        if (deciding is null) return new(candidateId, active?.Id, comparison, "No held-out group has a relevant course to compare on.");

        var mine = deciding[RankingMetrics.Model]!.At(PromotionK);
        var rubric = deciding[RankingMetrics.RubricRanker]!.At(PromotionK);
        var current = deciding[RankingMetrics.Active]?.At(PromotionK);
        var on = $"NDCG@{PromotionK} on {deciding.Groups} held-out groups with {LabelSource.Describe(deciding.Labels)}";
        string? refusal = null;
        if (mine < rubric)
            refusal = $"Not promoted: {mine:0.000} is below the rubric's {rubric:0.000} ({on}).";
        else if (current is double c && mine < c)
            refusal = $"Not promoted: {mine:0.000} is below active version {active!.Id}'s {c:0.000} ({on}).";
        // The judged set (an advisor's orders, never trained on) has the last word between two models: a candidate that
        // orders its courses further from the advisor than the active model does is not promoted either.
        if (refusal is null && activeModel is not null)
        {
            var judged = await JudgedSet.MeasureAsync(db, candidates,
                [new("candidate", candidateModel.Score), new("active", activeModel.Score)], SettingsOf(candidate).Today, ct: ct);
            var (judgedMine, judgedActive) = (judged.Rankers[0].At5, judged.Rankers[1].At5);
            if (judgedMine < judgedActive)
                refusal = $"Not promoted: {judgedMine:0.000} is below active version {active!.Id}'s {judgedActive:0.000} on the judged set (NDCG@{PromotionK}, {judged.Profiles} profiles an advisor ranked), though it measured {mine:0.000} ({on}).";
        }
        return new(candidateId, active?.Id, comparison, refusal)
        {
            Model = mine, Rubric = rubric, Active = current, Labels = deciding.Labels, Groups = deciding.Groups, On = on, ActiveNote = activeNote,
        };
    }

    /// <summary>
    /// Makes <paramref name="candidateId"/> the active version if it measures at least as well as the rubric and
    /// the active model at NDCG@5 on the same held-out groups (<paramref name="heldOut"/>, or regenerated from
    /// the candidate's settings), and audits the swap in the same transaction.
    /// </summary>
    public Task<PromotionResult> PromoteAsync(int candidateId, IReadOnlyList<RankingGroup>? heldOut = null, CancellationToken ct = default) =>
        PromoteAsync(candidateId, heldOut, null, ct);

    /// <inheritdoc cref="PromoteAsync(int, IReadOnlyList{RankingGroup}?, CancellationToken)"/>
    /// <param name="actor">Who promotes, for the audit log; <see cref="Audit.CliActor"/> when null.</param>
    public async Task<PromotionResult> PromoteAsync(int candidateId, IReadOnlyList<RankingGroup>? heldOut, string? actor, CancellationToken ct = default)
    {
        var compared = await CompareAsync(candidateId, heldOut, ct);
        if (compared.Refusal is not null) return new(false, candidateId, compared.ActiveId, compared.Refusal, compared.Metrics);
        var comparison = compared.Metrics;
        var (mine, rubric, current, on) = (compared.Model!.Value, compared.Rubric!.Value, compared.Active, compared.On!);
        int? activeId = compared.ActiveId;

        var promotion = new JsonObject
        {
            ["promotion"] = new JsonObject
            {
                ["previousActiveId"] = activeId, ["k"] = PromotionK, ["labels"] = compared.Labels, ["groups"] = compared.Groups,
                ["model"] = mine, ["rubric"] = rubric, ["active"] = current, ["at"] = DateTimeOffset.UtcNow,
            },
        };

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(@lock)", ct, ("lock", PromotionLock));
        var nowActive = await ActiveIdAsync(conn, tx, ct);
        if (nowActive != activeId)
            return new(false, candidateId, nowActive, "Not promoted: the active version changed while the comparison ran; try again.", comparison);
        var candidateStatus = await StatusAsync(conn, tx, candidateId, ct);
        if (nowActive is int previous)
            await ExecAsync(conn, tx, "UPDATE model_versions SET status = 'Retired' WHERE id = @id", ct, ("id", previous));
        var updated = await ExecAsync(conn, tx,
            $"UPDATE model_versions SET status = '{Active}', promoted_at = now(), metrics = metrics || @promotion WHERE id = @id AND status <> '{Active}'", ct,
            ("id", candidateId), ("promotion", new NpgsqlParameter { Value = promotion.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb }));
        if (updated != 1)
        {
            await tx.RollbackAsync(ct);
            return new(false, candidateId, nowActive, $"Version {candidateId} disappeared or changed during promotion.", comparison);
        }
        var beat = current is double cur ? $", active version {activeId} {cur:0.000}" : "";
        var reason = $"Promoted: {mine:0.000} vs rubric {rubric:0.000}{beat}{compared.ActiveNote} ({on}).";
        var ndcg = new { k = PromotionK, labels = compared.Labels, groups = compared.Groups, model = mine, rubric, active = current };
        await InsertAuditAsync(conn, tx, actor, candidateId, "Promoted",
            new { status = candidateStatus, activeId, ndcg },
            new { status = nameof(ModelStatus.Active), activeId = candidateId, retiredId = activeId, ndcg },
            reason, ct);
        await tx.CommitAsync(ct);
        return new(true, candidateId, activeId, reason, comparison);
    }

    /// <summary>
    /// Re-activates the version the active one replaced (recorded at promotion; otherwise the most recently
    /// promoted retired version) and retires the active one. Refused when there is no such version.
    /// </summary>
    public Task<RollbackResult> RollbackAsync(CancellationToken ct = default) => RollbackAsync(null, ct);

    /// <inheritdoc cref="RollbackAsync(CancellationToken)"/>
    /// <param name="actor">Who rolls back, for the audit log (written in the same transaction); <see cref="Audit.CliActor"/> when null.</param>
    public async Task<RollbackResult> RollbackAsync(string? actor, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(@lock)", ct, ("lock", PromotionLock));

        int? current = null, previous = null;
        bool recorded = false;
        await using (var cmd = new NpgsqlCommand(
            $"SELECT id, metrics #>> '{{promotion,previousActiveId}}', metrics ? 'promotion' FROM model_versions WHERE status = '{Active}' FOR UPDATE", conn, tx))
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
        if (await ExecAsync(conn, tx, $"UPDATE model_versions SET status = '{Active}' WHERE id = @id AND length(model) > 0", ct, ("id", target.Value)) != 1)
        {
            await tx.RollbackAsync(ct);
            return new(false, current, target, $"Version {target} no longer exists or holds no model.");
        }
        var reason = current is int was
            ? $"Rolled back from version {was} to version {target}."
            : $"No model was active; version {target} is active again.";
        var fromNdcg = current is int f ? NdcgSummary(await MetricsJsonAsync(conn, tx, f, ct)) : null;
        var toNdcg = NdcgSummary(await MetricsJsonAsync(conn, tx, target.Value, ct));
        await InsertAuditAsync(conn, tx, actor, target.Value, "RolledBack",
            new { status = nameof(ModelStatus.Retired), activeId = current, ndcg = fromNdcg },
            new { status = nameof(ModelStatus.Active), activeId = target, retiredId = current, ndcg = toNdcg },
            $"{reason} {(fromNdcg is null ? "" : $"Was: {Describe(fromNdcg)}. ")}Now: {Describe(toNdcg)}.", ct);
        await tx.CommitAsync(ct);
        return new(true, current, target, reason);
    }

    private const string AuditEntity = "ModelVersion";

    /// <summary>NDCG@k of a version's model and the rubric (and the model active then), as stored: the comparison it was promoted on, else its training metrics.</summary>
    public sealed record NdcgNumbers(int K, string? Labels, int Groups, double? Model, double? Rubric, double? Active);

    internal static NdcgNumbers? NdcgSummary(string? metricsJson)
    {
        if (string.IsNullOrEmpty(metricsJson)) return null;
        try
        {
            if (JsonNode.Parse(metricsJson)?["promotion"] is JsonObject p)
                return new(PromotionK, (string?)p["labels"], (int?)p["groups"] ?? 0, (double?)p["model"], (double?)p["rubric"], (double?)p["active"]);
            return NdcgSummary(JsonSerializer.Deserialize<RankingMetrics>(metricsJson, Json));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return null; }
    }

    private static NdcgNumbers? NdcgSummary(RankingMetrics? metrics)
    {
        var set = metrics?.Deciding;
        if (set is null) return null;
        var active = set.Rankers.FirstOrDefault(r => r.Ranker.StartsWith(RankingMetrics.Active, StringComparison.Ordinal));
        return new(PromotionK, set.Labels, set.Groups, set[RankingMetrics.Model]?.At(PromotionK), set[RankingMetrics.RubricRanker]?.At(PromotionK),
            active?.At(PromotionK));
    }

    private static string Describe(NdcgNumbers? n) => n is null
        ? "no NDCG recorded"
        : FormattableString.Invariant($"NDCG@{n.K} model {n.Model:0.000} vs rubric {n.Rubric:0.000} on {n.Groups} held-out groups ({n.Labels ?? "unknown"} labels)");

    private static string Truncate(string s) => s.Length <= 1000 ? s : s[..999] + "…";

    private static async Task InsertAuditAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string? actor, int versionId, string action,
        object before, object after, string summary, CancellationToken ct)
    {
        await ExecAsync(conn, tx, """
            INSERT INTO audit_entries (at, actor, entity, entity_id, action, summary, before, after)
            VALUES (now(), @actor, @entity, @entityId, @action, @summary, @before, @after)
            """, ct,
            ("actor", actor ?? Audit.CliActor), ("entity", AuditEntity), ("entityId", versionId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("action", action), ("summary", Truncate(summary)),
            ("before", new NpgsqlParameter { Value = JsonSerializer.Serialize(before, Json), NpgsqlDbType = NpgsqlDbType.Jsonb }),
            ("after", new NpgsqlParameter { Value = JsonSerializer.Serialize(after, Json), NpgsqlDbType = NpgsqlDbType.Jsonb }));
    }

    private static async Task<string?> MetricsJsonAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT metrics::text FROM model_versions WHERE id = @id", conn, tx);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<string?> StatusAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT status FROM model_versions WHERE id = @id", conn, tx);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<int?> ActiveIdAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT id FROM model_versions WHERE status = '{Active}' FOR UPDATE", conn, tx);
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
