using Bunit;
using CourseMatch.SkillChecks;
using CourseMatch.Tests.Infrastructure;
using CourseMatch.Web.Components.Shared.Checks;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Tests.Checks;

/// <summary>The check as a learner meets it: one question at a time, no answer on the page, "I don't know" always there.</summary>
public class SkillCheckPanelTests(DatabaseFixture fixture) : BunitContext, IClassFixture<DatabaseFixture>
{
    private readonly List<string> started = [];
    private CheckView? done;

    private IRenderedComponent<SkillCheckPanel> Panel(string skill, int selfRating)
    {
        Services.AddCourseMatchCore(fixture.Db.Source);
        var cut = Render<SkillCheckPanel>(p => p.Add(x => x.Skill, skill).Add(x => x.SkillName, "Linear algebra").Add(x => x.SelfRating, selfRating)
            .Add(x => x.OnStarted, (string token) => started.Add(token)).Add(x => x.OnDone, (CheckView v) => done = v));
        cut.WaitForElement(".prompt");
        return cut;
    }

    private async Task<CheckItem> ItemAsync(string token)
    {
        await using var db = fixture.Db.Context();
        var id = await db.SkillChecks.Where(c => c.Token == token).Select(c => c.CurrentItemId).SingleAsync();
        return await db.CheckItems.SingleAsync(i => i.Id == id);
    }

    [Fact]
    public async Task AQuestionShowsItsPromptAndOptionsButNeverItsAnswer()
    {
        var cut = Panel("linear-algebra", 2);
        var token = Assert.Single(started);
        var item = await ItemAsync(token);

        Assert.Contains("Question 1 of at most 6", cut.Find(".progress-note").TextContent);
        Assert.Equal(item.Prompt, cut.Find(".prompt").InnerHtml);
        if (item.Kind == ItemKind.Choice)
            Assert.Equal(item.Choices.Length, cut.FindAll(".choices input[type=radio]").Count);
        else Assert.NotNull(cut.Find("input[inputmode=decimal]"));
        Assert.DoesNotContain(ItemMarkup.Text(item.Explanation), cut.Markup);
        Assert.NotNull(cut.Find("button.secondary"));
        Assert.Equal("I don't know", cut.Find("button.secondary").TextContent);
    }

    [Fact]
    public void AnsweringWithoutAnAnswerIsNamedAndNotSent()
    {
        var cut = Panel("linear-algebra", 2);

        cut.Find("form.answer").Submit();

        Assert.Contains("\"I don't know\"", cut.Find(".field-error").TextContent);
        Assert.Contains("Question 1 of", cut.Find(".progress-note").TextContent);
    }

    [Fact]
    public void NotKnowingThroughoutEndsAtZeroBesideWhatTheLearnerSaid()
    {
        var cut = Panel("linear-algebra", 2);

        for (var i = 0; i < AdaptiveLevel.MaxItems && done is null; i++)
        {
            var note = cut.Find(".progress-note").TextContent;
            cut.Find("button.secondary").Click();
            cut.WaitForAssertion(() => Assert.True(done is not null || cut.Find(".progress-note").TextContent != note));
        }

        Assert.NotNull(done);
        Assert.Equal(0, done.Level);
        Assert.Contains("You said 2; the check suggests level 0", cut.Find(".result").TextContent);
        Assert.All(cut.FindAll(".review .given"), g => Assert.StartsWith("Your answer: I don't know", g.TextContent.Trim()));
    }
}

/// <summary>"Check all" on the skills step: every skill rated above 0, one after the other, each result kept beside its levels.</summary>
public class CheckAllTests(DatabaseFixture fixture) : BunitContext, IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task CheckAllChecksTheSkillsRatedAboveZeroInTurnAndUsesWhatItMeasures()
    {
        Services.AddCourseMatchCore(fixture.Db.Source);
        await using var db = fixture.Db.Context();
        var skills = await db.Skills.OrderBy(s => s.Id).ToListAsync();
        var answers = new CourseMatch.Learners.ProfileInput { Skills = skills.ToDictionary(s => s.Slug, s => s.Slug is "linear-algebra" ? 2 : s.Slug is "python" ? 1 : 0) };
        var results = new Dictionary<string, CheckView>();
        var cut = Render<CourseMatch.Web.Components.Shared.Questionnaire.SkillsStep>(p => p.Add(x => x.Answers, answers).Add(x => x.Skills, skills).Add(x => x.Results, results));

        Assert.Contains("(2)", cut.Find(".check-all button").TextContent);
        cut.Find(".check-all button").Click();

        foreach (var skill in new[] { "linear-algebra", "python" })
        {
            cut.WaitForElement($"section.check[aria-labelledby=check-title-{skill}] .prompt");
            while (!results.ContainsKey(skill))
            {
                var note = cut.Find($"section.check[aria-labelledby=check-title-{skill}] .progress-note").TextContent;
                cut.Find($"section.check[aria-labelledby=check-title-{skill}] button.secondary").Click();
                cut.WaitForAssertion(() => Assert.True(results.ContainsKey(skill)
                    || cut.Find($"section.check[aria-labelledby=check-title-{skill}] .progress-note").TextContent != note));
            }
        }

        Assert.Equal(["linear-algebra", "python"], results.Keys.Order());
        Assert.Equal(0, answers.Skills["linear-algebra"]);
        Assert.Equal(0, answers.Skills["python"]);
        Assert.Equal(results["python"].Token, answers.Checks!["python"]);
        Assert.Equal(2, cut.FindAll(".measured").Count);
        Assert.Empty(cut.FindAll(".check-all"));
    }
}
