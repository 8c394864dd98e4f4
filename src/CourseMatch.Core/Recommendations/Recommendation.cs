using CourseMatch.Catalog;
using CourseMatch.Learners;

namespace CourseMatch.Recommendations;

public enum Track { InPerson, Online, Free }

/// <remarks>Stored by name; the learner's kinds come before the advisor's (<c>FeedbackLabels.IsAdvisor</c>).
/// Unsaved and Undismissed undo an earlier Saved or Dismissed: kept as feedback so the history stays whole.</remarks>
public enum FeedbackKind { Saved, Enrolled, Dismissed, Helpful, NotHelpful, Unsaved, Undismissed, AdvisorPinned, AdvisorExcluded, AdvisorReordered, AdvisorUnpinned, AdvisorRestored, AdvisorNoted }

/// <summary>A generated plan: its token is the unguessable share link.</summary>
public class Recommendation
{
    public int Id { get; set; }
    public required string Token { get; set; }
    public int ProfileId { get; set; }
    public LearnerProfile Profile { get; set; } = null!;
    /// <summary>The model version that ranked it; null when the rubric did.</summary>
    public int? ModelVersionId { get; set; }
    public required string Ranker { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<RecommendationItem> Items { get; set; } = [];
    /// <summary>Course ids in learning-path order.</summary>
    public int[] Path { get; set; } = [];
    /// <summary>Why a track is empty, by track name; shown instead of picks.</summary>
    public Dictionary<string, string> EmptyReasons { get; set; } = [];
    /// <summary>Skill slug → level the learning path reaches.</summary>
    public Dictionary<string, int> Reaches { get; set; } = [];
    /// <summary>Counts the advisor's adjustments, so an editor can tell that another session changed the plan.</summary>
    public int Revision { get; set; }
    public DateTimeOffset? AdjustedAt { get; set; }
}

public class RecommendationItem
{
    public int Id { get; set; }
    public int RecommendationId { get; set; }
    public int CourseId { get; set; }
    public Course Course { get; set; } = null!;
    public Track Track { get; set; }
    public int Rank { get; set; }
    public double Score { get; set; }
    public string[] Reasons { get; set; } = [];
    /// <summary>The feature vector the ranker saw, kept so real feedback can become training rows later.</summary>
    public float[] Features { get; set; } = [];

    // The advisor's adjustments. Rank stays what the ranker said, so history and training can compare the two.
    /// <summary>Where the pick stands in its track now (1 = first); equals <see cref="Rank"/> until an advisor moves it.</summary>
    public int Position { get; set; }
    /// <summary>Held at <see cref="Position"/> while the other picks move around it.</summary>
    public bool Pinned { get; set; }
    public bool Excluded { get; set; }
    public string? ExcludedReason { get; set; }
    /// <summary>The advisor's note to the learner about this pick (plain text).</summary>
    public string? Note { get; set; }
}

/// <summary>What a learner or advisor did with a pick: the ranker's real training signal.</summary>
public class Feedback
{
    public long Id { get; set; }
    public int ProfileId { get; set; }
    public int CourseId { get; set; }
    public int? RecommendationId { get; set; }
    public FeedbackKind Kind { get; set; }
    /// <summary>"learner" for anonymous learners, otherwise the user id.</summary>
    public string Who { get; set; } = "learner";
    public int? ModelVersionId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>For an advisor's adjustment: the position the pick was moved or pinned to.</summary>
    public int? Position { get; set; }
    /// <summary>For an advisor's adjustment: the reason for an exclusion, or the note written.</summary>
    public string? Detail { get; set; }
}
