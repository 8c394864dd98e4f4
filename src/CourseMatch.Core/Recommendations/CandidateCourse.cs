using CourseMatch.Catalog;

namespace CourseMatch.Recommendations;

/// <summary>A published course that passed the learner's hard constraints, with what ranking needs to know of it.</summary>
public sealed record CandidateCourse
{
    // Grouped by what ranking asks of a course: what it is, how and when it runs, how well it is rated, what it
    // costs, where it is, how much time it takes, and (below) what it teaches and needs.
    public required int Id { get; init; }
    public required string Slug { get; init; }
    public required string Title { get; init; }
    public required string Provider { get; init; }
    public required CourseKind Kind { get; init; }
    public required CourseLevel Level { get; init; }
    public required string Language { get; init; }

    public required CourseFormat Format { get; init; }
    public required Pacing Pacing { get; init; }

    public bool HasSessions { get; init; }
    public DateOnly? NextSessionStart { get; init; }

    public bool Certificate { get; init; }
    public decimal? Rating { get; init; }
    public int RatingCount { get; init; }

    public bool FreeToAudit { get; init; }
    public decimal? Price { get; init; }
    /// <summary>Paid, amount not listed (<see cref="Price"/> is null): a plan says so rather than "price not listed".</summary>
    public bool PaidUnlisted { get; init; }
    public string? Currency { get; init; }
    /// <summary>Price in the learner's budget currency (after exchange), when the price is known.</summary>
    public decimal? PriceInBudgetCurrency { get; init; }

    public string? City { get; init; }
    public string? Country { get; init; }
    public double? DistanceKm { get; init; }

    // The lower end of a range ("2–4 hours a week" is read as 2), as effort_hours is: ranking judges a course by the
    // least it asks, and one number per course keeps the features and the simulator as they were trained.
    public int? DurationWeeks { get; init; }
    public decimal? HoursPerWeek { get; init; }
    public decimal? EffortHours { get; init; }

    /// <summary>Hours a week the course asks: as listed, else its total effort spread over its weeks; null when neither is known.</summary>
    public decimal? WeeklyHours => HoursPerWeek ?? (EffortHours is decimal e && DurationWeeks is int w && w > 0 ? e / w : null);

    /// <summary>Skill slug → level the course takes a learner to.</summary>
    public IReadOnlyDictionary<string, int> Teaches { get; init; } = new Dictionary<string, int>();
    /// <summary>Skill slug → minimum level expected.</summary>
    public IReadOnlyDictionary<string, int> Requires { get; init; } = new Dictionary<string, int>();
    public IReadOnlyList<int> RequiredCourseIds { get; init; } = [];
    /// <summary>The skills and prerequisites were written by the tagger and no one has reviewed them yet.</summary>
    public bool SkillsInferred { get; init; }

    public bool IsFree => Price == 0m;
    public bool IsInPerson => Format is CourseFormat.InPerson or CourseFormat.Hybrid;
    public bool IsSelfPaced => Pacing == Pacing.SelfPaced;
}
