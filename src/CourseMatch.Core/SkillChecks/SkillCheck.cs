using CourseMatch.Catalog;

namespace CourseMatch.SkillChecks;

public enum CheckState { Open, Done }

/// <summary>
/// One learner's check of one skill, kept on the server so the items' answers never reach the page before they are
/// given, a reload resumes where it was, and a plan can trust the level it reports (the questionnaire sends the token).
/// </summary>
public class SkillCheck
{
    public long Id { get; set; }
    /// <summary>The unguessable name the page holds (in the questionnaire's draft) to resume and to cite the result.</summary>
    public required string Token { get; set; }
    public int SkillId { get; set; }
    public Skill Skill { get; set; } = null!;
    /// <summary>The level the learner gave themselves before the check, when they had.</summary>
    public int? SelfRating { get; set; }
    /// <summary>The item on the page now, awaiting its answer; null once the check is done.</summary>
    public int? CurrentItemId { get; set; }
    /// <summary>Every answer given, in order.</summary>
    public List<CheckAnswer> Answers { get; set; } = [];
    public CheckState State { get; set; }
    /// <summary>The measured level and the estimate's probability of it, once done.</summary>
    public int? Level { get; set; }
    public double? Confidence { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public IEnumerable<Answered> Answered => Answers.Select(a => new Answered(a.Level, a.Options, a.Response));
}

/// <summary>One answer: the item, its level and options when asked, what was given (null: "I don't know") and how it scored.</summary>
public sealed record CheckAnswer(int ItemId, int Level, int Options, Response Response, string? Given);
