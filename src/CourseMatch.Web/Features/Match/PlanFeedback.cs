using CourseMatch.Recommendations;

namespace CourseMatch.Web.Features.Match;

/// <summary>What the learner has done with one pick, as stored: saved, dismissed, and their latest helpful / not-helpful.</summary>
public sealed record PickState(bool Saved = false, bool Dismissed = false, string? Rating = null)
{
    public static readonly PickState None = new();

    /// <summary>The learner's stored reaction as the plan's buttons show it (the advisor's view reads the same fold).</summary>
    public static PickState From(LearnerReaction reaction) => new(reaction.Saved, reaction.Dismissed, reaction.Rating);
}

/// <summary>A learner's click on a pick: the course slug and one of <see cref="RecommendationService.LearnerFeedbackKinds"/>.</summary>
public sealed record PickFeedback(string Slug, string Kind);
