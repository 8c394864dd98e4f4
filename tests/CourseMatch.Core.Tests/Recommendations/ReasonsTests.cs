using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Recommendations;

namespace CourseMatch.Tests.Recommendations;

public class ReasonsTests
{
    private static readonly LearnerProfile Learner = new() { Skills = new() { ["python"] = 1 }, BudgetAmount = 500, BudgetCurrency = "USD" };

    private static CandidateCourse Course(decimal? price, bool paidUnlisted = false, bool freeToAudit = false) => new()
    {
        Id = 1, Slug = "probe", Title = "Probe", Provider = "Provider", Kind = CourseKind.Course, Level = CourseLevel.Beginner,
        Language = "en", Format = CourseFormat.Online, Pacing = Pacing.SelfPaced,
        Price = price, PaidUnlisted = paidUnlisted, FreeToAudit = freeToAudit, Currency = price is null ? null : "USD",
        Teaches = new Dictionary<string, int> { ["python"] = 2 },
    };

    private static string[] ReasonsFor(CandidateCourse c) => Reasons.For(Learner, c, new Dictionary<string, string>(), null);

    [Fact]
    public void APickWithoutAListedPriceSaysWhyItIsInAPaidTrack()
    {
        var course = Course(price: null);
        Assert.False(course.IsFree); // so the plan puts it in a paid track, beside courses with prices

        Assert.Contains("Price not listed by the provider; counted as paid", ReasonsFor(course));
    }

    [Fact]
    public void PaidUnlistedAndFreeToAuditPicksKeepTheirOwnWords()
    {
        Assert.Contains("Paid; the price is not listed", ReasonsFor(Course(null, paidUnlisted: true)));
        Assert.Contains("Free to audit; the certificate's price is not listed", ReasonsFor(Course(null, freeToAudit: true)));
        Assert.Contains("Free", ReasonsFor(Course(0)));
    }
}
