
namespace CourseMatch.Catalog;

public class Course
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public int ProviderId { get; set; }
    public Provider Provider { get; set; } = null!;
    public CourseKind Kind { get; set; }
    public string? Summary { get; set; }
    /// <summary>Markdown; rendered with raw HTML disabled.</summary>
    public string? Description { get; set; }
    public string? Url { get; set; }

    public CourseFormat Format { get; set; } = CourseFormat.Online;
    public Pacing Pacing { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }
    public string? Country { get; set; }
    /// <summary>The gazetteer city the course takes place in (in-person and hybrid), for distances.</summary>
    public int? PlaceId { get; set; }
    public Places.Place? Place { get; set; }

    /// <summary>Weeks; with <see cref="DurationWeeksMax"/> when a catalog gives a range ("6–8 weeks").</summary>
    public int? DurationWeeks { get; set; }
    public int? DurationWeeksMax { get; set; }
    /// <summary>Hours a week; with <see cref="HoursPerWeekMax"/> for a range ("2–4 hours per week").</summary>
    public decimal? HoursPerWeek { get; set; }
    public decimal? HoursPerWeekMax { get; set; }
    /// <summary>Hours in all; with <see cref="TotalHoursMax"/> for a range ("1–2 hours").</summary>
    public decimal? TotalHours { get; set; }
    public decimal? TotalHoursMax { get; set; }

    /// <summary>Null when the price is unknown; 0 when free.</summary>
    public decimal? Price { get; set; }
    public string? Currency { get; set; }
    public bool FreeToAudit { get; set; }
    /// <summary>Paid, but the catalog did not say how much ("Paid Course"); <see cref="Price"/> is then null.</summary>
    public bool PaidUnlisted { get; set; }

    public CourseLevel Level { get; set; }
    /// <summary>ISO 639-1.</summary>
    public string Language { get; set; } = "en";
    public bool Certificate { get; set; }
    public decimal? Rating { get; set; }
    public int RatingCount { get; set; }

    public CourseStatus Status { get; set; } = CourseStatus.Published;
    public string? Source { get; set; }
    public DateOnly? AsOf { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Who said what the course teaches: nobody yet, the tagger (not reviewed), or a person (ADR 0014).</summary>
    public SkillsStatus SkillsStatus { get; set; }
    /// <summary>The tagger's confidence (0–1) in the skills it wrote, while they are inferred.</summary>
    public decimal? SkillsConfidence { get; set; }

    /// <summary>Provider name and skill names, kept by the app so the stored tsvector (search_vector) can weight them B.</summary>
    public string SearchKeywords { get; set; } = "";

    /// <summary>PostgreSQL xmin, the optimistic concurrency token.</summary>
    public uint Version { get; set; }

    public List<CourseSession> Sessions { get; set; } = [];
    public List<CourseSkill> Skills { get; set; } = [];
    public List<CoursePrerequisite> Prerequisites { get; set; } = [];
    public List<CoursePrerequisiteCourse> PrerequisiteCourses { get; set; } = [];

    public bool IsFree => Price == 0m;

    /// <summary>Total effort in hours: total hours, or weeks × hours a week (stored, computed by PostgreSQL).</summary>
    public decimal? EffortHours { get; private set; }
}

public class CourseSession
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
}

/// <summary>A skill the course teaches, and the level (1–4) it takes a learner to.</summary>
public class CourseSkill
{
    public int CourseId { get; set; }
    public int SkillId { get; set; }
    public Skill Skill { get; set; } = null!;
    public int Level { get; set; }
}

/// <summary>A skill the course expects, at a minimum level (1–4).</summary>
public class CoursePrerequisite
{
    public int CourseId { get; set; }
    public int SkillId { get; set; }
    public Skill Skill { get; set; } = null!;
    public int MinLevel { get; set; }
}

public class CoursePrerequisiteCourse
{
    public int CourseId { get; set; }
    public int RequiredCourseId { get; set; }
    public Course RequiredCourse { get; set; } = null!;
}
