using CourseMatch.Data;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Advising;

/// <summary>A row of an advisor's learner list.</summary>
public sealed record LearnerRow(int Id, string Name, string? Email, bool Archived, int Plans, DateTimeOffset? LastPlanAt, DateTimeOffset UpdatedAt);

/// <summary>One generated plan of a learner, for the history.</summary>
public sealed record PlanSummary(int Id, string Token, DateTimeOffset CreatedAt, string Ranker, int? ModelVersion, int Picks, int Excluded, int Pinned, int Revision);

/// <summary>
/// The learners an advisor advises. Every read and write here starts from <see cref="ForOwner"/>, so another
/// advisor's learner is simply not there: callers answer 404, never 403, and never say whose it is.
/// Each call works in a context of its own.
/// </summary>
public sealed class Caseload(IDbContextFactory<CourseMatchDb> dbs, RecommendationService recommender)
{
    public enum Outcome { Saved, NotFound, Invalid, Conflict }

    public sealed record Result(Outcome Outcome, Dictionary<string, string> Errors, AdvisedLearner? Learner = null)
    {
        public static Result NotFound => new(Outcome.NotFound, new() { ["learner"] = "No such learner among yours." });
    }

    public static IQueryable<AdvisedLearner> ForOwner(CourseMatchDb db, string ownerId) => db.AdvisedLearners.Where(l => l.OwnerId == ownerId);

    public async Task<AdvisedLearner?> FindAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await FindIn(db, ownerId, id, ct);
    }

    private static Task<AdvisedLearner?> FindIn(CourseMatchDb db, string ownerId, int id, CancellationToken ct) =>
        ForOwner(db, ownerId).AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct);

    /// <summary>The advisor's learners, newest activity first; <paramref name="search"/> matches name, email or notes.</summary>
    public async Task<List<LearnerRow>> ListAsync(string ownerId, string? search, bool archived, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = ForOwner(db, ownerId).AsNoTracking().Where(l => l.Archived == archived);
        search = InputText.WithoutControlCharacters(search);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            // The escape character must be named: without it Npgsql sends ESCAPE '' and the backslashes match themselves.
            q = q.Where(l => EF.Functions.ILike(l.Name, pattern, "\\") || EF.Functions.ILike(l.Email ?? "", pattern, "\\") || EF.Functions.ILike(l.Notes, pattern, "\\"));
        }
        // Ordered as an anonymous row: EF cannot translate ordering by the members of a record built in Select.
        var rows = await q
            .Select(l => new
            {
                l.Id, l.Name, l.Email, l.Archived, l.UpdatedAt,
                Plans = db.Recommendations.Count(r => r.Profile.LearnerId == l.Id),
                LastPlanAt = db.Recommendations.Where(r => r.Profile.LearnerId == l.Id).Max(r => (DateTimeOffset?)r.CreatedAt),
            })
            .OrderByDescending(r => r.LastPlanAt ?? r.UpdatedAt).ThenBy(r => r.Name)
            .Take(500)
            .ToListAsync(ct);
        return [.. rows.Select(r => new LearnerRow(r.Id, r.Name, r.Email, r.Archived, r.Plans, r.LastPlanAt, r.UpdatedAt))];
    }

    public async Task<Result> AddAsync(string ownerId, LearnerInput input, CancellationToken ct = default)
    {
        var errors = input.Validate();
        if (errors.Count > 0) return new(Outcome.Invalid, errors);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var learner = new AdvisedLearner { OwnerId = ownerId, Name = input.Name!.Trim(), Email = Blank(input.Email), Notes = input.Notes?.Trim() ?? "" };
        db.AdvisedLearners.Add(learner);
        await db.SaveChangesAsync(ct);
        return new(Outcome.Saved, [], learner);
    }

    /// <summary>Saves name, email and notes if nobody changed the learner since <paramref name="version"/> was read.</summary>
    public async Task<Result> UpdateAsync(string ownerId, int id, uint version, LearnerInput input, CancellationToken ct = default)
    {
        var errors = input.Validate();
        if (errors.Count > 0) return new(Outcome.Invalid, errors);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var learner = await ForOwner(db, ownerId).FirstOrDefaultAsync(l => l.Id == id, ct);
        if (learner is null) return Result.NotFound;
        if (learner.Version != version)
            return new(Outcome.Conflict, new() { ["learner"] = "These details were changed in another session. Reload to see them, then make your change again." }, learner);
        db.Entry(learner).Property(l => l.Version).OriginalValue = version;
        learner.Name = input.Name!.Trim();
        learner.Email = Blank(input.Email);
        learner.Notes = input.Notes?.Trim() ?? "";
        learner.UpdatedAt = DateTimeOffset.UtcNow;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException)
        {
            return new(Outcome.Conflict, new() { ["learner"] = "These details were changed in another session. Reload to see them, then make your change again." });
        }
        return new(Outcome.Saved, [], learner);
    }

    public async Task<bool> SetArchivedAsync(string ownerId, int id, bool archived, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await ForOwner(db, ownerId).Where(l => l.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Archived, archived).SetProperty(l => l.UpdatedAt, DateTimeOffset.UtcNow), ct) == 1;
    }

    /// <summary>
    /// Deletes the learner with every answer, plan, adjustment and reaction of theirs (the foreign keys cascade;
    /// docs/decisions/0009). Returns false when there is no such learner of this advisor.
    /// </summary>
    public async Task<bool> DeleteAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await ForOwner(db, ownerId).Where(l => l.Id == id).ExecuteDeleteAsync(ct) == 1;
    }

    /// <summary>The learner's latest answers, or null when none were given yet.</summary>
    public async Task<LearnerProfile?> CurrentProfileAsync(string ownerId, int learnerId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.LearnerProfiles.AsNoTracking().Include(p => p.Place)
            .Where(p => p.LearnerId == learnerId && p.OwnerId == ownerId)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Stores the answers as the learner's new profile and generates a plan for it. Earlier answers stay with the
    /// plans made from them, so the history can show what changed.
    /// </summary>
    public async Task<RecommendationService.Outcome?> GeneratePlanAsync(string ownerId, int learnerId, ProfileInput answers, CancellationToken ct = default)
    {
        if (await FindAsync(ownerId, learnerId, ct) is null) return null;
        return await recommender.RecommendAsync(answers, ct, ownerId, learnerId);
    }

    /// <summary>
    /// Attaches a plan the learner made on /match, given its share link or token: its answers and plans join the
    /// learner's history. A plan already attached to someone is refused.
    /// </summary>
    public async Task<Result> AttachPlanAsync(string ownerId, int learnerId, string? linkOrToken, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await FindIn(db, ownerId, learnerId, ct) is null) return Result.NotFound;
        var token = TokenOf(linkOrToken);
        if (token is null) return new(Outcome.Invalid, new() { ["link"] = "Paste the plan's share link (it ends in /plans/…) or its token." });
        var profileId = await db.Recommendations.Where(r => r.Token == token).Select(r => (int?)r.ProfileId).FirstOrDefaultAsync(ct);
        if (profileId is null) return new(Outcome.Invalid, new() { ["link"] = "No plan has that link. Check it was copied whole." });
        var attached = await db.LearnerProfiles.Where(p => p.Id == profileId && p.LearnerId == null && p.OwnerId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LearnerId, learnerId).SetProperty(p => p.OwnerId, ownerId), ct);
        if (attached == 0)
        {
            var mine = await db.LearnerProfiles.AnyAsync(p => p.Id == profileId && p.LearnerId == learnerId && p.OwnerId == ownerId, ct);
            return mine ? new(Outcome.Saved, []) : new(Outcome.Invalid, new() { ["link"] = "That plan is already attached to a learner." });
        }
        await ForOwner(db, ownerId).Where(l => l.Id == learnerId).ExecuteUpdateAsync(s => s.SetProperty(l => l.UpdatedAt, DateTimeOffset.UtcNow), ct);
        return new(Outcome.Saved, []);
    }

    /// <summary>The token of a share link (…/plans/TOKEN, with or without a query) or a bare token; null when it cannot be one.</summary>
    public static string? TokenOf(string? linkOrToken)
    {
        var s = linkOrToken?.Trim() ?? "";
        var at = s.LastIndexOf("/plans/", StringComparison.OrdinalIgnoreCase);
        if (at >= 0) s = s[(at + "/plans/".Length)..];
        var end = s.IndexOfAny(['?', '#', '/']);
        if (end >= 0) s = s[..end];
        return s.Length is > 0 and <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? s : null;
    }

    /// <summary>The learner's plans, newest first.</summary>
    public async Task<List<PlanSummary>> PlansAsync(string ownerId, int learnerId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Recommendations.AsNoTracking()
            .Where(r => r.Profile.LearnerId == learnerId && r.Profile.OwnerId == ownerId)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Select(r => new PlanSummary(r.Id, r.Token, r.CreatedAt, r.Ranker, r.ModelVersionId,
                r.Items.Count(i => !i.Excluded), r.Items.Count(i => i.Excluded), r.Items.Count(i => i.Pinned), r.Revision))
            .ToListAsync(ct);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
