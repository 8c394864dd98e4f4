using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Advising;

/// <summary>
/// Everything stored about one advised learner, as one document: what an advisor hands over when a learner asks
/// what is kept about them (and what deleting them removes).
/// </summary>
public sealed class LearnerExport(IDbContextFactory<CourseMatchDb> dbs, Caseload caseload)
{
    public sealed record Document(DateTimeOffset ExportedAt, object Learner, IReadOnlyList<object> Answers, IReadOnlyList<object> Plans, IReadOnlyList<object> Feedback);

    /// <summary>Null when the learner is not this advisor's.</summary>
    public async Task<Document?> BuildAsync(string ownerId, int learnerId, CancellationToken ct = default)
    {
        var learner = await caseload.FindAsync(ownerId, learnerId, ct);
        if (learner is null) return null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var profiles = await db.LearnerProfiles.AsNoTracking().Where(p => p.LearnerId == learnerId && p.OwnerId == ownerId)
            .OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var profileIds = profiles.Select(p => p.Id).ToList();
        var plans = await db.Recommendations.AsNoTracking().Where(r => profileIds.Contains(r.ProfileId))
            .Include(r => r.Items).ThenInclude(i => i.Course).OrderBy(r => r.CreatedAt).AsSplitQuery().ToListAsync(ct);
        var feedback = await db.Feedback.AsNoTracking().Where(f => profileIds.Contains(f.ProfileId)).OrderBy(f => f.CreatedAt)
            .Select(f => new { f.RecommendationId, Course = db.Courses.Where(c => c.Id == f.CourseId).Select(c => c.Slug).First(), f.Kind, f.Position, f.Detail, f.CreatedAt })
            .ToListAsync(ct);

        return new Document(DateTimeOffset.UtcNow,
            new { learner.Id, learner.Name, learner.Email, learner.Notes, learner.Archived, learner.CreatedAt, learner.UpdatedAt },
            [.. profiles.Select(p => (object)new
            {
                p.Id, p.CreatedAt, p.Skills, Goal = p.Goal.ToKebab(), Budget = p.BudgetAmount, p.BudgetCurrency, p.BudgetStrict,
                Format = p.Format.ToKebab(), p.City, p.Country, p.RadiusKm, p.HoursPerWeek, p.StartWithinWeeks,
                Pacing = p.Pacing.ToKebab(), p.Language, p.WantsCertificate,
            })],
            [.. plans.Select(r => (object)new
            {
                r.Id, r.Token, r.CreatedAt, r.Ranker, ModelVersion = r.ModelVersionId, AnswersId = r.ProfileId,
                Picks = r.Items.OrderBy(i => i.Track).ThenBy(i => i.Excluded).ThenBy(i => i.Position).Select(i => new
                {
                    Course = i.Course.Slug, i.Course.Title, Track = i.Track.ToKebab(), RankerRank = i.Rank, i.Position, i.Pinned, i.Excluded,
                    i.ExcludedReason, i.Note, i.Reasons,
                }),
            })],
            [.. feedback.Select(f => (object)new { Plan = f.RecommendationId, f.Course, Kind = f.Kind.ToKebab(), f.Position, f.Detail, f.CreatedAt })]);
    }
}
