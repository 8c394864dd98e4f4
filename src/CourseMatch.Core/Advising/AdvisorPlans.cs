using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Advising;

/// <summary>A pick as the advisor's editor shows it: the ranker's rank, where it stands now, and what was done with it.</summary>
public sealed record EditorItem(int CourseId, string Slug, string Title, string Provider, Track Track, int Rank, int Position, double Score,
    bool Pinned, bool Excluded, string? ExcludedReason, string? Note, IReadOnlyList<string> Reasons, CourseFormat Format, decimal? Price, string? Currency,
    bool FreeToAudit, bool PaidUnlisted, string? City, string? Country,
    LearnerReaction Reaction);

public sealed record EditorPlan(int Id, string Token, int LearnerId, string LearnerName, DateTimeOffset CreatedAt, string Ranker, int? ModelVersion,
    int Revision, DateTimeOffset? AdjustedAt, IReadOnlyList<EditorItem> Items, IReadOnlyDictionary<string, string> EmptyTracks)
{
    /// <summary>A track's picks in the advisor's order, excluded ones last.</summary>
    public IEnumerable<EditorItem> Track(Track track) =>
        Items.Where(i => i.Track == track).OrderBy(i => i.Excluded).ThenBy(i => i.Position).ThenBy(i => i.Rank);
}

/// <summary>One course's place in two generations of a learner's plan.</summary>
public sealed record PlanChange(string Slug, string Title, Track Track, int? Before, int? After, bool ExcludedBefore)
{
    public string Describe() => (Before, After) switch
    {
        // An excluded pick has no position before, so this is told apart from "same place" by the flag alone.
        (null, null) when ExcludedBefore => "excluded earlier",
        (null, not null) => "new",
        (not null, null) => "dropped",
        (int b, int a) when a < b => $"up {b - a}",
        (int b, int a) when a > b => $"down {a - b}",
        _ => "same place",
    };
}

/// <summary>How one answer differs between the two generations (skills, goal, budget, ...).</summary>
public sealed record AnswerChange(string Field, string Before, string After);

/// <summary>One thing the learner did with a pick of a plan shared with them.</summary>
public sealed record ReactionRow(string Slug, string Title, FeedbackKind Kind, DateTimeOffset At, int? PlanId)
{
    public string Describe() => Kind switch
    {
        FeedbackKind.Saved => "saved",
        FeedbackKind.Dismissed => "dismissed",
        FeedbackKind.Enrolled => "enrolled",
        FeedbackKind.Helpful => "marked helpful",
        FeedbackKind.NotHelpful => "marked not helpful",
        FeedbackKind.Unsaved => "undid a save",
        FeedbackKind.Undismissed => "undid a dismissal",
        _ => Kind.ToKebab(),
    };
}

public sealed record PlanComparison(PlanSummary Older, PlanSummary Newer, IReadOnlyList<AnswerChange> Answers, IReadOnlyList<PlanChange> Picks);

/// <summary>Reading a learner's plans for the advisor: the editor's view, and two generations side by side.</summary>
public sealed class AdvisorPlans(IDbContextFactory<CourseMatchDb> dbs, Caseload caseload)
{
    /// <summary>The plan with every pick (excluded ones too) and the learner's reactions; null when it is not this advisor's.</summary>
    public async Task<EditorPlan?> LoadAsync(string ownerId, int learnerId, int planId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var plan = await db.Recommendations.AsNoTracking()
            .Where(r => r.Id == planId && r.Profile.LearnerId == learnerId && r.Profile.OwnerId == ownerId)
            .Include(r => r.Items).ThenInclude(i => i.Course).ThenInclude(c => c.Provider)
            .AsSplitQuery()
            .FirstOrDefaultAsync(ct);
        if (plan is null) return null;
        var name = await db.AdvisedLearners.Where(l => l.Id == learnerId).Select(l => l.Name).FirstAsync(ct);
        var reactions = (await db.Feedback.AsNoTracking()
                .Where(f => f.RecommendationId == planId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id)
                .Select(f => new { f.CourseId, f.Kind }).ToListAsync(ct))
            .Where(f => !Ranking.FeedbackLabels.IsAdvisor(f.Kind))
            .GroupBy(f => f.CourseId).ToDictionary(g => g.Key, g => LearnerReaction.From(g.Select(f => f.Kind)));
        var items = plan.Items.Select(i => new EditorItem(i.CourseId, i.Course.Slug, i.Course.Title, i.Course.Provider.Name, i.Track, i.Rank, i.Position, i.Score,
            i.Pinned, i.Excluded, i.ExcludedReason, i.Note, i.Reasons, i.Course.Format,
            i.Course.Price, i.Course.Currency, i.Course.FreeToAudit, i.Course.PaidUnlisted, i.Course.City, i.Course.Country,
            reactions.GetValueOrDefault(i.CourseId) ?? LearnerReaction.None)).ToList();
        return new EditorPlan(plan.Id, plan.Token, learnerId, name, plan.CreatedAt, plan.Ranker, plan.ModelVersionId, plan.Revision, plan.AdjustedAt, items, plan.EmptyReasons);
    }

    /// <summary>The plan's revision (it grows with each adjustment), to notice another session's changes; null when it is not this advisor's.</summary>
    public async Task<int?> RevisionAsync(string ownerId, int learnerId, int planId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Recommendations.Where(r => r.Id == planId && r.Profile.OwnerId == ownerId && r.Profile.LearnerId == learnerId)
            .Select(r => (int?)r.Revision).FirstOrDefaultAsync(ct);
    }

    /// <summary>Two of the learner's plans side by side: what changed in the answers and where each pick went. Null when either is not theirs.</summary>
    public async Task<PlanComparison?> CompareAsync(string ownerId, int learnerId, int olderId, int newerId, CancellationToken ct = default)
    {
        var plans = await caseload.PlansAsync(ownerId, learnerId, ct);
        var older = plans.FirstOrDefault(p => p.Id == olderId);
        var newer = plans.FirstOrDefault(p => p.Id == newerId);
        if (older is null || newer is null) return null;
        if (older.CreatedAt > newer.CreatedAt || (older.CreatedAt == newer.CreatedAt && older.Id > newer.Id)) (older, newer) = (newer, older);

        await using var db = await dbs.CreateDbContextAsync(ct);

        var rows = await db.RecommendationItems.AsNoTracking()
            .Where(i => i.RecommendationId == older.Id || i.RecommendationId == newer.Id)
            .Select(i => new { i.RecommendationId, i.CourseId, i.Course.Slug, i.Course.Title, i.Track, i.Position, i.Excluded })
            .ToListAsync(ct);
        var picks = rows.GroupBy(r => r.CourseId).Select(g =>
        {
            var before = g.FirstOrDefault(r => r.RecommendationId == older.Id);
            var after = g.FirstOrDefault(r => r.RecommendationId == newer.Id);
            var any = after ?? before!;
            return new PlanChange(any.Slug, any.Title, any.Track,
                before is { Excluded: false } ? before.Position : null, after is { Excluded: false } ? after.Position : null, before?.Excluded == true);
        })
        .Where(c => c.Before is not null || c.After is not null || c.ExcludedBefore)
        .OrderBy(c => c.Track).ThenBy(c => c.After ?? int.MaxValue).ThenBy(c => c.Before ?? int.MaxValue).ToList();

        var profiles = await db.Recommendations.AsNoTracking().Where(r => r.Id == older.Id || r.Id == newer.Id)
            .Select(r => new { r.Id, r.Profile }).ToListAsync(ct);
        var skills = await db.Skills.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Slug, s.Name }).ToListAsync(ct);
        var a = profiles.First(p => p.Id == older.Id).Profile;
        var b = profiles.First(p => p.Id == newer.Id).Profile;
        var answers = new List<AnswerChange>();
        foreach (var s in skills)
            if (a.Level(s.Slug) != b.Level(s.Slug)) answers.Add(new(s.Name, $"level {a.Level(s.Slug)}", $"level {b.Level(s.Slug)}"));
        // What the skills check measured moves on its own: a learner may keep their own level while the check's changes.
        foreach (var s in skills)
        {
            var (x, y) = (Measured(a, s.Slug), Measured(b, s.Slug));
            if (x != y) answers.Add(new($"{s.Name} (measured)", x, y));
        }
        void Diff(string field, string x, string y) { if (x != y) answers.Add(new(field, x, y)); }
        Diff("Goal", a.Goal.ToKebab(), b.Goal.ToKebab());
        Diff("Budget", Budget(a), Budget(b));
        Diff("Format", a.Format.ToKebab(), b.Format.ToKebab());
        Diff("Place", a.City is null ? "none" : $"{a.City} ({a.RadiusKm} km)", b.City is null ? "none" : $"{b.City} ({b.RadiusKm} km)");
        Diff("Hours a week", a.HoursPerWeek.ToString(System.Globalization.CultureInfo.InvariantCulture), b.HoursPerWeek.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Diff("Pacing", a.Pacing.ToKebab(), b.Pacing.ToKebab());
        return new PlanComparison(older, newer, answers, picks);
    }

    /// <summary>Every reaction the learner gave on any of their plans (saved, dismissed, helpful, ...), newest first.</summary>
    public async Task<List<ReactionRow>> ReactionsAsync(string ownerId, int learnerId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Feedback.AsNoTracking()
            .Where(f => db.LearnerProfiles.Any(p => p.Id == f.ProfileId && p.LearnerId == learnerId && p.OwnerId == ownerId))
            // The learner's own reactions only; the advisor's adjustments would otherwise crowd them out of the limit.
            .Where(f => f.Kind == FeedbackKind.Saved || f.Kind == FeedbackKind.Dismissed || f.Kind == FeedbackKind.Enrolled
                        || f.Kind == FeedbackKind.Helpful || f.Kind == FeedbackKind.NotHelpful
                        || f.Kind == FeedbackKind.Unsaved || f.Kind == FeedbackKind.Undismissed)
            .OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id)
            .Select(f => new { f.Kind, f.CreatedAt, f.RecommendationId, Course = db.Courses.Where(c => c.Id == f.CourseId).Select(c => new { c.Slug, c.Title }).First() })
            .Take(1000)
            .ToListAsync(ct);
        return [.. rows.Select(r => new ReactionRow(r.Course.Slug, r.Course.Title, r.Kind, r.CreatedAt, r.RecommendationId))];
    }

    private static string Measured(LearnerProfile p, string skill) =>
        p.Measured.TryGetValue(skill, out var m) ? $"level {m.Level} ({Math.Round(m.Confidence * 100):0}% sure)" : "not checked";

    private static string Budget(LearnerProfile p) =>
        p.BudgetAmount is decimal b ? $"{Reasons.Money(b, p.BudgetCurrency)}{(p.BudgetStrict ? " (strict)" : "")}" : "none given";
}
