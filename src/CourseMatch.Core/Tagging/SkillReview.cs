using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tagging;

public enum ReviewAction { Accept, Correct, Reject }

public enum QueueOrder { Confidence, Reach }

/// <summary>An admin's decision on one proposal; <see cref="Corrected"/> only for a correction.</summary>
public sealed record ReviewDecision(int ProposalId, ReviewAction Action, SkillLevels? Corrected);

/// <summary>An open proposal as the review queue shows it.</summary>
public sealed record QueueItem(int ProposalId, int CourseId, string Slug, string Title, string Provider, CourseStatus CourseStatus,
    ProposalStatus Status, double Confidence, int Reach, IReadOnlyDictionary<string, LevelGuess> Taught,
    IReadOnlyDictionary<string, LevelGuess> Required, double OutsideConfidence, bool NotEnoughText, string? Summary)
{
    /// <summary>A published course from another source whose text is nearly the same: possibly this course twice.</summary>
    public LookAlike? LooksLike { get; init; }
}

public sealed record QueuePage(IReadOnlyList<QueueItem> Items, int Total, int Pending, int Applied);

/// <summary>
/// The review queue: open proposals, and an admin's decisions on them. A decision confirms the course's skills, is
/// audited, and stays with the proposal as a label for the next tagger.
/// </summary>
public sealed class SkillReview(IDbContextFactory<CourseMatchDb> dbs, SimilarCourses similar)
{
    public const int PageSize = 25;

    public async Task<QueuePage> QueueAsync(QueueOrder order = QueueOrder.Confidence, ProposalStatus? status = null, int page = 1, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var open = db.SkillProposals.AsNoTracking().Where(p => p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Applied);
        var pending = await open.CountAsync(p => p.Status == ProposalStatus.Pending, ct);
        var applied = await open.CountAsync(p => p.Status == ProposalStatus.Applied, ct);
        var shown = status is { } s ? open.Where(p => p.Status == s) : open;
        var total = await shown.CountAsync(ct);
        shown = order == QueueOrder.Reach
            ? shown.OrderByDescending(p => p.Reach).ThenByDescending(p => p.Confidence).ThenBy(p => p.Id)
            : shown.OrderByDescending(p => p.Confidence).ThenByDescending(p => p.Reach).ThenBy(p => p.Id);
        var items = await shown.Skip((Math.Max(page, 1) - 1) * PageSize).Take(PageSize)
            .Select(p => new QueueItem(p.Id, p.CourseId, p.Course.Slug, p.Course.Title, p.Course.Provider.Name, p.Course.Status, p.Status,
                p.Confidence, p.Reach, p.Taught, p.Required, p.OutsideConfidence, p.NotEnoughText, p.Course.Summary))
            .ToListAsync(ct);
        var alike = await similar.LookAlikesAsync(items.Select(i => i.CourseId).ToList(), ct);
        items = [.. items.Select(i => alike.TryGetValue(i.CourseId, out var a) ? i with { LooksLike = a } : i)];
        return new QueuePage(items, total, pending, applied);
    }

    /// <summary>
    /// Decides one open proposal: accept it as proposed, correct it (<paramref name="corrected"/> says what the course
    /// teaches and requires), or reject it (the course teaches none of the proposed skills). Returns what stopped it, or null.
    /// </summary>
    public async Task<string?> DecideAsync(int proposalId, ReviewAction action, SkillLevels? corrected, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var skills = await db.Skills.AsNoTracking().ToDictionaryAsync(s => s.Slug, s => (s.Id, s.Name), StringComparer.Ordinal, ct);
        var proposal = await db.SkillProposals.SingleOrDefaultAsync(p => p.Id == proposalId, ct);
        if (proposal is null) return $"There is no proposal {proposalId}.";
        if (!proposal.IsOpen) return $"Proposal {proposalId} is already {proposal.Status.ToString().ToLowerInvariant()}; reload the queue.";
        var final = action switch
        {
            ReviewAction.Accept => new SkillLevels(proposal.Taught.ToDictionary(t => t.Key, t => t.Value.Level), proposal.Required.ToDictionary(t => t.Key, t => t.Value.Level)),
            ReviewAction.Correct => corrected,
            ReviewAction.Reject => SkillLevels.Outside,
        };
        if (final is null) return "A correction needs the skills the course teaches (or none).";
        if (Problem(final, skills) is { } problem) return problem;
        if (action == ReviewAction.Accept && proposal.NotEnoughText) return "This course has too little text for a proposal; correct it with the skills it teaches, or reject it.";

        var course = await db.Courses.Include(c => c.Provider).Include(c => c.Skills).ThenInclude(s => s.Skill)
            .Include(c => c.Prerequisites).ThenInclude(s => s.Skill).AsSplitQuery().SingleAsync(c => c.Id == proposal.CourseId, ct);
        var before = new { skills = Levels(course.Skills.Select(s => (s.Skill.Slug, s.Level))), prerequisites = Levels(course.Prerequisites.Select(s => (s.Skill.Slug, s.MinLevel))), status = course.SkillsStatus.ToString() };
        CourseTagging.WriteSkills(course, final, skills, SkillsStatus.Confirmed, null);
        proposal.Status = action switch
        {
            ReviewAction.Accept => ProposalStatus.Accepted,
            ReviewAction.Correct => ProposalStatus.Corrected,
            ReviewAction.Reject => ProposalStatus.Rejected,
        };
        (proposal.DecidedBy, proposal.DecidedAt) = (actor, DateTimeOffset.UtcNow);
        (proposal.FinalTaught, proposal.FinalRequired) = (new(final.Taught), new(final.Required));
        Audit.Record(db, actor, "Course", course.Id, $"Skills {proposal.Status.ToString().ToLowerInvariant()}", before,
            new { skills = SkillLevels.Format(final.Taught), prerequisites = SkillLevels.Format(final.Required), status = nameof(SkillsStatus.Confirmed) },
            $"{course.Title}: the tagger's proposal {proposal.Status.ToString().ToLowerInvariant()}" + (final.IsOutside ? " (teaches none of the taxonomy)." : "."));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return "Someone changed this course meanwhile; reload the queue."; }
        return null;
    }

    /// <summary>The same decision (accept or reject) for several proposals, each on its own; returns the problems by proposal.</summary>
    public async Task<IReadOnlyDictionary<int, string>> DecideManyAsync(IEnumerable<int> proposalIds, ReviewAction action, string actor, CancellationToken ct = default)
    {
        var problems = new Dictionary<int, string>();
        if (action == ReviewAction.Correct) throw new ArgumentException("Corrections are made one course at a time.", nameof(action));
        foreach (var id in proposalIds.Distinct())
            if (await DecideAsync(id, action, null, actor, ct) is { } problem) problems[id] = problem;
        return problems;
    }

    private static string? Problem(SkillLevels levels, Dictionary<string, (int Id, string Name)> skills)
    {
        foreach (var (slug, level) in levels.Taught.Concat(levels.Required))
        {
            if (!skills.ContainsKey(slug)) return $"\"{slug}\" is not a skill; the skills are {string.Join(", ", skills.Keys.Order(StringComparer.Ordinal))}.";
            if (level is < 1 or > Skill.MaxLevel) return $"{slug}: level {level} is not 1–4.";
        }
        foreach (var (slug, min) in levels.Required)
            if (levels.Taught.TryGetValue(slug, out var reached) && reached < min)
                return $"{slug}: a course cannot teach a lower level than it requires (requires {min}, teaches {reached}).";
        return null;
    }

    private static string Levels(IEnumerable<(string Slug, int Level)> levels) => string.Join("; ", levels.OrderBy(l => l.Slug, StringComparer.Ordinal).Select(l => $"{l.Slug}:{l.Level}"));
}
