using CourseMatch.Catalog;
using CourseMatch.Learners;

namespace CourseMatch.Recommendations;

/// <summary>
/// The one fixed, named feature vector for a learner × course pair. Training, serving, the rubric and the
/// reasons all read these values; the list is also written down in docs/decisions/0005-ranking-features.md.
/// Every value is scaled to roughly 0–1 so the rubric's weights read as plain importance.
/// </summary>
public static class FeatureVector
{
    public const int SkillGapCoverage = 0;     // how much of the learner's wanted gaps (target − level) the course closes, 0–1
    public const int PrerequisiteReadiness = 1; // share of expected skills the learner has at the expected level, 1 when none
    public const int PrerequisiteMargin = 2;    // worst (learner level − expected level), −4…+4 scaled to 0–1; 1 when none
    public const int LevelOvershoot = 3;        // how far the course goes beyond the learner's next level, 0–1
    public const int Redundancy = 4;            // share of taught skills that gain the learner nothing they want, 0–1
    public const int PriceToBudget = 5;         // price ÷ budget (1 = all of it, capped at 2, 0 when free), /2
    public const int Free = 6;                  // 1 when the price is 0
    public const int FreeToAudit = 7;           // 1 when auditing is free
    public const int FormatMatch = 8;           // 1 when the course's format is the one asked for (or any)
    public const int PacingMatch = 9;           // 1 when pacing matches (or any)
    public const int LocationMatch = 10;        // in person: 1 − distance ÷ radius; online: 0.5
    public const int WeeklyFit = 11;            // 1 when the course's hours a week fit the learner's; less as it overruns
    public const int LengthFit = 12;            // short courses 1, falling towards 0 past half a year of effort
    public const int StartFit = 13;             // self-paced or a session in the window 1; dates unknown 0.5
    public const int GoalFit = 14;              // course kind × goal (bootcamps and programs for switchers, ...)
    public const int CertificateMatch = 15;     // 1 if a certificate is wanted and offered, or not wanted
    public const int Rating = 16;               // rating ÷ 5; 0.5 when unrated
    public const int Popularity = 17;           // log10(1 + ratings) ÷ 5
    public const int LevelFit = 18;             // course level vs the learner's overall level
    public const int Count = 19;

    public static readonly string[] Names =
    [
        "skill_gap_coverage", "prerequisite_readiness", "prerequisite_margin", "level_overshoot", "redundancy",
        "price_to_budget", "free", "free_to_audit", "format_match", "pacing_match", "location_match",
        "weekly_fit", "length_fit", "start_fit", "goal_fit", "certificate_match", "rating", "popularity", "level_fit",
    ];

    public static float[] Compute(LearnerProfile learner, CandidateCourse course, DateOnly today)
    {
        var f = new float[Count];

        // Skill gaps: what the course teaches towards the learner's targets, against all they want to gain. A skill the
        // learner does not want, or has at target, gains nothing and counts as redundant.
        double closed = 0, possible = 0, already = 0, overshoot = 0;
        foreach (var (skill, _) in learner.Skills) possible += learner.Gap(skill);
        foreach (var (skill, taught) in course.Teaches)
        {
            var have = learner.Level(skill);
            var gained = learner.Gain(skill, taught);
            closed += gained;
            if (gained == 0) already++;
            overshoot = Math.Max(overshoot, taught - have - 1);
        }
        f[SkillGapCoverage] = possible == 0 ? 0 : (float)Math.Min(1, closed / Math.Min(possible, 8));
        f[Redundancy] = course.Teaches.Count == 0 ? 0 : (float)(already / course.Teaches.Count);
        f[LevelOvershoot] = (float)Math.Clamp(overshoot / 3, 0, 1);

        if (course.Requires.Count == 0)
        {
            f[PrerequisiteReadiness] = 1;
            f[PrerequisiteMargin] = 1;
        }
        else
        {
            var met = course.Requires.Count(r => learner.Level(r.Key) >= r.Value);
            var margin = course.Requires.Min(r => learner.Level(r.Key) - r.Value);
            f[PrerequisiteReadiness] = (float)met / course.Requires.Count;
            f[PrerequisiteMargin] = (margin + 4) / 8f;
        }

        var budget = learner.BudgetAmount;
        f[Free] = course.IsFree ? 1 : 0;
        f[FreeToAudit] = course.FreeToAudit ? 1 : 0;
        f[PriceToBudget] = course.IsFree ? 0
            : course.PriceInBudgetCurrency is not decimal p ? 0.5f
            : budget is not decimal b || b == 0 ? 1
            : (float)Math.Min(2, p / b) / 2;

        f[FormatMatch] = learner.Format switch
        {
            FormatPreference.Any => 1,
            FormatPreference.InPerson => course.IsInPerson ? 1 : 0,
            _ => course.Format switch { CourseFormat.Online => 1, CourseFormat.Hybrid => 0.5f, _ => 0 },
        };
        f[PacingMatch] = learner.Pacing switch
        {
            PacingPreference.Any => 1,
            PacingPreference.SelfPaced => course.Pacing == Pacing.SelfPaced ? 1 : 0,
            _ => course.Pacing == Pacing.Scheduled ? 1 : 0,
        };
        f[LocationMatch] = course.IsInPerson && course.DistanceKm is double d
            ? (float)Math.Clamp(1 - d / Math.Max(1, learner.RadiusKm), 0, 1)
            : 0.5f;

        var weekly = course.WeeklyHours;
        f[WeeklyFit] = weekly is decimal h && h > 0 ? (float)Math.Min(1, learner.HoursPerWeek / (double)h) : 0.75f;
        var effort = course.EffortHours ?? (course.DurationWeeks is int weeks ? weeks * (decimal)learner.HoursPerWeek : null);
        var weeksNeeded = effort is decimal eff && learner.HoursPerWeek > 0 ? (double)eff / learner.HoursPerWeek : (double?)null;
        f[LengthFit] = weeksNeeded is double wn ? (float)Math.Clamp(1 - (wn - 12) / 40, 0, 1) : 0.6f;

        f[StartFit] = course.IsSelfPaced ? 1
            : course.NextSessionStart is DateOnly s && s.DayNumber - today.DayNumber <= learner.StartWithinWeeks * 7 ? 1
            : course.HasSessions ? 0 : 0.5f;

        f[GoalFit] = GoalFitOf(learner.Goal, course.Kind, course.Level);
        f[CertificateMatch] = !learner.WantsCertificate ? 1 : course.Certificate ? 1 : 0;
        f[Rating] = course.Rating is decimal r ? (float)r / 5 : 0.5f;
        f[Popularity] = (float)Math.Min(1, Math.Log10(1 + course.RatingCount) / 5);

        var mean = learner.Skills.Count == 0 ? 0 : learner.Skills.Values.Average();
        var wanted = mean < 1.2 ? CourseLevel.Beginner : mean < 2.6 ? CourseLevel.Intermediate : CourseLevel.Advanced;
        f[LevelFit] = course.Level == CourseLevel.All ? 0.75f : course.Level == wanted ? 1
            : Math.Abs(course.Level - wanted) == 1 ? 0.4f : 0; // Beginner < Intermediate < Advanced, in declaration order
        return f;
    }

    private static float GoalFitOf(Goal goal, CourseKind kind, CourseLevel level) => (goal, kind) switch
    {
        (Goal.CareerSwitch, CourseKind.Bootcamp or CourseKind.Program) => 1,
        (Goal.CareerSwitch, CourseKind.Course) => 0.6f,
        (Goal.CareerSwitch, _) => 0.3f,
        (Goal.Upskill, CourseKind.Course) => 1,
        (Goal.Upskill, CourseKind.Program or CourseKind.Book) => 0.6f,
        (Goal.Upskill, CourseKind.Seminar) => level == CourseLevel.Advanced ? 0.8f : 0.4f,
        (Goal.Upskill, _) => 0.4f,
        (Goal.Academic, CourseKind.Book or CourseKind.Course) => 1,
        (Goal.Academic, CourseKind.Seminar) => 0.9f,
        (Goal.Academic, _) => 0.5f,
        (Goal.Curiosity, CourseKind.Book or CourseKind.Course) => 0.9f,
        (Goal.Curiosity, CourseKind.Bootcamp) => 0.2f,
        _ => 0.5f,
    };
}
