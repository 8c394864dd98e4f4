using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Learners;

/// <summary>The taxonomy is data: what an admin does in /admin/skills reaches the questionnaire and plans at once.</summary>
public class SkillTaxonomyTests
{
    private const string Admin = "admin@example.test";

    private static SkillForm NewSkill(string slug, string name) => new()
    {
        Slug = slug, Name = name, Category = "math",
        Levels = ["Has not met it.", "Can follow a worked example.", "Can solve a textbook problem.", "Can prove the main results.", "Can teach it."],
    };

    private static ProfileInput Answers(Action<ProfileInput>? change = null)
    {
        var input = new ProfileInput { Goal = "academic", Format = "online", HoursPerWeek = 6, BudgetAmount = 500, BudgetCurrency = "USD" };
        input.Skills["python"] = 3;
        input.Skills["linear-algebra"] = 1;
        change?.Invoke(input);
        return input;
    }

    [Fact]
    public async Task ASkillAddedByAnAdminIsAskedForAndPlannedWithoutARestart()
    {
        await using var db = await TestDatabase.CreateAsync();
        var recommender = db.Recommender();
        var before = await recommender.RecommendAsync(Answers(a => a.Skills["measure-theory"] = 1));
        Assert.Contains("skills.measure-theory", before.Errors.Keys);

        Assert.True((await db.Get<SkillEditor>().CreateAsync(NewSkill("measure-theory", "Measure theory"), Admin)).Ok);

        // The same service instance: nothing was restarted or reloaded.
        var after = await recommender.RecommendAsync(Answers(a => a.Skills["measure-theory"] = 1));
        Assert.Empty(after.Errors);
        var progress = Assert.Single(after.Plan!.Skills, s => s.Slug == "measure-theory");
        Assert.Equal(("Measure theory", 1), (progress.Name, progress.Now));
        await using var context = db.Context();
        var taxonomy = await SkillTaxonomy.LoadAsync(context);
        Assert.Equal(5, taxonomy.Skills.Single(s => s.Slug == "measure-theory").LevelDescriptors.Length);
        // A learner who leaves the new skill out is stored at 0 in it, like any other skill.
        var stored = await context.Recommendations.Include(r => r.Profile).SingleAsync(r => r.Token == after.Plan.Token);
        Assert.Equal(1, stored.Profile.Skills["measure-theory"]);
        Assert.Equal(taxonomy.Slugs.Order(), stored.Profile.Skills.Keys.Order());
    }

    [Fact]
    public async Task ARenamedSkillSlugKeepsOldProfilesAndPlansWorking()
    {
        await using var db = await TestDatabase.CreateAsync();
        var recommender = db.Recommender();
        var old = (await recommender.RecommendAsync(Answers())).Plan!;

        var editor = db.Get<SkillEditor>();
        var id = (await editor.IdOfAsync("python"))!.Value;
        var loaded = (await editor.GetAsync(id))!.Values;
        var form = SkillForm.From(loaded);
        form.Slug = "python-programming";
        Assert.True((await editor.UpdateAsync(id, loaded, form, Admin)).Ok);

        // The old plan still shows the learner's level under the skill's new slug.
        var reread = (await recommender.LoadAsync(old.Token))!;
        Assert.Equal(3, reread.Skills.Single(s => s.Slug == "python-programming").Now);
        Assert.DoesNotContain(reread.Skills, s => s.Slug == "python");

        // The stored answers read back with the level in the renamed skill, and plan again without errors.
        await using var context = db.Context();
        var profile = (await context.Recommendations.Include(r => r.Profile).SingleAsync(r => r.Token == old.Token)).Profile;
        var answers = ProfileInput.FromProfile(profile, await SkillTaxonomy.LoadAsync(context));
        Assert.Equal(3, answers.Skills["python-programming"]);
        Assert.False(answers.Skills.ContainsKey("python"));
        var again = await recommender.GenerateAsync(profile);
        Assert.Equal(3, again.Skills.Single(s => s.Slug == "python-programming").Now);

        // New requests use the new slug; the old one is refused with the list of skills that exist.
        var refused = await recommender.RecommendAsync(Answers());
        Assert.Contains("python-programming", refused.Errors["skills.python"][0]);
    }

    [Fact]
    public async Task MergingSkillsKeepsTheLearnersHigherLevelInTheSkillThatRemains()
    {
        await using var db = await TestDatabase.CreateAsync();
        var editor = db.Get<SkillEditor>();
        Assert.True((await editor.CreateAsync(NewSkill("numpy", "NumPy"), Admin)).Ok);
        var plan = (await db.Recommender().RecommendAsync(Answers(a => { a.Skills["python"] = 1; a.Skills["numpy"] = 4; }))).Plan!;

        Assert.True((await editor.MergeAsync((await editor.IdOfAsync("python"))!.Value, (await editor.IdOfAsync("numpy"))!.Value, Admin)).Merged);

        await using var context = db.Context();
        var profile = (await context.Recommendations.Include(r => r.Profile).SingleAsync(r => r.Token == plan.Token)).Profile;
        Assert.Equal(4, profile.Skills["python"]);
        Assert.False(profile.Skills.ContainsKey("numpy"));
    }
}
