using CourseMatch.Places;

namespace CourseMatch.Learners;

public enum Goal { CareerSwitch, Upskill, Academic, Curiosity }

public enum FormatPreference { InPerson, Online, Any }

public enum PacingPreference { SelfPaced, Scheduled, Any }

/// <summary>What a learner told the questionnaire. Stored so a plan can be reproduced and feedback attributed.</summary>
public class LearnerProfile
{
    public const int MaxHoursPerWeek = 80;
    public const int MaxRadiusKm = 20_000;

    public int Id { get; set; }
    /// <summary>Skill slug → self-rated level 0–4; every skill of the taxonomy is present.</summary>
    public Dictionary<string, int> Skills { get; set; } = [];
    public Goal Goal { get; set; }
    public decimal? BudgetAmount { get; set; }
    public string BudgetCurrency { get; set; } = "USD";
    public bool BudgetStrict { get; set; }
    public FormatPreference Format { get; set; } = FormatPreference.Any;
    public string? City { get; set; }
    public string? Country { get; set; }
    public int? PlaceId { get; set; }
    public Place? Place { get; set; }
    public int RadiusKm { get; set; } = 50;
    public int HoursPerWeek { get; set; } = 5;
    public int StartWithinWeeks { get; set; } = 12;
    public PacingPreference Pacing { get; set; } = PacingPreference.Any;
    public string Language { get; set; } = "en";
    public bool WantsCertificate { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>The advisor who owns this profile, when an advisor made it (issue: advisor workspace).</summary>
    public string? OwnerId { get; set; }
    /// <summary>The advised learner these answers belong to (null for an anonymous learner on /match).</summary>
    public int? LearnerId { get; set; }

    public int Level(string skill) => Skills.TryGetValue(skill, out var l) ? l : 0;
}
