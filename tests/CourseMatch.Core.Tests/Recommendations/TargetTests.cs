using CourseMatch.Learners;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Recommendations;

/// <summary>Targets (issue 15): where the learner wants to get decides which gaps a plan closes, and in which order.</summary>
public class TargetTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly RecommendationService service = fixture.Db.Recommender();

    private static readonly string[] AllSkills = ["linear-algebra", "calculus", "probability", "statistics", "discrete-math", "optimization", "python", "machine-learning"];

    /// <summary>Level 2 in every skill but those given; free and online, 6 hours a week.</summary>
    private static ProfileInput Learner(string goal, Dictionary<string, int>? levels = null, Action<ProfileInput>? change = null)
    {
        var input = new ProfileInput { Goal = goal, HoursPerWeek = 6, BudgetAmount = 0, BudgetStrict = true, Format = "online" };
        foreach (var s in AllSkills) input.Skills[s] = levels?.GetValueOrDefault(s, 2) ?? 2;
        change?.Invoke(input);
        return input;
    }

    private async Task<PlanDocument> PlanAsync(ProfileInput input)
    {
        var outcome = await service.RecommendAsync(input);
        Assert.Empty(outcome.Errors);
        return outcome.Plan!;
    }

    private async Task<Dictionary<string, int>> TeachesAsync(string slug)
    {
        await using var db = fixture.Db.Context();
        return await db.Courses.Where(c => c.Slug == slug).SelectMany(c => c.Skills).Select(s => new { s.Skill.Slug, s.Level })
            .ToDictionaryAsync(s => s.Slug, s => s.Level);
    }

    [Fact]
    public async Task ARequestWithoutATargetAimsAtTheGoalsDefaultRole()
    {
        var (input, errors) = ProfileRequest.Read("""{"skills": {"python": 1}, "goal": "academic", "hoursPerWeek": 5}""");
        Assert.Empty(errors);
        var outcome = await service.RecommendAsync(input!);
        Assert.Empty(outcome.Errors);

        await using var db = fixture.Db.Context();
        var stored = await db.LearnerProfiles.OrderByDescending(p => p.Id).FirstAsync();
        var role = await db.TargetRoles.SingleAsync(r => r.Slug == "graduate-ml");
        Assert.Equal("graduate-ml", stored.TargetRole);
        Assert.Equal(role.Targets.ToDictionary(t => t.Key, t => t.Value.Level), stored.Targets);
    }

    [Fact]
    public async Task ASingleWantedGapGetsACourseForThatGapFirstAndTheReasonNamesTheTarget()
    {
        // The case from the issue: calculus 0, everything else 2, wanting calculus 3 and nothing else, free only.
        var plan = await PlanAsync(Learner("academic", new() { ["calculus"] = 0 }, i => i.TargetLevels = AllSkills.ToDictionary(s => s, s => s == "calculus" ? (int?)3 : null)));

        Assert.NotEmpty(plan.Tracks.Free);
        Assert.True((await TeachesAsync(plan.Tracks.Free[0].Slug)).GetValueOrDefault("calculus") > 0, $"first free pick {plan.Tracks.Free[0].Slug} does not teach calculus");
        Assert.Contains(plan.Tracks.Free[0].Reasons, r => r.Contains("Calculus to level") && r.Contains("you want level 3; you are at 0"));
        Assert.True((await TeachesAsync(plan.Path[0].Slug)).GetValueOrDefault("calculus") > 0, $"the path starts with {plan.Path[0].Slug}, not a calculus course");
    }

    [Fact]
    public async Task SkillsTheLearnerIsNotInterestedInNeverDriveAPick()
    {
        var plan = await PlanAsync(Learner("upskill", new() { ["python"] = 1 }, i =>
        {
            i.TargetLevels = AllSkills.ToDictionary(s => s, s => s == "python" ? (int?)3 : null);
            (i.BudgetAmount, i.BudgetStrict, i.Format) = (2000, false, "any");
        }));

        var picks = plan.Tracks.Online.Concat(plan.Tracks.Free).ToList();
        Assert.NotEmpty(picks);
        foreach (var pick in picks)
            Assert.True((await TeachesAsync(pick.Slug)).GetValueOrDefault("python") >= 2, $"{pick.Slug} does not take Python from 1 towards 3");
    }

    [Fact]
    public async Task TargetsAlreadyReachedMeanKeepGoingNotRefreshers()
    {
        // At 3 in machine learning and wanting 3: the plan goes further (level 4), never back over levels 1–3.
        var plan = await PlanAsync(Learner("upskill", new() { ["machine-learning"] = 3, ["python"] = 3, ["linear-algebra"] = 3 }, i =>
        {
            i.TargetLevels = new() { ["machine-learning"] = 3 };
            (i.BudgetAmount, i.BudgetStrict, i.Format) = (null, false, "any");
        }));

        var picks = plan.Tracks.Online.Concat(plan.Tracks.Free).ToList();
        Assert.NotEmpty(picks);
        foreach (var pick in picks)
            Assert.Equal(4, (await TeachesAsync(pick.Slug)).GetValueOrDefault("machine-learning"));
        Assert.Contains(picks[0].Reasons, r => r.Contains("further than your target of 3"));
    }

    [Fact]
    public async Task BadTargetsAreNamedAndNothingIsStored()
    {
        await using var db = fixture.Db.Context();
        var before = await db.LearnerProfiles.CountAsync();

        async Task<Dictionary<string, string[]>> Errors(Action<ProfileInput> change) => (await service.RecommendAsync(Learner("upskill", null, change))).Errors;

        Assert.Contains("is not a role", (await Errors(i => i.TargetRole = "astronaut"))["target.role"][0]);
        Assert.Contains("from 0 to 4", (await Errors(i => i.TargetLevels = new() { ["calculus"] = 7 }))["target.levels.calculus"][0]);
        Assert.Contains("is not one of the skills", (await Errors(i => i.TargetLevels = new() { ["astrology"] = 2 }))["target.levels.astrology"][0]);
        Assert.Equal("Pick at least one skill you want to learn.", (await Errors(i => i.TargetLevels = AllSkills.ToDictionary(s => s, _ => (int?)null)))["target"][0]);
        var (_, json) = ProfileRequest.Read("""{"goal": "upskill", "target": {"levels": {"calculus": "lots"}}}""");
        Assert.Contains("target.levels.calculus", json.Keys);

        Assert.Equal(before, await db.LearnerProfiles.CountAsync());
    }

    [Fact]
    public void WantAndGapFollowTheTargetAndKeepGoingOnlyWhenEveryTargetIsReached()
    {
        var learner = new LearnerProfile { Skills = new() { ["calculus"] = 0, ["python"] = 3 }, Targets = new() { ["calculus"] = 2, ["python"] = 3, ["statistics"] = null } };
        Assert.Equal((2, 2), (learner.Want("calculus"), learner.Gap("calculus")));
        Assert.Equal((3, 0), (learner.Want("python"), learner.Gap("python"))); // at target while calculus is still wanted
        Assert.Equal((null, 0), (learner.Want("statistics"), learner.Gap("statistics")));

        learner.Skills["calculus"] = 2;
        Assert.True(learner.KeepsGoing);
        Assert.Equal((3, 1), (learner.Want("calculus"), learner.Gap("calculus")));
        Assert.Equal((4, 1), (learner.Want("python"), learner.Gap("python")));

        var before = new LearnerProfile { Skills = new() { ["calculus"] = 1 } }; // stored before targets: every skill wanted to 4
        Assert.Equal((4, 3), (before.Want("calculus"), before.Gap("calculus")));
    }
}
