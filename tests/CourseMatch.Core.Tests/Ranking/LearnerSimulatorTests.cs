using CourseMatch.Catalog;
using CourseMatch.Tests.Infrastructure;
using CourseMatch.Learners;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;

namespace CourseMatch.Tests.Ranking;

public class LearnerSimulatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly LearnerSimulator Simulator = new();

    private static LearnerProfile Learner(int level = 1, Goal goal = Goal.Upskill, int hours = 8, Action<LearnerProfile>? change = null)
    {
        var p = new LearnerProfile
        {
            Skills = DemoCatalog.SkillSlugs.ToDictionary(s => s, _ => level), Goal = goal, HoursPerWeek = hours,
            BudgetAmount = 2000, BudgetCurrency = "USD",
        };
        change?.Invoke(p);
        return p;
    }

    private static CandidateCourse Course(Dictionary<string, int>? teaches = null, Dictionary<string, int>? requires = null,
        CourseKind kind = CourseKind.Course, CourseLevel level = CourseLevel.Intermediate, Pacing pacing = Pacing.SelfPaced, decimal price = 100, decimal? hoursPerWeek = 4,
        int? weeks = 6, bool certificate = true, decimal? rating = 4.6m) => new()
    {
        Id = 1, Slug = "c", Title = "C", Provider = "P", Kind = kind, Format = CourseFormat.Online, Pacing = pacing, Level = level, Language = "en",
        Price = price, Currency = "USD", PriceInBudgetCurrency = price, HoursPerWeek = hoursPerWeek, DurationWeeks = weeks,
        Certificate = certificate, Rating = rating, RatingCount = 1000,
        Teaches = teaches ?? new() { ["linear-algebra"] = 3, ["machine-learning"] = 3 }, Requires = requires ?? new(),
    };

    private static IEnumerable<int> Grades(LearnerProfile learner, CandidateCourse course) =>
        Enumerable.Range(0, 300).Select(seed => Simulator.Grade(learner, course, Today, new Random(seed)));

    [Fact]
    public void AGoodFitIsGradedHigh()
    {
        Assert.True(Simulator.Grade(Learner(1), Course(), Today) >= 3);
    }

    [Fact]
    public void APrerequisiteGapOfTwoLevelsMakesACourseNearlyUseless()
    {
        var course = Course(requires: new() { ["linear-algebra"] = 3 });
        Assert.All(Grades(Learner(1), course), g => Assert.True(g <= 1));
        // One level short is a stretch, not useless.
        Assert.True(Simulator.Grade(Learner(2), course with { Teaches = new Dictionary<string, int> { ["linear-algebra"] = 4, ["machine-learning"] = 4 } }, Today) >= 2);
    }

    [Fact]
    public void ExpertsGainLittleFromBeginnerMaterial()
    {
        var expert = Learner(3, change: p => p.Skills["machine-learning"] = 2);
        var beginnerCourse = Course(level: CourseLevel.Beginner, teaches: new() { ["machine-learning"] = 3, ["python"] = 2 });
        Assert.All(Grades(expert, beginnerCourse), g => Assert.True(g <= 1));
        // The same course is worth having for a beginner.
        Assert.True(Simulator.Grade(Learner(1), beginnerCourse, Today) >= 3);
    }

    [Fact]
    public void TimePoorLearnersDropLongCourses()
    {
        var longCourse = Course(hoursPerWeek: 3, weeks: 30); // 90 hours
        Assert.All(Grades(Learner(1, hours: 3), longCourse), g => Assert.True(g <= 1));
        Assert.True(Simulator.Grade(Learner(1, hours: 15), longCourse, Today) >= 3);
    }

    [Fact]
    public void CareerSwitchersValueCohortsAndCertificatesMoreThanOthers()
    {
        var cohort = Course(kind: CourseKind.Bootcamp, pacing: Pacing.Scheduled, price: 1500, hoursPerWeek: 20, weeks: 12);
        var switcher = Learner(1, Goal.CareerSwitch, hours: 25);
        var hobbyist = Learner(1, Goal.Curiosity, hours: 25);
        Assert.True(Simulator.Judge(switcher, cohort, Today).Utility > 2 * Simulator.Judge(hobbyist, cohort, Today).Utility);

        var withCertificate = Simulator.Judge(switcher, Course(certificate: true), Today).Utility;
        var without = Simulator.Judge(switcher, Course(certificate: false), Today).Utility;
        Assert.True(withCertificate > without);
    }

    [Fact]
    public void NoiseIsSeededAndStaysWithinTheScale()
    {
        var learner = Learner(1);
        var course = Course(weeks: 20, price: 1900);
        Assert.Equal(Grades(learner, course), Grades(learner, course));
        Assert.All(Grades(learner, course), g => Assert.InRange(g, 0, 4));
        Assert.True(Grades(learner, course).Distinct().Count() > 1, "the noise should move some grades");
    }
}
