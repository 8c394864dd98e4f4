using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Data;
using CourseMatch.Ranking;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tagging;

/// <summary>What training a tagger made: the stored candidate and its evaluation beside the keyword baseline.</summary>
public sealed record TaggerTrainingResult(int ModelId, TaggerEvaluation Evaluation, double Threshold, bool Promoted);

/// <summary>A tagger model as a list shows it: its evaluation read back, without its parameters. Evaluation is null when unreadable.</summary>
public sealed record TaggerVersion(int Id, DateTimeOffset CreatedAt, ModelStatus Status, DateTimeOffset? PromotedAt, double Threshold, TaggerEvaluation? Evaluation);

/// <summary>
/// Trains, evaluates, promotes and rolls back skill taggers. Labels: the labelled set's training folds, the curated
/// catalog's confirmed courses, and every review decision; the held-out folds are only ever measured on.
/// </summary>
public sealed class TaggerTraining(IDbContextFactory<CourseMatchDb> dbs, TextEmbedder embedder)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string AuditEntity = "TaggerModel";

    public async Task<IReadOnlyList<TaggerSkill>> SkillsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return (await db.Skills.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct))
            .Select(s => new TaggerSkill(s.Slug, s.Name, s.LevelDescriptors)).ToList();
    }

    /// <summary>The catalog's labels: courses a person confirmed (with or without skills) and review decisions, by course.</summary>
    public async Task<IReadOnlyList<LabelledCourse>> CatalogLabelsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var courses = await db.Courses.AsNoTracking().Where(c => c.SkillsStatus == SkillsStatus.Confirmed)
            .Select(c => new
            {
                c.Id, c.Title, Provider = c.Provider.Name, c.Kind, c.Level, c.Summary, c.Description, c.DurationWeeks,
                Taught = c.Skills.Select(s => new { s.Skill.Slug, s.Level }).ToList(),
                Required = c.Prerequisites.Select(s => new { s.Skill.Slug, Level = s.MinLevel }).ToList(),
                Reviewed = db.SkillProposals.Any(p => p.CourseId == c.Id && p.DecidedAt != null),
            }).OrderBy(c => c.Id).ToListAsync(ct);
        return courses.Select(c => new LabelledCourse($"course:{c.Id}", TextOf(c.Title, c.Provider, c.Kind, c.Level, c.Summary, c.Description, c.DurationWeeks),
            new SkillLevels(c.Taught.ToDictionary(t => t.Slug, t => t.Level, StringComparer.Ordinal), c.Required.ToDictionary(t => t.Slug, t => t.Level, StringComparer.Ordinal)),
            c.Reviewed ? LabelOrigin.Review : LabelOrigin.Curated)).ToList();
    }

    public static TaggingText TextOf(string title, string? provider, CourseKind kind, CourseLevel level, string? summary, string? description, int? weeks) =>
        new(title, provider, kind.ToKebab(), level.ToKebab(), summary, description, weeks);

    private static readonly Lock Encoding = new();
    private static float[][]? labelledVectors;

    /// <summary>The labelled set encoded once per process: the same texts always give the same vectors.</summary>
    private float[][] LabelledVectors()
    {
        lock (Encoding) return labelledVectors ??= embedder.Encode(LabelledSet.Load().Select(l => l.Text.Text).ToList());
    }

    /// <summary>
    /// Trains a tagger on everything but the held-out folds, measures it and the keyword baseline on them, picks the
    /// auto-apply threshold on the training folds (each predicted by a model that did not see it), and stores it as a
    /// candidate; promoted at once when there is no active tagger and it beats the baseline.
    /// </summary>
    public async Task<TaggerTrainingResult> TrainAsync(TaggerSettings? settings = null, string? actor = null, CancellationToken ct = default)
    {
        settings ??= new TaggerSettings();
        var skills = await SkillsAsync(ct);
        var anchors = TaggerTrainer.Anchors(skills, embedder);
        var catalog = await CatalogLabelsAsync(ct);
        var catalogVectors = embedder.Encode(catalog.Select(c => c.Text.Text).ToList(), ct);
        var labelled = LabelledSet.Load();
        var vectors = LabelledVectors();

        var training = labelled.Select((l, i) => (l, vectors[i])).Where(x => !LabelledSet.IsHeldOut(x.l)).ToList();
        var heldOut = labelled.Select((l, i) => (l, vectors[i])).Where(x => LabelledSet.IsHeldOut(x.l)).ToList();
        var all = training.Concat(catalog.Zip(catalogVectors)).ToList();

        // Out-of-fold predictions of the training folds (catalog labels always train) choose each skill's cut and then
        // the auto-apply threshold; the held-out folds are not looked at until the evaluation.
        var slugs = skills.Select(s => s.Slug).ToList();
        var oof = new List<(LabelledCourse Course, float[] Vector, SkillTagger Model)>();
        for (var fold = 0; fold < LabelledSet.FirstHeldOutFold; fold++)
        {
            var f = fold;
            var foldModel = TaggerTrainer.Train(skills, anchors, all.Where(x => x.Item1.Fold != f).ToList(), settings);
            oof.AddRange(training.Where(x => x.l.Fold == f).Select(x => (x.l, x.Item2, foldModel)));
        }
        var oofProbabilities = oof.Select(o => o.Model.Probabilities(o.Course.Text, o.Vector)).ToList();
        var taughtAt = TaggerCuts.Best(slugs, oofProbabilities.Select(p => p.Taught).ToList(), oof.Select(o => o.Course.Labels.Taught).ToList());
        var requiredAt = TaggerCuts.Best(slugs, oofProbabilities.Select(p => p.Required).ToList(), oof.Select(o => o.Course.Labels.Required).ToList());
        var oofProposals = oof.Select(o => new SkillTagger(o.Model.Parameters with { TaughtAt = taughtAt, RequiredAt = requiredAt }).Propose(o.Course.Text, o.Vector)).ToList();
        var threshold = TaggerScoring.ThresholdFor(oof.Select(o => o.Course).ToList(), oofProposals);
        var tagger = TaggerTrainer.Train(skills, anchors, all, settings, taughtAt, requiredAt);

        var evaluation = Evaluate(skills, tagger, heldOut, threshold, all.Count, all.GroupBy(a => a.Item1.Origin).ToDictionary(g => g.Key, g => g.Count()));
        await using var db = await dbs.CreateDbContextAsync(ct);
        var model = new TaggerModel
        {
            Status = ModelStatus.Candidate, Settings = JsonSerializer.Serialize(settings, Json), Metrics = JsonSerializer.Serialize(evaluation, Json),
            Parameters = JsonSerializer.Serialize(tagger.Parameters, Json), AutoApplyThreshold = threshold,
        };
        db.TaggerModels.Add(model);
        await db.SaveChangesAsync(ct); // the id the audit entry names
        Audit.Record(db, actor ?? Audit.CliActor, AuditEntity, model.Id, "Trained", null,
            new { status = nameof(ModelStatus.Candidate), microF1 = Math.Round(evaluation.Model.MicroF1, 3), baselineMicroF1 = Math.Round(evaluation.Baseline.MicroF1, 3), threshold = Math.Round(threshold, 3) },
            FormattableString.Invariant($"Trained tagger {model.Id}: micro-F1 {evaluation.Model.MicroF1:0.000} against the keyword baseline's {evaluation.Baseline.MicroF1:0.000} on {evaluation.HeldOut} held-out courses."));
        await db.SaveChangesAsync(ct);
        var promoted = false;
        if (evaluation.ModelIsBetter && !await db.TaggerModels.AnyAsync(m => m.Status == ModelStatus.Active, ct))
            promoted = (await PromoteAsync(model.Id, actor, ct)).Promoted;
        return new TaggerTrainingResult(model.Id, evaluation, threshold, promoted);
    }

    private static TaggerEvaluation Evaluate(IReadOnlyList<TaggerSkill> skills, SkillTagger tagger, List<(LabelledCourse Course, float[] Vector)> heldOut,
        double threshold, int trainingCount, Dictionary<LabelOrigin, int> bySource)
    {
        var courses = heldOut.Select(h => h.Course).ToList();
        var texts = courses.Select(c => c.Text).ToList();
        var model = tagger.Propose(texts, heldOut.Select(h => (float[]?)h.Vector).ToList());
        var baselineTagger = new KeywordTagger(skills);
        var baseline = baselineTagger.Propose(texts, []);
        return new TaggerEvaluation(
            TaggerScoring.Score(tagger.Name, skills, courses, model, threshold),
            TaggerScoring.Score(baselineTagger.Name, skills, courses, baseline, 1),
            trainingCount, bySource, courses.Count);
    }

    /// <summary>The active tagger's model, or null when none is promoted yet.</summary>
    public async Task<(TaggerModel Model, SkillTagger Tagger)?> ActiveAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var model = await db.TaggerModels.AsNoTracking().SingleOrDefaultAsync(m => m.Status == ModelStatus.Active, ct);
        Operations.CourseMatchTelemetry.TaggerSeen(model?.Id);
        if (model is null) return null;
        var parameters = JsonSerializer.Deserialize<TaggerParameters>(model.Parameters, Json)
            ?? throw new InvalidDataException($"Tagger model {model.Id} has no parameters.");
        return (model, new SkillTagger(parameters));
    }

    public static TaggerEvaluation? EvaluationOf(TaggerModel model) => JsonSerializer.Deserialize<TaggerEvaluation>(model.Metrics, Json);

    /// <summary>Every tagger model, newest first. A row whose metrics do not read as an evaluation is still listed, so it can be seen and retired.</summary>
    public async Task<IReadOnlyList<TaggerVersion>> VersionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.TaggerModels.AsNoTracking().OrderByDescending(m => m.Id)
            .Select(m => new { m.Id, m.CreatedAt, m.Status, m.PromotedAt, m.AutoApplyThreshold, m.Metrics }).ToListAsync(ct);
        return rows.Select(m => new TaggerVersion(m.Id, m.CreatedAt, m.Status, m.PromotedAt, m.AutoApplyThreshold, ReadEvaluation(m.Metrics))).ToList();
    }

    private static TaggerEvaluation? ReadEvaluation(string metrics)
    {
        try
        {
            // Records take missing members as null: "{}" reads without error but is no evaluation.
            return JsonSerializer.Deserialize<TaggerEvaluation>(metrics, Json) is { Model: not null, Baseline: not null } e ? e : null;
        }
        catch (JsonException) { return null; }
    }

    public async Task<PromotionResult> PromoteAsync(int id, string? actor = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var model = await db.TaggerModels.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (model is null) return new PromotionResult(false, id, null, $"There is no tagger model {id}.", null);
        if (EvaluationOf(model) is not { ModelIsBetter: true })
            return new PromotionResult(false, id, null, $"Tagger model {id} does not beat the keyword baseline on the held-out courses; it stays a candidate.", null);
        var active = await db.TaggerModels.SingleOrDefaultAsync(m => m.Status == ModelStatus.Active, ct);
        if (active?.Id == id) return new PromotionResult(false, id, id, $"Tagger model {id} is already active.", null);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (active is not null) { active.Status = ModelStatus.Retired; await db.SaveChangesAsync(ct); }
        model.Status = ModelStatus.Active;
        model.PromotedAt = DateTimeOffset.UtcNow;
        Audit.Record(db, actor ?? Audit.CliActor, AuditEntity, model.Id, "Promoted", new { active = active?.Id }, new { active = model.Id },
            $"Tagger {model.Id} promoted" + (active is null ? "." : $"; tagger {active.Id} retired."));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Operations.CourseMatchTelemetry.TaggerSeen(model.Id);
        return new PromotionResult(true, id, active?.Id, $"Tagger model {id} is active" + (active is null ? "." : $"; model {active.Id} is retired."), null);
    }

    public async Task<RollbackResult> RollbackAsync(string? actor = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var active = await db.TaggerModels.SingleOrDefaultAsync(m => m.Status == ModelStatus.Active, ct);
        if (active is null) return new RollbackResult(false, null, null, "No tagger model is active.");
        var previous = await db.TaggerModels.Where(m => m.Status == ModelStatus.Retired && m.PromotedAt != null && m.Id != active.Id)
            .OrderByDescending(m => m.PromotedAt).FirstOrDefaultAsync(ct);
        if (previous is null) return new RollbackResult(false, active.Id, null, $"Tagger model {active.Id} is the first ever promoted; there is nothing to roll back to.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        active.Status = ModelStatus.Retired;
        await db.SaveChangesAsync(ct);
        previous.Status = ModelStatus.Active;
        Audit.Record(db, actor ?? Audit.CliActor, AuditEntity, previous.Id, "Rolled back", new { active = active.Id }, new { active = previous.Id },
            $"Rolled back to tagger {previous.Id}; tagger {active.Id} retired.");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Operations.CourseMatchTelemetry.TaggerSeen(previous.Id);
        return new RollbackResult(true, active.Id, previous.Id, $"Tagger model {previous.Id} is active again; model {active.Id} is retired.");
    }

    /// <summary>Sets the confidence from which the active tagger's proposals are applied without review.</summary>
    public async Task<string?> SetThresholdAsync(int id, double threshold, string? actor = null, CancellationToken ct = default)
    {
        if (double.IsNaN(threshold) || threshold is < 0 or > 1.001) return "The threshold is a confidence between 0 and 1 (above 1: never apply without review).";
        await using var db = await dbs.CreateDbContextAsync(ct);
        var model = await db.TaggerModels.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (model is null) return $"There is no tagger model {id}.";
        var before = model.AutoApplyThreshold;
        model.AutoApplyThreshold = threshold;
        Audit.Record(db, actor ?? Audit.CliActor, AuditEntity, id, "Threshold set", new { threshold = before }, new { threshold },
            FormattableString.Invariant($"Tagger {id} applies proposals from confidence {threshold:0.000} (was {before:0.000})."));
        await db.SaveChangesAsync(ct);
        return null;
    }
}
