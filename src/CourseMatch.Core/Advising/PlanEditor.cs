using CourseMatch.Data;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Advising;

/// <summary>
/// An advisor's adjustments to a plan: pin a pick to a position, move it, exclude it with a reason (and restore
/// it), and write a note on it. Each adjustment is one transaction that locks the plan row, applies the
/// change to the plan as it is now (not as the editor last saw it), and stores a <see cref="Feedback"/> row
/// with the advisor and the model version that ranked the plan. Two sessions adjusting the same plan therefore
/// both land; only a note written over a note the writer never saw is refused, as a conflict.
/// </summary>
public sealed class PlanEditor(IDbContextFactory<CourseMatchDb> dbs)
{
    public const int MaxReason = 300;
    public const int MaxNote = 1000;

    public enum Outcome { Saved, NotFound, Invalid, Conflict }

    /// <param name="Field">The field a message is about: position, reason, note or course.</param>
    /// <param name="Current">On a note conflict: the note as another session saved it.</param>
    public sealed record Result(Outcome Outcome, string? Field = null, string? Message = null, string? Current = null)
    {
        public static readonly Result Saved = new(Outcome.Saved);
        public static readonly Result NotFound = new(Outcome.NotFound, "plan", "No such plan among your learners.");
        public static Result Invalid(string field, string message) => new(Outcome.Invalid, field, message);
    }

    public Task<Result> PinAsync(string ownerId, int planId, int courseId, int position, CancellationToken ct = default) =>
        AdjustAsync(ownerId, planId, courseId, ct, (track, item) =>
        {
            if (item.Excluded) return (Result.Invalid("position", "Restore this pick before pinning it."), null);
            if (position < 1 || position > track.Count(i => !i.Excluded))
                return (Result.Invalid("position", $"Pin to a position from 1 to {track.Count(i => !i.Excluded)}."), null);
            item.Pinned = true;
            Reflow(track, item, position);
            return (null, new(FeedbackKind.AdvisorPinned, item.Position, null));
        });

    public Task<Result> UnpinAsync(string ownerId, int planId, int courseId, CancellationToken ct = default) =>
        AdjustAsync(ownerId, planId, courseId, ct, (track, item) =>
        {
            if (!item.Pinned) return (Result.Saved, null);
            item.Pinned = false;
            return (null, new(FeedbackKind.AdvisorUnpinned, item.Position, null));
        });

    /// <summary>Moves a pick within its track; a pinned pick moves its pin.</summary>
    public Task<Result> MoveAsync(string ownerId, int planId, int courseId, int position, CancellationToken ct = default) =>
        AdjustAsync(ownerId, planId, courseId, ct, (track, item) =>
        {
            if (item.Excluded) return (Result.Invalid("position", "Restore this pick before moving it."), null);
            var active = track.Count(i => !i.Excluded);
            if (position < 1 || position > active) return (Result.Invalid("position", $"Move to a position from 1 to {active}."), null);
            if (position == item.Position) return (Result.Saved, null);
            Reflow(track, item, position);
            return (null, new(FeedbackKind.AdvisorReordered, item.Position, null));
        });

    public Task<Result> ExcludeAsync(string ownerId, int planId, int courseId, string? reason, CancellationToken ct = default)
    {
        var text = reason?.Trim() ?? "";
        if (text.Length == 0) return Task.FromResult(Result.Invalid("reason", "Say why this pick is excluded; the reason is kept with the plan and teaches the ranker."));
        if (text.Length > MaxReason) return Task.FromResult(Result.Invalid("reason", $"The reason is {text.Length:#,0} characters; keep it to {MaxReason}."));
        if (InputText.HasNul(text)) return Task.FromResult(Result.Invalid("reason", InputText.NulMessage));
        return AdjustAsync(ownerId, planId, courseId, ct, (track, item) =>
        {
            if (item.Excluded && item.ExcludedReason == text) return (Result.Saved, null);
            item.Excluded = true;
            item.Pinned = false;
            item.ExcludedReason = text;
            Reflow(track, null, 0);
            return (null, new(FeedbackKind.AdvisorExcluded, null, text));
        });
    }

    public Task<Result> RestoreAsync(string ownerId, int planId, int courseId, CancellationToken ct = default) =>
        AdjustAsync(ownerId, planId, courseId, ct, (track, item) =>
        {
            if (!item.Excluded) return (Result.Saved, null);
            item.Excluded = false;
            item.ExcludedReason = null;
            // Back where the ranker put it, as far as the pins allow.
            Reflow(track, item, Math.Min(item.Rank, track.Count(i => !i.Excluded)));
            return (null, new(FeedbackKind.AdvisorRestored, item.Position, null));
        });

    /// <summary>
    /// Writes the note on a pick. <paramref name="expected"/> is the note the advisor started from: when another
    /// session has changed it since, nothing is written and the result carries the other text.
    /// </summary>
    public Task<Result> NoteAsync(string ownerId, int planId, int courseId, string? expected, string? note, CancellationToken ct = default)
    {
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text?.Length > MaxNote) return Task.FromResult(Result.Invalid("note", $"The note is {text.Length:#,0} characters; keep it to {MaxNote:#,0}."));
        if (InputText.HasNul(text) || InputText.HasNul(expected)) return Task.FromResult(Result.Invalid("note", InputText.NulMessage));
        return AdjustAsync(ownerId, planId, courseId, ct, (track, item) =>
        {
            if (item.Note == text) return (Result.Saved, null);
            if ((item.Note ?? "") != (string.IsNullOrWhiteSpace(expected) ? "" : expected.Trim()))
                return (new Result(Outcome.Conflict, "note", "This note was changed in another session. Your text is kept below; compare and save again.", item.Note), null);
            item.Note = text;
            return (null, new(FeedbackKind.AdvisorNoted, null, text));
        });
    }

    private sealed record Change(FeedbackKind Kind, int? Position, string? Detail);

    private async Task<Result> AdjustAsync(string ownerId, int planId, int courseId, CancellationToken ct,
        Func<List<RecommendationItem>, RecommendationItem, (Result? Stop, Change? Change)> apply)
    {
        // A fresh context: the plan and its picks are read as another session has left them, not as an editor last saw them.
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row lock orders concurrent adjustments of one plan: each sees the one before it.
        var plan = await db.Recommendations
            .FromSql($"SELECT * FROM recommendations WHERE id = {planId} FOR UPDATE")
            .Where(r => db.LearnerProfiles.Any(p => p.Id == r.ProfileId && p.LearnerId != null && p.OwnerId == ownerId))
            .FirstOrDefaultAsync(ct);
        if (plan is null) return Result.NotFound;
        var items = await db.RecommendationItems.Where(i => i.RecommendationId == planId).OrderBy(i => i.Position).ThenBy(i => i.Rank).ToListAsync(ct);
        var item = items.FirstOrDefault(i => i.CourseId == courseId);
        if (item is null) return new Result(Outcome.NotFound, "course", "That course is not one of this plan's picks.");

        var (stop, change) = apply([.. items.Where(i => i.Track == item.Track)], item);
        if (stop is not null || change is null) return stop ?? Result.Saved;

        if (change.Kind is FeedbackKind.AdvisorExcluded or FeedbackKind.AdvisorRestored) await RecomputeReachesAsync(db, plan, items, ct);
        plan.Revision++;
        plan.AdjustedAt = DateTimeOffset.UtcNow;
        db.Feedback.Add(new Feedback
        {
            ProfileId = plan.ProfileId, CourseId = courseId, RecommendationId = planId, Kind = change.Kind, Who = ownerId,
            ModelVersionId = plan.ModelVersionId, Position = change.Position, Detail = change.Detail,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Saved;
    }

    /// <summary>"Where the plan takes you" counts only the picks the learner still sees.</summary>
    private static async Task RecomputeReachesAsync(CourseMatchDb db, Recommendation plan, List<RecommendationItem> items, CancellationToken ct)
    {
        var shown = items.Where(i => !i.Excluded).Select(i => i.CourseId).Distinct().ToList();
        var taught = await db.CourseSkills.AsNoTracking().Where(cs => shown.Contains(cs.CourseId))
            .GroupBy(cs => cs.Skill.Slug).Select(g => new { Slug = g.Key, Level = g.Max(cs => cs.Level) })
            .ToDictionaryAsync(t => t.Slug, t => t.Level, ct);
        var profile = await db.LearnerProfiles.AsNoTracking().Where(p => p.Id == plan.ProfileId).Select(p => p.Skills).FirstAsync(ct);
        plan.Reaches = profile.ToDictionary(s => s.Key, s => Math.Max(s.Value, taught.GetValueOrDefault(s.Key)));
    }

    /// <summary>
    /// Numbers a track's picks 1..n again. Pinned picks keep their positions (the one just placed wins a clash,
    /// the other moves to the nearest free place); <paramref name="placed"/> goes to <paramref name="position"/>,
    /// or as near as pins allow; the rest keep their order. Excluded picks get position 0.
    /// </summary>
    public static void Reflow(List<RecommendationItem> track, RecommendationItem? placed, int position)
    {
        var active = track.Where(i => !i.Excluded).OrderBy(i => i.Position == 0 ? int.MaxValue : i.Position).ThenBy(i => i.Rank).ToList();
        foreach (var gone in track.Where(i => i.Excluded)) gone.Position = 0;
        var slots = new RecommendationItem?[active.Count];
        if (slots.Length == 0) return;

        void Put(RecommendationItem item, int wanted)
        {
            var at = Math.Clamp(wanted, 1, slots.Length) - 1;
            for (var d = 0; d < slots.Length; d++)
            {
                if (at + d < slots.Length && slots[at + d] is null) { slots[at + d] = item; return; }
                if (at - d >= 0 && slots[at - d] is null) { slots[at - d] = item; return; }
            }
        }

        if (placed is not null && !placed.Excluded) Put(placed, position);
        foreach (var pin in active.Where(i => i.Pinned && i != placed)) Put(pin, pin.Position);
        var free = 0;
        foreach (var rest in active.Where(i => !i.Pinned && i != placed))
        {
            while (slots[free] is not null) free++;
            slots[free] = rest;
        }
        for (var i = 0; i < slots.Length; i++) slots[i]!.Position = i + 1;
    }
}
