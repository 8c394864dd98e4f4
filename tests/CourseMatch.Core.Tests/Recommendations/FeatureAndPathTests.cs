using CourseMatch.Catalog;
using CourseMatch.Tests.Infrastructure;
using CourseMatch.Learners;
using CourseMatch.Recommendations;

namespace CourseMatch.Tests.Recommendations;

public class FeatureAndPathTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);

    private static LearnerProfile Learner(int level = 0, Goal goal = Goal.Upskill, int hours = 5) => new()
    {
        Skills = DemoCatalog.SkillSlugs.ToDictionary(s => s, _ => level), Goal = goal, HoursPerWeek = hours,
        BudgetAmount = 500, BudgetCurrency = "USD",
    };

    private static CandidateCourse Course(int id, Dictionary<string, int>? teaches = null, Dictionary<string, int>? requires = null,
        int[]? requiredCourses = null, CourseLevel level = CourseLevel.Beginner, decimal? price = 0, decimal? hoursPerWeek = null) => new()
    {
        Id = id, Slug = $"c{id}", Title = $"Course {id}", Provider = "P", Kind = CourseKind.Course, Format = CourseFormat.Online, Pacing = Pacing.SelfPaced,
        Level = level, Language = "en", Price = price, Currency = "USD", PriceInBudgetCurrency = price, HoursPerWeek = hoursPerWeek,
        Teaches = teaches ?? new() { ["linear-algebra"] = 2 }, Requires = requires ?? new(), RequiredCourseIds = requiredCourses ?? [],
    };

    [Fact]
    public void FeatureNamesMatchTheVector()
    {
        Assert.Equal(FeatureVector.Count, FeatureVector.Names.Length);
        Assert.Equal(FeatureVector.Count, FeatureVector.Compute(Learner(), Course(1), Today).Length);
        Assert.Equal(FeatureVector.Names.Length, FeatureVector.Names.Distinct().Count());
    }

    [Fact]
    public void CoursesTeachingWhatTheLearnerLacksCoverMoreGap()
    {
        var course = Course(1, teaches: new() { ["linear-algebra"] = 3, ["calculus"] = 3 });
        var beginner = FeatureVector.Compute(Learner(0), course, Today);
        var expert = FeatureVector.Compute(Learner(4), course, Today);
        Assert.True(beginner[FeatureVector.SkillGapCoverage] > expert[FeatureVector.SkillGapCoverage]);
        Assert.Equal(1f, expert[FeatureVector.Redundancy]);
        Assert.True(Rubric.Score(beginner) > Rubric.Score(expert));
    }

    [Fact]
    public void MissingPrerequisitesLowerReadiness()
    {
        var course = Course(1, requires: new() { ["calculus"] = 2, ["python"] = 1 });
        var f = FeatureVector.Compute(Learner(1), course, Today);
        Assert.Equal(0.5f, f[FeatureVector.PrerequisiteReadiness]);
        Assert.True(f[FeatureVector.PrerequisiteMargin] < 0.5f);
    }

    [Fact]
    public void CourseNeedingMoreHoursThanTheLearnerHasFitsLess()
    {
        var light = FeatureVector.Compute(Learner(hours: 5), Course(1, hoursPerWeek: 4), Today);
        var heavy = FeatureVector.Compute(Learner(hours: 5), Course(2, hoursPerWeek: 20), Today);
        Assert.Equal(1f, light[FeatureVector.WeeklyFit]);
        Assert.Equal(0.25f, heavy[FeatureVector.WeeklyFit]);
    }

    [Fact]
    public void PathPutsPrerequisiteCoursesFirst()
    {
        var calc1 = Course(1, teaches: new() { ["calculus"] = 2 }, level: CourseLevel.Advanced);
        var calc2 = Course(2, teaches: new() { ["calculus"] = 3 }, requiredCourses: [1], level: CourseLevel.Beginner);
        var order = LearningPath.Order([(calc2, 9.0), (calc1, 1.0)], Learner().Skills);
        Assert.Equal([1, 2], order.Select(c => c.Id));
    }

    [Fact]
    public void PathPutsTheCourseThatTeachesAnExpectedSkillFirst()
    {
        var ml = Course(1, teaches: new() { ["machine-learning"] = 3 }, requires: new() { ["linear-algebra"] = 2 }, level: CourseLevel.Beginner);
        var la = Course(2, teaches: new() { ["linear-algebra"] = 2 }, level: CourseLevel.Intermediate);
        var order = LearningPath.Order([(ml, 9.0), (la, 1.0)], Learner().Skills);
        Assert.Equal([2, 1], order.Select(c => c.Id));
    }

    [Fact]
    public void PathSurvivesCoursesThatTeachEachOthersPrerequisites()
    {
        var a = Course(1, teaches: new() { ["calculus"] = 2 }, requires: new() { ["python"] = 2 });
        var b = Course(2, teaches: new() { ["python"] = 2 }, requires: new() { ["calculus"] = 2 });
        var order = LearningPath.Order([(a, 2.0), (b, 1.0)], Learner().Skills);
        Assert.Equal(2, order.Count);
        Assert.Equal(2, order.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void PathIsCappedAndKeepsTheBestScored()
    {
        var picks = Enumerable.Range(1, 12).Select(i => (Course(i), (double)i)).ToList();
        var order = LearningPath.Order(picks, Learner().Skills);
        Assert.Equal(LearningPath.MaxSteps, order.Count);
        Assert.DoesNotContain(order, c => c.Id <= 12 - LearningPath.MaxSteps);
    }
}
