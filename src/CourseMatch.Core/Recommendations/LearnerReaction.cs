using CourseMatch.Catalog;

namespace CourseMatch.Recommendations;

/// <summary>What the learner did with a pick on the shared plan.</summary>
public sealed record LearnerReaction(bool Saved, bool Dismissed, bool Enrolled, string? Rating)
{
    public static readonly LearnerReaction None = new(false, false, false, null);
    public bool Any => Saved || Dismissed || Enrolled || Rating is not null;

    /// <summary>Folds the learner's feedback, oldest first; a later helpful / not-helpful replaces an earlier one.</summary>
    public static LearnerReaction From(IEnumerable<FeedbackKind> kinds) => kinds.Aggregate(None, (s, k) => k switch
    {
        FeedbackKind.Saved => s with { Saved = true },
        FeedbackKind.Dismissed => s with { Dismissed = true },
        FeedbackKind.Unsaved => s with { Saved = false },
        FeedbackKind.Undismissed => s with { Dismissed = false },
        FeedbackKind.Enrolled => s with { Enrolled = true },
        FeedbackKind.Helpful or FeedbackKind.NotHelpful => s with { Rating = k.ToKebab() },
        _ => s,
    });
}
