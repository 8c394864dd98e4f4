using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Recommendations;

namespace CourseMatch.Ranking;

/// <summary>
/// A stated assumption about how a learner judges a course, used to grade synthetic learners' candidates 0–4
/// until there is enough real feedback. It reads the raw profile and course (never the feature vector or the
/// rubric) and multiplies a learning value by factors for fit. Each assumption is one line below and in
/// docs/decisions/0006-learner-simulator-and-labels.md.
/// </summary>
/// <remarks>
/// Effects a weighted sum misses, on purpose:
/// <list type="bullet">
/// <item>a prerequisite gap of two levels makes a course nearly useless (grade at most 1), one level is a stretch;</item>
/// <item>time-poor learners (≤ 4 h a week) drop long courses (grade at most 1);</item>
/// <item>career switchers value cohorts (scheduled, bootcamps, programmes) and certificates, even unasked;</item>
/// <item>experts gain little from beginner material (grade at most 1);</item>
/// <item>what a course teaches is worth more when it is what the learner's goal needs.</item>
/// </list>
/// Noise: the utility is multiplied by exp(N(0, σ)), σ = <see cref="Noise"/>, before it is cut into grades.
/// </remarks>
public sealed class LearnerSimulator(double noise = 0.25)
{
    public double Noise { get; } = noise;

    /// <summary>Grade cut-offs on the (noisy) utility: ≥ 0.55 → 4, ≥ 0.38 → 3, ≥ 0.24 → 2, ≥ 0.11 → 1, else 0.</summary>
    public static readonly double[] Cutoffs = [0.11, 0.24, 0.38, 0.55];

    /// <summary>What the learner thinks of the course before noise: a utility and the grade it may not exceed.</summary>
    public sealed record Judgement(double Utility, int Cap, string[] Notes);

    /// <summary>A grade 0–4 with noise drawn from <paramref name="rng"/>.</summary>
    public int Grade(LearnerProfile learner, CandidateCourse course, DateOnly today, Random rng)
    {
        var j = Judge(learner, course, today);
        var noisy = j.Utility * Math.Exp(Noise * Gaussian(rng));
        return Math.Min(j.Cap, ToGrade(noisy));
    }

    /// <summary>The grade without noise.</summary>
    public int Grade(LearnerProfile learner, CandidateCourse course, DateOnly today)
    {
        var j = Judge(learner, course, today);
        return Math.Min(j.Cap, ToGrade(j.Utility));
    }

    public static int ToGrade(double utility)
    {
        var g = 0;
        while (g < Cutoffs.Length && utility >= Cutoffs[g]) g++;
        return g;
    }

    public Judgement Judge(LearnerProfile learner, CandidateCourse course, DateOnly today)
    {
        var notes = new List<string>();
        var cap = 4;

        // 1. Learning value: levels gained in each taught skill, weighted by how much the learner's goal needs
        //    that skill; more than two levels in one course is only partly absorbed; diminishing returns overall.
        double gained = 0;
        foreach (var (skill, taught) in course.Teaches)
        {
            // Only what the learner wants counts: up to their target, nothing in a skill they are not interested in.
            var gap = learner.Gain(skill, taught);
            var absorbed = Math.Min(gap, 2) + 0.3 * Math.Max(0, gap - 2);
            gained += Relevance(learner.Goal, skill) * absorbed;
        }
        var value = 1 - Math.Exp(-gained / 1.6);
        if (gained == 0) notes.Add("teaches nothing new");

        // 2. Readiness: the worst prerequisite gap. Two levels short: nearly useless. One level: a stretch,
        //    harder still for someone with no time to catch up.
        var worstGap = course.Requires.Count == 0 ? 0 : course.Requires.Max(r => r.Value - learner.Level(r.Key));
        var factor = 1.0;
        if (worstGap >= 2)
        {
            factor *= 0.12;
            cap = Math.Min(cap, 1);
            notes.Add("prerequisite gap of two levels or more");
        }
        else if (worstGap == 1) factor *= learner.HoursPerWeek <= 4 ? 0.45 : 0.65;

        // 3. Experts gain little from beginner material, and beginners are put off by advanced material.
        var taughtSkills = course.Teaches.Keys.ToList();
        var ownLevel = taughtSkills.Count == 0 ? 0 : taughtSkills.Average(learner.Level);
        var overall = learner.Skills.Count == 0 ? 0 : learner.Skills.Values.Average();
        if (course.Level == CourseLevel.Beginner && (ownLevel >= 2.5 || overall >= 2.75))
        {
            factor *= 0.3;
            cap = Math.Min(cap, 1);
            notes.Add("beginner material for an expert");
        }
        else if (course.Level == CourseLevel.Advanced && ownLevel < 1.5) factor *= 0.6;

        // 4. Time. Weekly load against the hours they have; total weeks at their pace. Time-poor learners
        //    (≤ 4 h a week) drop anything needing more than 12 weeks or half again their weekly hours.
        var weekly = course.WeeklyHours;
        var effort = course.EffortHours ?? (course.DurationWeeks is int dw && weekly is decimal wk ? dw * wk : null);
        var hours = Math.Max(1, learner.HoursPerWeek);
        double? weeksNeeded = effort is decimal total ? (double)total / hours : null;
        var timePoor = hours <= 4;
        if (timePoor && (weeksNeeded > 12 || (double?)weekly > hours * 1.5 || course.Kind == CourseKind.Bootcamp))
        {
            factor *= 0.15;
            cap = Math.Min(cap, 1);
            notes.Add("too long for their time");
        }
        else
        {
            if (course.Pacing == Pacing.Scheduled && weekly is decimal load && (double)load > hours)
                factor *= Math.Pow(Math.Max(0.2, hours / (double)load), 1.5); // a cohort's pace cannot be slowed
            if (weeksNeeded is double wn && wn > 26) factor *= Math.Exp(-(wn - 26) / 26);
            if (weeksNeeded is null && weekly is null) factor *= 0.85; // unknown length is a risk
        }

        // 5. Goal and kind of learning.
        var cohort = course.Pacing == Pacing.Scheduled || course.Kind is CourseKind.Bootcamp or CourseKind.Program;
        switch (learner.Goal)
        {
            case Goal.CareerSwitch:
                if (cohort) factor *= 1.35;
                if (course.Certificate) factor *= 1.2;
                if (course.Kind == CourseKind.Book) factor *= 0.7;
                break;
            case Goal.Upskill:
                if (course.Kind == CourseKind.Course) factor *= 1.1;
                if (course.Kind == CourseKind.Bootcamp) factor *= 0.6;
                if (course.Kind == CourseKind.Seminar && overall >= 2.5) factor *= 1.2;
                break;
            case Goal.Academic:
                if (course.Kind is CourseKind.Book or CourseKind.Course or CourseKind.Seminar) factor *= 1.1;
                if (course.Kind == CourseKind.Bootcamp) factor *= 0.5;
                break;
            case Goal.Curiosity:
                if (course.Kind == CourseKind.Bootcamp) factor *= 0.3;
                if (course.Kind == CourseKind.Program) factor *= 0.6;
                if (course.Kind == CourseKind.Book) factor *= 1.15;
                if (course.IsFree) factor *= 1.2;
                break;
        }

        // 6. Money: comfortable up to half the budget, grudging up to all of it, sharply worse beyond.
        if (!course.IsFree)
        {
            var budget = learner.BudgetAmount;
            if (course.PriceInBudgetCurrency is not decimal price) factor *= 0.8;
            else if (budget is not decimal b) factor *= price <= 100 ? 0.9 : 0.7;
            else
            {
                var r = (double)(price / Math.Max(1, b));
                var money = r <= 0.5 ? 1 : r <= 1 ? 1 - 0.3 * (r - 0.5) / 0.5 : 0.7 * Math.Exp(-(r - 1) * 1.5);
                if (course.FreeToAudit && !learner.WantsCertificate) money = Math.Max(money, 0.75);
                factor *= money;
            }
        }

        // 7. Format, place, pacing, start.
        if (learner.Format == FormatPreference.Online && course.Format == CourseFormat.Hybrid) factor *= 0.7;
        if (learner.Format == FormatPreference.InPerson && course.Format == CourseFormat.Online) factor *= 0.5;
        if (course.IsInPerson && course.DistanceKm is double km) factor *= 1 - 0.4 * Math.Min(1, km / Math.Max(1, learner.RadiusKm));
        if (learner.Pacing == PacingPreference.SelfPaced && course.Pacing == Pacing.Scheduled) factor *= 0.6;
        if (learner.Pacing == PacingPreference.Scheduled && course.Pacing == Pacing.SelfPaced) factor *= 0.75;
        if (course.Pacing == Pacing.Scheduled)
        {
            if (course.NextSessionStart is DateOnly start && start.DayNumber - today.DayNumber > learner.StartWithinWeeks * 7) factor *= 0.4;
            else if (course.NextSessionStart is null && !course.HasSessions) factor *= 0.85;
        }

        // 8. A certificate that is wanted and missing is a serious drawback.
        if (learner.WantsCertificate && !course.Certificate) factor *= 0.55;

        // 9. Quality as the learner sees it: the rating, when there is one (how many rated it does not matter).
        factor *= course.Rating is decimal rating ? 0.75 + 0.25 * Math.Clamp(((double)rating - 3.5) / 1.3, 0, 1) : 0.9;

        return new Judgement(value * factor, cap, [.. notes]);
    }

    /// <summary>How much a goal needs each skill (0–1).</summary>
    public static double Relevance(Goal goal, string skill) => goal switch
    {
        Goal.CareerSwitch => skill switch
        {
            "python" or "machine-learning" => 1, "statistics" => 0.9, "probability" or "linear-algebra" => 0.7,
            "calculus" or "optimization" => 0.5, _ => 0.4,
        },
        Goal.Upskill => skill switch
        {
            "machine-learning" => 1, "statistics" => 0.9, "optimization" or "linear-algebra" or "probability" => 0.8,
            "python" => 0.7, "calculus" => 0.6, _ => 0.5,
        },
        Goal.Academic => skill switch
        {
            "linear-algebra" or "calculus" or "probability" => 1, "discrete-math" or "statistics" => 0.9,
            "optimization" => 0.8, "machine-learning" => 0.6, _ => 0.5,
        },
        _ => 0.8,
    };

    /// <summary>A standard normal draw (Box–Muller) from <paramref name="rng"/>.</summary>
    public static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
