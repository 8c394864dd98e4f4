using CourseMatch.Learners;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Recommendations;

/// <summary>What-if on a plan (issue 15): one answer changed, what changes and why, and nothing stored unless kept.</summary>
public class WhatIfTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly RecommendationService service = fixture.Db.Recommender();
    private readonly WhatIf whatIf = fixture.Db.WhatIf();

    /// <summary>
    /// Level 1 in every skill, online only, a strict budget of nothing: the paid tracks are empty (the demo catalog's paid
    /// online courses do not list a price, so a strict budget keeps them out whatever its amount).
    /// </summary>
    private async Task<PlanDocument> FreeOnlyPlanAsync(Action<ProfileInput>? change = null)
    {
        var input = new ProfileInput { Goal = "career-switch", HoursPerWeek = 4, BudgetAmount = 0, BudgetStrict = true, Format = "online" };
        foreach (var s in DemoCatalog.SkillSlugs) input.Skills[s] = 1;
        change?.Invoke(input);
        var outcome = await service.RecommendAsync(input);
        Assert.Empty(outcome.Errors);
        return outcome.Plan!;
    }

    private async Task<(int Plans, int Profiles)> CountsAsync()
    {
        await using var db = fixture.Db.Context();
        return (await db.Recommendations.CountAsync(), await db.LearnerProfiles.CountAsync());
    }

    private static void InNewYork(ProfileInput i) => (i.Format, i.City, i.Country) = ("any", "New York", "US");

    [Fact]
    public async Task ABiggerBudgetFillsTheInPersonTrackSaysWhyAndStoresNothing()
    {
        var plan = await FreeOnlyPlanAsync(InNewYork);
        Assert.Empty(plan.Tracks.InPerson);
        var stored = await CountsAsync();

        var outcome = await whatIf.TryAsync(plan.Token, new BudgetChange(5000));

        Assert.Empty(outcome.Errors);
        var result = outcome.Result!;
        var inPerson = result.Tracks.Single(t => t.Key == "inPerson");
        Assert.Equal(0, inPerson.Before);
        Assert.NotEmpty(inPerson.In);
        Assert.All(inPerson.In, p => Assert.StartsWith("With a budget of $5,000, it fits: it costs $", p.Why));
        Assert.Equal(inPerson.In.Select(p => p.Slug), result.Plan.Tracks.InPerson.Select(p => p.Slug));
        Assert.StartsWith("With a budget of $5,000, ", result.Summary);
        Assert.Equal(stored, await CountsAsync());
        // The plan the learner has is as it was.
        Assert.Empty((await service.LoadAsync(plan.Token))!.Tracks.InPerson);
    }

    [Fact]
    public async Task KeepingAWhatIfStoresItAsANewPlanWithTheChangedAnswers()
    {
        var plan = await FreeOnlyPlanAsync(InNewYork);
        var tried = (await whatIf.TryAsync(plan.Token, new BudgetChange(5000))).Result!;
        var stored = await CountsAsync();

        var kept = await whatIf.KeepAsync(plan.Token, new BudgetChange(5000));

        Assert.Empty(kept.Errors);
        Assert.NotEqual(plan.Token, kept.Token);
        Assert.Equal((stored.Plans + 1, stored.Profiles + 1), await CountsAsync());
        var newPlan = (await service.LoadAsync(kept.Token!))!;
        Assert.NotEmpty(newPlan.Tracks.InPerson);
        Assert.Equal(tried.Plan.Tracks.InPerson.Select(p => p.Slug), newPlan.Tracks.InPerson.Select(p => p.Slug));
        await using var db = fixture.Db.Context();
        var profile = await db.Recommendations.Where(r => r.Token == kept.Token).Select(r => r.Profile).SingleAsync();
        Assert.Equal(5000m, profile.BudgetAmount);
        Assert.Null(profile.OwnerId);
        Assert.Empty((await service.LoadAsync(plan.Token))!.Tracks.InPerson);
    }

    [Fact]
    public async Task ATargetReachedTakesItsCoursesOutAndSaysWhy()
    {
        // Wanting calculus and Python to level 3; then calculus only to level 1, where the learner already is.
        var plan = await FreeOnlyPlanAsync(i =>
            i.TargetLevels = DemoCatalog.SkillSlugs.ToDictionary(s => s, s => s is "calculus" or "python" ? (int?)3 : null));

        var result = (await whatIf.TryAsync(plan.Token, new TargetChange("calculus", 1))).Result!;

        Assert.Equal("Aiming for level 1 in Calculus", result.Change);
        var free = result.Tracks.Single(t => t.Key == "free");
        Assert.Contains(free.Out, p => p.Why.StartsWith("It would no longer take you anywhere you want to go: it teaches Calculus"));
        Assert.Equal(free.Out.Count, free.In.Count);
        Assert.DoesNotContain(result.Plan.Tracks.Free, p => p.Reasons.Any(r => r.StartsWith("Teaches Calculus")));
    }

    [Fact]
    public async Task MoreHoursBringInCoursesThatAskMoreAndSayHowMuch()
    {
        var plan = await FreeOnlyPlanAsync(i => i.HoursPerWeek = 1);

        var result = (await whatIf.TryAsync(plan.Token, new HoursChange(12))).Result!;

        Assert.Equal("With 11 more hours a week", result.Change);
        // The alternative is ranked for the new hours: its reasons weigh each pick against 12 hours a week, not 1.
        var reasons = result.Plan.Tracks.Free.SelectMany(p => p.Reasons).Where(r => r.Contains("hours a week")).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r.Contains("12 hours a week") || r.EndsWith("you have 12") || r.Contains("at 12 hours a week"), r));
        // With the same picks, the summary says so rather than inventing a change.
        if (!result.Changes) Assert.Equal("With 11 more hours a week, your picks stay the same.", result.Summary);
    }

    [Theory]
    [InlineData("hours", "hoursPerWeek", "Hours a week must be between 1 and 80.")]
    [InlineData("budget", "budget.amount", "The budget cannot be negative.")]
    [InlineData("skill", "target.levels.baking", "'baking' is not one of the skills")]
    [InlineData("level", "target.levels.calculus", "Pick a target level from 0 to 4")]
    [InlineData("format", "format", "In-person courses need a city")]
    [InlineData("nothing", "target", "Pick at least one skill you want to learn.")]
    public async Task BadChangesNameTheirFieldAndStoreNothing(string what, string field, string message)
    {
        var plan = await FreeOnlyPlanAsync(i =>
            i.TargetLevels = DemoCatalog.SkillSlugs.ToDictionary(s => s, s => s == "calculus" ? (int?)3 : null));
        WhatIfChange change = what switch
        {
            "hours" => new HoursChange(0),
            "budget" => new BudgetChange(-5),
            "skill" => new TargetChange("baking", 2),
            "level" => new TargetChange("calculus", 9),
            "format" => new FormatChange("in-person"),
            _ => new TargetChange("calculus", null),
        };
        var stored = await CountsAsync();

        var tried = await whatIf.TryAsync(plan.Token, change);
        var kept = await whatIf.KeepAsync(plan.Token, change);

        Assert.Null(tried.Result);
        Assert.Contains(message, Assert.Single(tried.Errors[field]));
        Assert.Null(kept.Token);
        Assert.Equal(tried.Errors.Keys, kept.Errors.Keys);
        Assert.Equal(stored, await CountsAsync());
    }

    [Fact]
    public async Task AnUnknownPlanOrSomeoneElsesIsNotFound()
    {
        var plan = await FreeOnlyPlanAsync();
        var stored = await CountsAsync();

        Assert.True((await whatIf.TryAsync("no-such-token", new HoursChange(6))).NotFound);
        Assert.True((await whatIf.KeepAsync(plan.Token, new HoursChange(6), ownerId: "another-advisor")).NotFound);
        Assert.Equal(stored, await CountsAsync());
    }

    [Fact]
    public async Task AnEmptyTrackSaysWhichAnswerKeepsItEmpty()
    {
        var plan = await FreeOnlyPlanAsync();

        var causes = await whatIf.EmptyTrackCausesAsync(plan.Token);

        var online = causes.Single(c => c.Key == "online");
        Assert.Contains(online.Binds, b => b.StartsWith("Budget: without the $0 limit, ") && b.EndsWith(" would fill it."));
        // Without a city no answer relaxed alone brings an in-person course.
        var inPerson = causes.Single(c => c.Key == "inPerson");
        Assert.Empty(inPerson.Binds);
        Assert.StartsWith("No single answer keeps it empty", inPerson.Summary);
        Assert.DoesNotContain(causes, c => c.Key == "free");
    }
}
