using CourseMatch.Data;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Features.Match;

/// <summary>What the learner has done with one pick, as stored: saved, dismissed, and their latest helpful / not-helpful.</summary>
public sealed record PickState(bool Saved = false, bool Dismissed = false, string? Rating = null)
{
    public static readonly PickState None = new();

    /// <summary>Folds a pick's feedback, oldest first, the way the advisor's view reads it too.</summary>
    public static PickState From(IEnumerable<FeedbackKind> kinds)
    {
        var reaction = CourseMatch.Advising.LearnerReaction.From(kinds);
        return new(reaction.Saved, reaction.Dismissed, reaction.Rating);
    }
}

/// <summary>A learner's click on a pick: the course slug and one of <see cref="RecommendationService.LearnerFeedbackKinds"/>.</summary>
public sealed record PickFeedback(string Slug, string Kind);

public static class PlanFeedback
{
    /// <summary>
    /// Every stored reaction per pick of the plan. <see cref="RecommendationService.FeedbackAsync"/> keeps only the latest
    /// kind, which would hide "saved" once the learner also marks the pick helpful.
    /// </summary>
    public static async Task<Dictionary<string, PickState>> StatesAsync(CourseMatchDb db, string token, CancellationToken ct = default) =>
        (await db.Feedback.AsNoTracking()
            .Where(f => db.Recommendations.Any(r => r.Token == token && r.Id == f.RecommendationId))
            .OrderBy(f => f.Id)
            .Select(f => new { Slug = db.Courses.Where(c => c.Id == f.CourseId).Select(c => c.Slug).First(), f.Kind })
            .ToListAsync(ct))
        .GroupBy(f => f.Slug)
        .ToDictionary(g => g.Key, g => PickState.From(g.Select(f => f.Kind)));
}
