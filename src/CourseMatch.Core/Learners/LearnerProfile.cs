using CourseMatch.Catalog;
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

    /// <summary>The role the learner aims at (its slug), when the target came from one.</summary>
    public string? TargetRole { get; set; }

    /// <summary>
    /// Skill slug → the level the learner wants to reach; null: not interested. Empty for answers stored before
    /// targets existed, which count every skill as wanted up to the top level (what plans did then).
    /// </summary>
    public Dictionary<string, int?> Targets { get; set; } = [];

    /// <summary>
    /// Skill slug → what a skills check measured, for the skills the learner checked. <see cref="Skills"/> holds the level
    /// the plan uses: the measured one when the learner accepted it, their own when they overrode it.
    /// </summary>
    public Dictionary<string, MeasuredLevel> Measured { get; set; } = [];

    /// <summary>True when the level the plan uses in <paramref name="skill"/> is the measured one.</summary>
    public bool IsMeasured(string skill) => Measured.TryGetValue(skill, out var m) && m.Level == Level(skill);

    /// <summary>A copy to change (what-if, simulations): its dictionaries are shared until replaced, so replace them, never edit them.</summary>
    public LearnerProfile Copy() => (LearnerProfile)MemberwiseClone();

    public int Level(string skill) => Skills.TryGetValue(skill, out var l) ? l : 0;

    /// <summary>
    /// The level the learner wants in <paramref name="skill"/> now, or null when they do not want it. A target already
    /// reached is done, unless every wanted target is reached: then the learner wants to keep going, one level further
    /// in each wanted skill (advanced material, not refreshers).
    /// </summary>
    public int? Want(string skill)
    {
        if (Targets.Count == 0) return Skill.MaxLevel;
        if (Targets.GetValueOrDefault(skill) is not int target) return null;
        var have = Level(skill);
        if (target > have) return target;
        return KeepsGoing ? Math.Min(Skill.MaxLevel, have + 1) : have;
    }

    /// <summary>How many levels the learner wants to gain in <paramref name="skill"/> (0 when not interested or at target).</summary>
    public int Gap(string skill) => Want(skill) is int want ? Math.Max(0, want - Level(skill)) : 0;

    /// <summary>How many wanted levels a course teaching <paramref name="skill"/> to <paramref name="taught"/> gives the learner.</summary>
    public int Gain(string skill, int taught) => Want(skill) is int want ? Math.Max(0, Math.Min(taught, want) - Level(skill)) : 0;

    /// <summary>True when a course teaching <paramref name="teaches"/> takes the learner somewhere they want to go.</summary>
    public bool Gains(IReadOnlyDictionary<string, int> teaches) => teaches.Any(t => Gain(t.Key, t.Value) > 0);

    /// <summary>True when every wanted target is already reached (see <see cref="Want"/>).</summary>
    public bool KeepsGoing => Targets.Count > 0 && Targets.All(t => t.Value is not int target || target <= Level(t.Key));
}

/// <summary>A skills check's result for one skill: the level, how sure the estimate is, what the learner had said, and the check.</summary>
/// <param name="Check">The check's token, so answers edited later (advisors, what-if) keep citing it.</param>
public sealed record MeasuredLevel(int Level, double Confidence, int? SelfRated, string? Check = null);
