namespace CourseMatch.Advising;

/// <summary>
/// Someone an advisor advises. Only the owning advisor ever sees them; every query goes through
/// <see cref="Caseload.ForOwner"/>. Their questionnaire answers are <see cref="CourseMatch.Learners.LearnerProfile"/>
/// rows (one per edit, so each plan keeps the answers it was made for).
/// </summary>
public class AdvisedLearner
{
    public const int MaxName = 100;
    public const int MaxEmail = 254;
    public const int MaxNotes = 2000;
    /// <summary>What the learner list's search box takes.</summary>
    public const int MaxSearch = 100;

    public int Id { get; set; }
    /// <summary>The advisor's user id.</summary>
    public required string OwnerId { get; set; }
    /// <summary>A name or a pseudonym: whatever the advisor and learner agree on.</summary>
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string Notes { get; set; } = "";
    public bool Archived { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>PostgreSQL xmin: two sessions editing the same learner do not overwrite each other.</summary>
    public uint Version { get; set; }
}
