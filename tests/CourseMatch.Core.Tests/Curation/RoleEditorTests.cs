using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Learners;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Curation;

public class RoleEditorTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Admin = "admin@example.test";
    private readonly RoleEditor roles = fixture.Db.Get<RoleEditor>();
    private readonly SkillEditor skills = fixture.Db.Get<SkillEditor>();

    private async Task<(int Id, RoleValues Values)> RoleAsync(string slug)
    {
        var id = (await roles.IdOfAsync(slug))!.Value;
        return (id, (await roles.GetAsync(id))!.Values);
    }

    private async Task<RoleForm> FormAsync(RoleValues values) =>
        RoleForm.From(values, (await roles.SkillsAsync()).Select(s => s.Slug));

    private async Task<RoleForm> NewRoleAsync(string slug, string name)
    {
        var form = await FormAsync(new RoleValues("", "", "", new Dictionary<string, RoleTarget>()));
        (form.Slug, form.Name, form.Summary) = (slug, name, "Builds the pipelines that feed models and dashboards.");
        (form.Levels["python"], form.Reasons["python"]) = ("3", "Writes and tests the jobs that move data every night.");
        (form.Levels["statistics"], form.Reasons["statistics"]) = ("1", "Checks that a day's numbers look like the days before.");
        return form;
    }

    private Task<int> AuditCountAsync() => fixture.Db.ScalarAsync<int>("SELECT count(*) FROM audit_entries");

    private async Task<List<AuditEntry>> AuditAsync(int id)
    {
        await using var db = fixture.Db.Context();
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.Where(a => a.Entity == RoleEditor.Entity && a.EntityId == key).OrderBy(a => a.Id).ToListAsync();
    }

    private static SkillForm NewSkill(string slug, string name) => new()
    {
        Slug = slug, Name = name, Category = "math",
        Levels = ["Has not met it.", "Can follow an example.", "Can apply it to a new problem.", "Can derive its main results.", "Can extend it in research."],
    };

    private async Task<int> AddProfileAsync(string? role, Dictionary<string, int?> targets)
    {
        await using var db = fixture.Db.Context();
        var profile = new LearnerProfile { Skills = new() { ["python"] = 1 }, TargetRole = role, Targets = targets };
        db.LearnerProfiles.Add(profile);
        await db.SaveChangesAsync();
        return profile.Id;
    }

    private async Task<LearnerProfile> ProfileAsync(int id)
    {
        await using var db = fixture.Db.Context();
        return await db.LearnerProfiles.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    [Fact]
    public async Task AnUpdateChangesTheRoleAndWritesOneAuditEntryNamingTheChangedSkill()
    {
        var (id, loaded) = await RoleAsync("data-analyst");
        Assert.Null(loaded.Targets["calculus"].Level);
        var form = await FormAsync(loaded);
        (form.Levels["calculus"], form.Reasons["calculus"]) = ("1", "Reads a growth rate off a curve when a forecast is questioned.");

        var saved = await roles.UpdateAsync(id, loaded, form, Admin);

        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
        var stored = (await roles.GetAsync(id))!.Values;
        Assert.Equal(new RoleTarget(1, "Reads a growth rate off a curve when a forecast is questioned."), stored.Targets["calculus"]);
        Assert.Equal(loaded.Targets["statistics"], stored.Targets["statistics"]);
        var entry = Assert.Single(await AuditAsync(id));
        Assert.Equal(("Updated", Admin), (entry.Action, entry.Actor));
        Assert.Equal("Updated role Data analyst (data-analyst): Calculus target, Calculus reason", entry.Summary);
        static JsonElement Calculus(string? json) => JsonDocument.Parse(json!).RootElement.GetProperty("targets").GetProperty("calculus");
        Assert.Equal(JsonValueKind.Null, Calculus(entry.Before).GetProperty("level").ValueKind);
        Assert.StartsWith("Analysts rarely differentiate", Calculus(entry.Before).GetProperty("reason").GetString());
        Assert.Equal(1, Calculus(entry.After).GetProperty("level").GetInt32());
        Assert.StartsWith("Reads a growth rate", Calculus(entry.After).GetProperty("reason").GetString());

        // The questionnaire reads roles fresh: the new level is what a learner aiming at the role now gets.
        await using var db = fixture.Db.Context();
        Assert.Equal(1, (await SkillTaxonomy.LoadAsync(db)).Role("data-analyst")!.Targets["calculus"].Level);
    }

    [Fact]
    public async Task AStaleUpdateWritesNothingAndReturnsTheStoredValues()
    {
        var (id, loaded) = await RoleAsync("data-scientist");
        var first = await FormAsync(loaded);
        first.Summary = "Finds questions in data and answers them with models and experiments.";
        Assert.True((await roles.UpdateAsync(id, loaded, first, Admin)).Ok);
        var stored = (await roles.GetAsync(id))!.Values;
        var audits = await AuditCountAsync();

        var second = await FormAsync(loaded);
        second.Levels["python"] = "4";
        var outcome = await roles.UpdateAsync(id, loaded, second, "other@example.test");

        Assert.False(outcome.Ok);
        Assert.Equal(stored, outcome.Conflict);
        Assert.Equal(stored, (await roles.GetAsync(id))!.Values);
        Assert.Equal(audits, await AuditCountAsync());

        // Saving again over the stored values is the admin's deliberate choice, and goes through.
        Assert.True((await roles.UpdateAsync(id, outcome.Conflict!, second, "other@example.test")).Ok);
        Assert.Equal(4, (await roles.GetAsync(id))!.Values.Targets["python"].Level);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "level 7", "level.calculus", "Calculus target must be a level from 0 to 4, or empty for not needed." },
        { "level x", "level.calculus", "Calculus target must be a level from 0 to 4, or empty for not needed." },
        { "unknown skill", "targets", "\"astrophysics\"" },
        { "missing reason", "reason.calculus", "Calculus reason is required" },
        { "long reason", "reason.calculus", "at most 300 characters (it has 301)" },
        { "nothing needed", "targets", "A role needs a target level in at least one skill." },
        { "empty name", "name", "Name is required." },
        { "empty summary", "summary", "Summary is required" },
        { "taken slug", "slug", "already used by another role" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task EachBadInputNamesItsFieldAndChangesNothing(string input, string field, string message)
    {
        if (await roles.IdOfAsync("support-analyst") is null)
        {
            var role = await NewRoleAsync("support-analyst", "Support analyst");
            (role.Levels["calculus"], role.Reasons["calculus"]) = ("1", "Reads a trend's slope when a ticket queue grows.");
            Assert.True((await roles.CreateAsync(role, Admin)).Ok);
        }
        var (id, loaded) = await RoleAsync("support-analyst");
        var form = await FormAsync(loaded);
        var (rows, audits) = (await fixture.Db.ScalarAsync<int>("SELECT count(*) FROM target_roles"), await AuditCountAsync());
        switch (input)
        {
            case "level 7": form.Levels["calculus"] = "7"; break;
            case "level x": form.Levels["calculus"] = "x"; break;
            case "unknown skill": (form.Levels["astrophysics"], form.Reasons["astrophysics"]) = ("2", "Stars."); break;
            case "missing reason": form.Reasons["calculus"] = "  "; break;
            case "long reason": form.Reasons["calculus"] = new string('r', Limits.RoleReason + 1); break;
            case "nothing needed": foreach (var skill in form.Levels.Keys) form.Levels[skill] = ""; break;
            case "empty name": form.Name = ""; break;
            case "empty summary": form.Summary = null; break;
            case "taken slug":
                var created = await roles.CreateAsync(await NewRoleAsync("data-scientist", "Another data scientist"), Admin);
                Assert.Equal(field, Assert.Single(created.Errors).Field);
                Assert.Contains(message, created.Errors[0].Message);
                form.Slug = "quant-analyst";
                break;
        }

        var outcome = await roles.UpdateAsync(id, loaded, form, Admin);

        Assert.False(outcome.Ok);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
        Assert.Equal(loaded, (await roles.GetAsync(id))!.Values);
        Assert.Equal(rows, await fixture.Db.ScalarAsync<int>("SELECT count(*) FROM target_roles"));
        Assert.Equal(audits, await AuditCountAsync());
    }

    [Fact]
    public async Task ASeededRoleKeepsItsSlug()
    {
        var (id, loaded) = await RoleAsync("ml-engineer");
        var form = await FormAsync(loaded);
        form.Slug = "machine-learning-engineer";
        var audits = await AuditCountAsync();

        var outcome = await roles.UpdateAsync(id, loaded, form, Admin);

        Assert.Equal("slug", Assert.Single(outcome.Errors).Field);
        Assert.Contains("cannot change: it is a seeded role", outcome.Errors[0].Message);
        Assert.Equal("ml-engineer", (await roles.GetAsync(id))!.Values.Slug);
        Assert.Equal(audits, await AuditCountAsync());
    }

    [Fact]
    public async Task ANotNeededSkillKeepsItsReasonAndAnEmptyOneIsLeftOut()
    {
        var created = await roles.CreateAsync(await NewRoleAsync("analytics-writer", "Analytics writer"), Admin);

        Assert.True(created.Ok, string.Join("; ", created.Errors));
        Assert.Equal(2, created.Saved!.Targeted);
        Assert.Equal(["python", "statistics"], created.Saved.Targets.Keys.Order());

        var (id, loaded) = await RoleAsync("analytics-writer");
        var form = await FormAsync(loaded);
        form.Reasons["calculus"] = "Reports describe change in words, not derivatives.";
        Assert.True((await roles.UpdateAsync(id, loaded, form, Admin)).Ok);
        Assert.Equal(new RoleTarget(null, "Reports describe change in words, not derivatives."), (await roles.GetAsync(id))!.Values.Targets["calculus"]);
    }

    [Fact]
    public async Task ANewRoleIsListedLastAndReachesTheTaxonomy()
    {
        var created = await roles.CreateAsync(await NewRoleAsync("data-engineer", "Data engineer"), Admin);
        Assert.True(created.Ok, string.Join("; ", created.Errors));

        await using var db = fixture.Db.Context();
        var taxonomy = await SkillTaxonomy.LoadAsync(db);
        var last = taxonomy.Roles[^1];
        Assert.Equal(("data-engineer", 3), (last.Slug, last.Targets["python"].Level));
        Assert.Equal("data-engineer", (await roles.ListAsync())[^1].Values.Slug);
        var id = (await roles.IdOfAsync("data-engineer"))!.Value;
        var entry = Assert.Single(await AuditAsync(id));
        Assert.Equal(("Created", "Created role Data engineer (data-engineer)"), (entry.Action, entry.Summary));
    }

    [Fact]
    public async Task ASlugRenameMovesTheAnswersThatAimAtTheRoleButALevelChangeLeavesTheirTargets()
    {
        Assert.True((await roles.CreateAsync(await NewRoleAsync("platform-engineer", "Platform engineer"), Admin)).Ok);
        var (id, loaded) = await RoleAsync("platform-engineer");
        var aiming = await AddProfileAsync("platform-engineer", new() { ["python"] = 3, ["statistics"] = 1, ["calculus"] = null });
        var other = await AddProfileAsync("ml-engineer", new() { ["python"] = 4 });

        var form = await FormAsync(loaded);
        form.Slug = "ml-platform-engineer";
        form.Levels["python"] = "4";
        Assert.True((await roles.UpdateAsync(id, loaded, form, Admin)).Ok);

        var moved = await ProfileAsync(aiming);
        Assert.Equal("ml-platform-engineer", moved.TargetRole);
        // The learner's own copy of the levels they aimed at is theirs: the role's new python level does not reach it.
        Assert.Equal(3, moved.Targets["python"]);
        Assert.Equal("ml-engineer", (await ProfileAsync(other)).TargetRole);
        Assert.Equal(0, await fixture.Db.ScalarAsync<int>("SELECT count(*) FROM learner_profiles WHERE target_role = 'platform-engineer'"));
        Assert.Contains("slug, Python programming target", Assert.Single(await AuditAsync(id), a => a.Action == "Updated").Summary);
    }

    [Fact]
    public async Task MovingARoleChangesTheOrderLearnersSeeAndIsAudited()
    {
        var before = await roles.ListAsync();
        var (first, second) = (before[0], before[1]);

        Assert.False(await roles.MoveAsync(first.Id, up: true, Admin));
        Assert.True(await roles.MoveAsync(second.Id, up: true, Admin));

        var after = await roles.ListAsync();
        Assert.Equal([second.Id, first.Id], after.Take(2).Select(r => r.Id));
        Assert.Equal(Enumerable.Range(0, after.Count), after.Select(r => r.Position));
        await using var db = fixture.Db.Context();
        Assert.Equal(second.Values.Slug, (await SkillTaxonomy.LoadAsync(db)).Roles[0].Slug);
        var entry = Assert.Single(await AuditAsync(second.Id), a => a.Action == "Moved");
        Assert.Contains("up: now 1 of", entry.Summary);
    }

    [Fact]
    public async Task RenamingOrMergingASkillMovesTheRolesAndTheLearnersTargetsToTheSlugThatStays()
    {
        Assert.True((await skills.CreateAsync(NewSkill("graph-theory", "Graph theory"), Admin)).Ok);
        Assert.True((await skills.CreateAsync(NewSkill("network-science", "Network science"), Admin)).Ok);
        Assert.True((await roles.CreateAsync(await NewRoleAsync("graph-analyst", "Graph analyst"), Admin)).Ok);
        var (roleId, loaded) = await RoleAsync("graph-analyst");
        var form = await FormAsync(loaded);
        (form.Levels["graph-theory"], form.Reasons["graph-theory"]) = ("2", "Walks graphs to find communities.");
        (form.Levels["network-science"], form.Reasons["network-science"]) = ("3", "Models how influence spreads.");
        Assert.True((await roles.UpdateAsync(roleId, loaded, form, Admin)).Ok);
        var learner = await AddProfileAsync("graph-analyst", new() { ["graph-theory"] = null, ["network-science"] = 3, ["python"] = 2 });

        var graphId = (await skills.IdOfAsync("graph-theory"))!.Value;
        var graph = (await skills.GetAsync(graphId))!.Values;
        var rename = SkillForm.From(graph);
        rename.Slug = "graphs";
        Assert.True((await skills.UpdateAsync(graphId, graph, rename, Admin)).Ok);

        var role = (await roles.GetAsync(roleId))!.Values;
        Assert.Equal(new RoleTarget(2, "Walks graphs to find communities."), role.Targets["graphs"]);
        Assert.False(role.Targets.ContainsKey("graph-theory"));
        Assert.True((await ProfileAsync(learner)).Targets.ContainsKey("graphs"));

        // Merged: the role keeps the higher target with its reason, the learner the higher level they wanted.
        var merged = await skills.MergeAsync(graphId, (await skills.IdOfAsync("network-science"))!.Value, Admin);
        Assert.True(merged.Merged, merged.Error);
        role = (await roles.GetAsync(roleId))!.Values;
        Assert.Equal(new RoleTarget(3, "Models how influence spreads."), role.Targets["graphs"]);
        Assert.False(role.Targets.ContainsKey("network-science"));
        var targets = (await ProfileAsync(learner)).Targets;
        Assert.Equal((3, false), (targets["graphs"], targets.ContainsKey("network-science")));

        // The role's form still saves: its targets name only skills the taxonomy has.
        var again = (await roles.GetAsync(roleId))!.Values;
        Assert.True((await roles.UpdateAsync(roleId, again, await FormAsync(again), Admin)).Ok);
    }
}
