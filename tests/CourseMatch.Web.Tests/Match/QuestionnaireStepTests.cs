using CourseMatch.Tests.Infrastructure;
using Bunit;
using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Web.Features.Match;
using CourseMatch.Web.Components.Shared.Questionnaire;

namespace CourseMatch.Web.Tests.Match;

public class QuestionnaireStepTests : BunitContext
{
    private static List<Skill> Skills() => DemoCatalog.SkillSlugs.Select((slug, i) => new Skill
    {
        Id = i + 1, Slug = slug, Name = $"Skill {slug}",
        LevelDescriptors = [.. Enumerable.Range(0, 5).Select(level => $"Can do {slug} things at level {level}.")],
    }).ToList();

    private static readonly string[] Currencies = ["USD", "EUR", "GBP"];

    private IRenderedComponent<ConstraintsStep> Constraints(ProfileInput answers, bool showAll = false,
        Dictionary<string, string[]>? serviceErrors = null) =>
        Render<ConstraintsStep>(p => p
            .Add(x => x.Answers, answers).Add(x => x.Currencies, Currencies)
            .Add(x => x.ShowAllErrors, showAll).Add(x => x.ServiceErrors, serviceErrors));

    [Fact]
    public void SkillsStepOffersFiveLevelsPerSkillEachLabelledWithWhatAPersonCanDo()
    {
        var cut = Render<SkillsStep>(p => p.Add(x => x.Answers, new ProfileInput()).Add(x => x.Skills, Skills()));

        var groups = cut.FindAll("fieldset");
        Assert.Equal(DemoCatalog.SkillSlugs.Length, groups.Count);
        foreach (var (group, slug) in groups.Zip(DemoCatalog.SkillSlugs))
        {
            Assert.Contains($"Skill {slug}", group.QuerySelector("legend")!.TextContent);
            var radios = group.QuerySelectorAll("input[type=radio]");
            Assert.Equal(5, radios.Length);
            for (var level = 0; level < 5; level++)
            {
                Assert.Equal($"skill-{slug}", radios[level].GetAttribute("name"));
                var label = cut.Find($"label[for='{radios[level].Id}']");
                Assert.Contains($"Can do {slug} things at level {level}.", label.TextContent);
            }
        }
        // Nothing said yet counts as level 0, as in the API.
        Assert.True(cut.Find("#skill-python-0").HasAttribute("checked"));
    }

    [Fact]
    public void ChoosingASkillLevelUpdatesTheAnswersAndReportsTheField()
    {
        var answers = new ProfileInput();
        string? changed = null;
        var cut = Render<SkillsStep>(p => p.Add(x => x.Answers, answers).Add(x => x.Skills, Skills())
            .Add(x => x.OnChange, field => changed = field));

        cut.Find("#skill-calculus-3").Change("3");

        Assert.Equal(3, answers.Skills["calculus"]);
        Assert.Equal("skills.calculus", changed);
        Assert.True(cut.Find("#skill-calculus-3").HasAttribute("checked"));
        Assert.False(cut.Find("#skill-calculus-0").HasAttribute("checked"));
    }

    [Fact]
    public void GoalStepRecordsTheChoiceAndAsksForOneWhenNextIsPressedWithout()
    {
        var answers = new ProfileInput();
        var cut = Render<GoalStep>(p => p.Add(x => x.Answers, answers).Add(x => x.ShowAllErrors, true));
        Assert.Equal(4, cut.FindAll("input[type=radio][name=goal]").Count);
        Assert.Contains("Choose the goal that fits you best", cut.Find("#goal-error").TextContent);
        Assert.Equal("goal-error", cut.Find("fieldset").GetAttribute("aria-describedby"));

        cut.Find("#goal-upskill").Change("upskill");

        Assert.Equal("upskill", answers.Goal);
        Assert.Equal("", cut.Find("#goal-error").TextContent.Trim());
    }

    [Theory]
    [InlineData("online", false)]
    [InlineData("in-person", true)]
    [InlineData("any", true)]
    public void ConstraintsStepAsksForTheCityOnlyForInPersonOrEither(string format, bool asksCity)
    {
        var cut = Constraints(new ProfileInput { Format = format });
        Assert.Equal(asksCity, cut.FindAll("#city").Count == 1);
        Assert.Equal(asksCity, cut.FindAll("#country").Count == 1);
        Assert.Equal(asksCity, cut.FindAll("#radius").Count == 1);
    }

    [Fact]
    public void ChoosingInPersonRevealsTheCityField()
    {
        var answers = new ProfileInput { Format = "online" };
        var cut = Constraints(answers);
        Assert.Empty(cut.FindAll("#city"));

        cut.Find("#format-in-person").Change("in-person");

        Assert.Equal("in-person", answers.Format);
        Assert.NotNull(cut.Find("#city"));
        Assert.Contains("travel", cut.Find("label[for=radius]").TextContent);
    }

    [Fact]
    public void ZeroHoursAWeekIsReportedBesideTheFieldAsSoonAsItChanges()
    {
        var cut = Constraints(new ProfileInput());
        Assert.Equal("", cut.Find("#hours-error").TextContent.Trim());
        Assert.Null(cut.Find("#hours").GetAttribute("aria-invalid"));

        cut.Find("#hours").Change("0");

        Assert.Contains("Hours a week must be between 1 and 80", cut.Find("#hours-error").TextContent);
        var input = cut.Find("#hours");
        Assert.Equal("true", input.GetAttribute("aria-invalid"));
        Assert.Contains("hours-error", input.GetAttribute("aria-describedby")!.Split(' '));

        cut.Find("#hours").Change("6");
        Assert.Equal("", cut.Find("#hours-error").TextContent.Trim());
    }

    [Fact]
    public void ANegativeBudgetIsReportedBesideTheAmount()
    {
        var answers = new ProfileInput();
        var cut = Constraints(answers);

        cut.Find("#budget-amount").Change("-5");

        Assert.Equal(-5m, answers.BudgetAmount);
        Assert.Contains("cannot be negative", cut.Find("#budget-amount-error").TextContent);
        Assert.Equal("true", cut.Find("#budget-amount").GetAttribute("aria-invalid"));
        // Other fields are not judged before the learner reaches them.
        Assert.Equal("", cut.Find("#hours-error").TextContent.Trim());
    }

    [Fact]
    public void InPersonWithoutACityAsksForTheCity()
    {
        var cut = Constraints(new ProfileInput { Format = "in-person" });
        cut.Find("#city").Change("");
        Assert.Contains("Tell us the city", cut.Find("#city-error").TextContent);

        var next = Constraints(new ProfileInput { Format = "in-person" }, showAll: true);
        Assert.Contains("Tell us the city", next.Find("#city-error").TextContent);
        Assert.Contains("Choose the country", next.Find("#country-error").TextContent);
    }

    [Fact]
    public void OnlineOnlyNeverBlocksOnAHiddenCity()
    {
        var answers = new ProfileInput { Format = "online", City = "Atlantis", Country = null };
        Assert.Empty(MatchSteps.Errors(answers, 3));
        Assert.Null(MatchSteps.ForSubmit(answers).City);
    }

    [Fact]
    public void TheRecommendersCityMessageIsShownBesideTheCity()
    {
        var cut = Constraints(new ProfileInput { Format = "in-person", City = "Lodnon", Country = "GB" },
            serviceErrors: new() { ["location.city"] = ["We do not know a city called 'Lodnon' in GB. Did you mean London?"] });
        Assert.Contains("Did you mean London?", cut.Find("#city-error").TextContent);
        Assert.Equal("true", cut.Find("#city").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void ProgressSaysWhichStepAndExposesAProgressBar()
    {
        var cut = Render<StepProgress>(p => p.Add(x => x.Step, 2).Add(x => x.Titles, MatchSteps.Titles));
        Assert.Contains("Step 2 of 3", cut.Find(".label").TextContent);
        var bar = cut.Find("[role=progressbar]");
        Assert.Equal("2", bar.GetAttribute("aria-valuenow"));
        Assert.Equal("1", bar.GetAttribute("aria-valuemin"));
        Assert.Equal("3", bar.GetAttribute("aria-valuemax"));
        Assert.Equal("step", cut.Find("li.current").GetAttribute("aria-current"));
    }

    [Fact]
    public void ADraftReadBackFromTheBrowserIsRepaired()
    {
        var answers = new ProfileInput { Skills = new() { ["calculus"] = 9, ["nonsense"] = 2 } };
        var clean = MatchSteps.Sanitize(new MatchSteps.Draft(7, answers), Skills());
        Assert.Equal(3, clean.Step);
        Assert.Equal(DemoCatalog.SkillSlugs.Order(), clean.Answers.Skills.Keys.Order());
        Assert.Equal(4, clean.Answers.Skills["calculus"]);
    }
}
