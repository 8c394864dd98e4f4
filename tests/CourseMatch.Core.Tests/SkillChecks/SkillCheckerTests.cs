using System.Text.Json;
using CourseMatch.SkillChecks;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.SkillChecks;

/// <summary>Checks run on the server against the seeded item bank: scored there, one answer per item asked, resumable.</summary>
public class SkillCheckerTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly SkillChecker checker = new(fixture.Db.Get<IDbContextFactory<CourseMatch.Data.CourseMatchDb>>());

    private async Task<CheckItem> ItemAsync(int id)
    {
        await using var db = fixture.Db.Context();
        return await db.CheckItems.SingleAsync(i => i.Id == id);
    }

    private static string RightAnswer(CheckItem item) => item.Answer;

    private static string WrongAnswer(CheckItem item) =>
        item.Kind == ItemKind.Choice ? ((int.Parse(item.Answer) + 1) % item.Choices.Length).ToString() : (decimal.Parse(item.Answer) + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<int> CheckCountAsync()
    {
        await using var db = fixture.Db.Context();
        return await db.SkillChecks.CountAsync();
    }

    /// <summary>Answers every item with <paramref name="answer"/> until the check is done; returns the result and the items asked.</summary>
    private async Task<(CheckView Done, List<int> Asked)> RunAsync(string skill, Func<CheckItem, string?> answer)
    {
        var view = (await checker.StartAsync(skill, 2)).Check!;
        var asked = new List<int>();
        while (!view.Done)
        {
            var item = await ItemAsync(view.Current!.Id);
            asked.Add(item.Id);
            var outcome = await checker.AnswerAsync(view.Token, item.Id, answer(item));
            Assert.Null(outcome.Error);
            view = outcome.Check!;
        }
        return (view, asked);
    }

    [Fact]
    public async Task EveryLevelOfEverySkillHasEnoughValidItems()
    {
        await using var db = fixture.Db.Context();
        var items = await db.CheckItems.ToListAsync();
        var skills = await db.Skills.ToListAsync();
        Assert.Empty(ItemBank.Gaps(items, skills));
        Assert.True(items.Count >= 128, $"{items.Count} items");
        foreach (var file in ItemBank.Seed())
        {
            var skill = skills.Single(s => s.Slug == file.Skill);
            for (var i = 0; i < file.Items.Count; i++)
            {
                var (item, errors) = ItemBank.Check(file.Items[i], skill, $"{file.Skill}[{i}]");
                Assert.True(errors.Count == 0, string.Join(" ", errors));
                Assert.Equal(skill.LevelDescriptors[item!.Level], item.Descriptor);
            }
        }
    }

    [Fact]
    public async Task APerfectLearnerIsMeasuredAtFourAndNoItemIsAskedTwice()
    {
        var (done, asked) = await RunAsync("linear-algebra", RightAnswer);
        Assert.Equal(4, done.Level);
        Assert.InRange(asked.Count, AdaptiveLevel.MinItems, AdaptiveLevel.MaxItems);
        Assert.Equal(asked.Count, asked.Distinct().Count());
        Assert.Equal(asked.Count, done.Review.Count);
        Assert.All(done.Review, r => Assert.Equal(Response.Right, r.Response));
    }

    [Fact]
    public async Task ALearnerWhoDoesNotKnowIsMeasuredAtZero()
    {
        var (done, asked) = await RunAsync("python", _ => null);
        Assert.Equal(0, done.Level);
        Assert.True(asked.Count <= AdaptiveLevel.MaxItems);
        Assert.All(done.Review, r => Assert.Null(r.Given));
    }

    [Fact]
    public async Task TheItemShownCarriesNoAnswerUntilTheCheckIsDone()
    {
        var view = (await checker.StartAsync("calculus", null)).Check!;
        var json = JsonSerializer.Serialize(view);
        var item = await ItemAsync(view.Current!.Id);
        Assert.DoesNotContain("answer", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("explanation", json, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(view.Review);
        Assert.Equal(item.Prompt, view.Current.Prompt);

        // A reload resumes at the same item.
        var resumed = (await checker.GetAsync(view.Token))!;
        Assert.Equal(view.Current.Id, resumed.Current!.Id);
        Assert.Equal(0, resumed.Asked);
    }

    [Fact]
    public async Task AnswersToOtherItemsTwiceOrAfterTheEndChangeNothing()
    {
        var view = (await checker.StartAsync("statistics", 1)).Check!;
        var first = await ItemAsync(view.Current!.Id);

        var tampered = await checker.AnswerAsync(view.Token, first.Id + 100_000, "0");
        Assert.Equal("itemId", tampered.Field);
        Assert.Contains("not the question this check asked", tampered.Error);

        var next = (await checker.AnswerAsync(view.Token, first.Id, RightAnswer(first))).Check!;
        var again = await checker.AnswerAsync(view.Token, first.Id, WrongAnswer(first));
        Assert.Equal("itemId", again.Field);
        Assert.Contains("already answered", again.Error);
        Assert.Equal(1, (await checker.GetAsync(view.Token))!.Asked);
        Assert.NotEqual(first.Id, next.Current!.Id);

        Assert.True((await checker.AnswerAsync("no-such-check", first.Id, "1")).NotFound);
    }

    [Fact]
    public async Task AnAnswerThatIsNoAnswerIsRefusedAndNotCounted()
    {
        var view = (await checker.StartAsync("probability", 2)).Check!;
        var item = await ItemAsync(view.Current!.Id);

        var bad = await checker.AnswerAsync(view.Token, item.Id, item.Kind == ItemKind.Choice ? "9" : "twelve");
        Assert.Equal("answer", bad.Field);
        var tooLong = await checker.AnswerAsync(view.Token, item.Id, new string('1', 10_000));
        Assert.Equal("answer", tooLong.Field);
        Assert.Equal(0, (await checker.GetAsync(view.Token))!.Asked);
    }

    [Fact]
    public async Task AFinishedCheckTakesNoMoreAnswers()
    {
        var (done, asked) = await RunAsync("optimization", _ => null);
        var after = await checker.AnswerAsync(done.Token, asked[^1], "1");
        Assert.Equal("itemId", after.Field);
        Assert.Contains("finished", after.Error);
    }

    [Fact]
    public async Task APlanUsesTheMeasuredLevelAndItsReasonsSaySo()
    {
        // A learner who says 3 in linear algebra but does not know it: the check measures 0, and the plan starts there.
        var (done, _) = await RunAsync("linear-algebra", _ => null);
        var input = new CourseMatch.Learners.ProfileInput { Goal = "academic", HoursPerWeek = 6, BudgetAmount = 0, BudgetStrict = true, Format = "online" };
        foreach (var s in DemoCatalog.SkillSlugs) input.Skills[s] = 2;
        input.Skills["linear-algebra"] = done.Level!.Value;
        input.Checks = new() { ["linear-algebra"] = done.Token };

        var outcome = await fixture.Db.Recommender().RecommendAsync(input);

        Assert.Empty(outcome.Errors);
        await using var db = fixture.Db.Context();
        var profile = await db.Recommendations.Where(r => r.Token == outcome.Plan!.Token).Select(r => r.Profile).SingleAsync();
        Assert.Equal(new CourseMatch.Learners.MeasuredLevel(0, done.Confidence!.Value, 2, done.Token), profile.Measured["linear-algebra"]);
        Assert.Contains(outcome.Plan!.Tracks.Free.SelectMany(p => p.Reasons), r => r.StartsWith("Teaches Linear algebra") && r.EndsWith("measured: level 0 in Linear algebra"));
    }

    [Fact]
    public async Task AChecksTokenThatIsNotAFinishedCheckOfThatSkillIsRefused()
    {
        var open = (await checker.StartAsync("calculus", 1)).Check!;
        var (done, _) = await RunAsync("python", _ => null);
        var input = new CourseMatch.Learners.ProfileInput { Goal = "academic" };
        input.Checks = new() { ["calculus"] = open.Token, ["statistics"] = done.Token, ["baking"] = done.Token };
        var plans = await CountPlansAsync();

        var outcome = await fixture.Db.Recommender().RecommendAsync(input);

        Assert.Null(outcome.Plan);
        Assert.Contains("not a finished check of Calculus", Assert.Single(outcome.Errors["checks.calculus"]));
        Assert.Contains("not a finished check of Statistics", Assert.Single(outcome.Errors["checks.statistics"]));
        Assert.Contains("'baking' is not one of the skills", Assert.Single(outcome.Errors["checks.baking"]));
        Assert.Equal(plans, await CountPlansAsync());
    }

    private async Task<int> CountPlansAsync()
    {
        await using var db = fixture.Db.Context();
        return await db.Recommendations.CountAsync();
    }

    [Theory]
    [InlineData(null, 2, "skill", "'' is not one of the skills")]
    [InlineData("baking", 2, "skill", "'baking' is not one of the skills")]
    [InlineData("calculus", 7, "selfRating", "from 0 to 4")]
    public async Task AnUnknownSkillOrRatingIsRefusedAndNothingStored(string? skill, int rating, string field, string message)
    {
        var before = await CheckCountAsync();
        var outcome = await checker.StartAsync(skill, rating);
        Assert.Equal(field, outcome.Field);
        Assert.Contains(message, outcome.Error);
        Assert.Equal(before, await CheckCountAsync());
    }

    [Theory]
    [InlineData("0.25", true)]
    [InlineData("0,25", true)]
    [InlineData("1/4", true)]
    [InlineData(" .25 ", true)]
    [InlineData("0.3", false)]
    [InlineData("1/0", null)]
    [InlineData("a quarter", null)]
    public void TypedNumbersAreReadAsTheLearnerMeansThem(string given, bool? right)
    {
        var item = new CheckItem { Key = "k", Prompt = "p", Kind = ItemKind.Number, Answer = "0.25", Tolerance = 0 };
        Assert.Equal(right, SkillChecker.Score(item, given.Trim()));
    }

    [Theory]
    [InlineData("<p>Fine <math><msup><mi>x</mi><mn>2</mn></msup></math></p>", null)]
    [InlineData("<math display=\"block\"><mn>1</mn></math>", null)]
    [InlineData("<script>alert(1)</script>", "uses <script>")]
    [InlineData("<p onclick=\"x()\">hi</p>", "has the attribute onclick")]
    [InlineData("<p>a & b</p>", "not well-formed")]
    [InlineData("<img src=\"x\"/>", "uses <img>")]
    public void ItemMarkupIsAnAllowList(string markup, string? problem)
    {
        var found = ItemMarkup.Problem(markup);
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }
}
