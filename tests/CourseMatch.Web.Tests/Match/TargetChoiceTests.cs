using Bunit;
using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Web.Components.Shared.Questionnaire;

namespace CourseMatch.Web.Tests.Match;

/// <summary>Step 2's target: the goal's role until another is picked, each level changeable or "not interested".</summary>
public class TargetChoiceTests : BunitContext
{
    private static readonly List<Skill> Skills = new[] { "calculus", "python" }.Select((slug, i) => new Skill
    {
        Id = i + 1, Slug = slug, Name = slug == "python" ? "Python programming" : "Calculus", LevelDescriptors = ["a", "b", "c", "d", "e"],
    }).ToList();

    private static readonly List<TargetRole> Roles = TargetRole.Seed().ToList();

    private IRenderedComponent<TargetChoice> Render(ProfileInput answers, List<string> changes, Dictionary<string, string[]>? errors = null) =>
        Render<TargetChoice>(p => p.Add(x => x.Answers, answers).Add(x => x.Skills, Skills).Add(x => x.Roles, Roles)
            .Add(x => x.ServiceErrors, errors).Add(x => x.OnChange, (string field) => changes.Add(field)));

    [Fact]
    public void TheGoalsRoleIsSuggestedWithItsLevelsAndReasons()
    {
        var cut = Render(new ProfileInput { Goal = "academic" }, []);

        var graduate = Roles.Single(r => r.Slug == "graduate-ml");
        Assert.Equal("graduate-ml", cut.Find("#target-role").GetAttribute("value"));
        Assert.Contains("(suggested for your goal)", cut.Find("#target-role option[value=graduate-ml]").TextContent);
        Assert.Equal(graduate.Targets["calculus"].Level.ToString(), cut.Find("#target-calculus").GetAttribute("value"));
        Assert.Equal(graduate.Targets["calculus"].Reason, cut.Find("#target-calculus-why").TextContent);
        Assert.Equal(Roles.Count, cut.FindAll("#target-role option").Count);
        Assert.Equal(6, cut.FindAll("#target-python option").Count); // not interested, 0–4
    }

    [Fact]
    public void ChangingOneLevelKeepsTheOthersAndPickingARoleStartsAgainFromIt()
    {
        var answers = new ProfileInput { Goal = "career-switch" };
        var changes = new List<string>();
        var cut = Render(answers, changes);
        var scientist = Roles.Single(r => r.Slug == "data-scientist");

        cut.Find("#target-calculus").Change("");
        Assert.Equal("data-scientist", answers.TargetRole);
        Assert.Null(answers.TargetLevels!["calculus"]);
        Assert.Equal(scientist.Targets["python"].Level, answers.TargetLevels["python"]);
        Assert.Equal("Left out of your plan.", cut.Find("#target-calculus-why").TextContent);
        cut.Find("#target-python").Change("4");
        Assert.Equal(4, answers.TargetLevels["python"]);
        Assert.Equal("Set by you.", cut.Find("#target-python-why").TextContent);
        Assert.Equal(["target.levels.calculus", "target.levels.python"], changes);

        cut.Find("#target-role").Change("data-analyst");
        Assert.Equal(("data-analyst", null), (answers.TargetRole, answers.TargetLevels));
        Assert.Equal("", cut.Find("#target-calculus").GetAttribute("value")); // the analyst role does not need calculus
    }

    [Fact]
    public void ASubmitErrorAboutTheTargetIsShownBesideIt()
    {
        var cut = Render(new ProfileInput { Goal = "upskill" }, [], new() { ["target"] = ["Pick at least one skill you want to learn."] });
        Assert.Contains("Pick at least one skill you want to learn.", cut.Find("#target-error").TextContent);
        Assert.Equal("target-error", cut.Find("fieldset.targets").GetAttribute("aria-describedby"));
    }
}
