using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Tests.Curation;

public class ProviderAndSkillEditorTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Admin = "admin@example.test";
    private readonly ProviderEditor providers = fixture.Db.Get<ProviderEditor>();
    private readonly SkillEditor skills = fixture.Db.Get<SkillEditor>();
    private readonly CatalogSearch search = fixture.Db.Get<CatalogSearch>();

    private static ProviderForm NewProvider(string slug, string name) =>
        new() { Slug = slug, Name = name, Kind = "university", Website = "https://example.test", Country = "gb" };

    private static SkillForm NewSkill(string slug, string name) => new()
    {
        Slug = slug, Name = name, Category = "math",
        Levels = ["Has not met it.", "Can follow an example.", "Can apply it to a new problem.", "Can derive its main results.", "Can extend it in research."],
    };

    private async Task<int> CountAsync(string sql) => await fixture.Db.ScalarAsync<int>(sql);

    private async Task<List<AuditEntry>> AuditAsync(string entity, int id)
    {
        await using var db = fixture.Db.Context();
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.Where(a => a.Entity == entity && a.EntityId == key).OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>Adds a published course to the provider teaching and requiring skills (by id → level).</summary>
    private async Task AddCourseAsync(string slug, string title, int providerId, Dictionary<int, int>? teaches = null, Dictionary<int, int>? requires = null)
    {
        await using var db = fixture.Db.Context();
        db.Courses.Add(new Course
        {
            Slug = slug, Title = title, ProviderId = providerId, Summary = "A short course.", Price = 0, Currency = "USD",
            SearchKeywords = "placeholder",
            Skills = [.. (teaches ?? []).Select(kv => new CourseSkill { SkillId = kv.Key, Level = kv.Value })],
            Prerequisites = [.. (requires ?? []).Select(kv => new CoursePrerequisite { SkillId = kv.Key, MinLevel = kv.Value })],
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task InvalidProviderNamesEveryWrongFieldAndWritesNothing()
    {
        var providersBefore = await CountAsync("SELECT count(*) FROM providers");
        var auditBefore = await CountAsync("SELECT count(*) FROM audit_entries");

        var outcome = await providers.CreateAsync(new ProviderForm
        {
            Slug = "Not A Slug", Name = "  ", Kind = "castle", Website = "ftp://files.example.test", Country = "USA",
        }, Admin);

        Assert.False(outcome.Ok);
        Assert.Equal(["slug", "name", "kind", "website", "country"], outcome.Errors.Select(e => e.Field));
        Assert.Contains("Slug", outcome.Errors[0].Message);
        Assert.Contains("Name", outcome.Errors[1].Message);
        Assert.Contains("Country", outcome.Errors[4].Message);
        Assert.Equal(providersBefore, await CountAsync("SELECT count(*) FROM providers"));
        Assert.Equal(auditBefore, await CountAsync("SELECT count(*) FROM audit_entries"));

        var taken = await providers.CreateAsync(NewProvider("khan-academy", "Another Khan"), Admin);
        Assert.Equal("slug", Assert.Single(taken.Errors).Field);
        Assert.Contains("already used", taken.Errors[0].Message);

        var tooLong = await providers.CreateAsync(NewProvider("long-name", new string('x', 201)), Admin);
        Assert.Equal("name", Assert.Single(tooLong.Errors).Field);
        Assert.Equal(providersBefore, await CountAsync("SELECT count(*) FROM providers"));
    }

    [Fact]
    public async Task CreatingAndEditingAProviderIsAuditedWithBeforeAndAfter()
    {
        var created = await providers.CreateAsync(NewProvider("open-maths-lab", "Open Maths Lab"), Admin);
        Assert.True(created.Ok);
        Assert.Equal("GB", created.Saved!.Country);
        var id = (await providers.IdOfAsync("open-maths-lab"))!.Value;

        var form = ProviderForm.From(created.Saved);
        form.Name = "Open Mathematics Lab";
        form.Kind = "nonprofit";
        var edited = await providers.UpdateAsync(id, created.Saved, form, Admin);
        Assert.True(edited.Ok);

        var entries = await AuditAsync("Provider", id);
        Assert.Equal(["Created", "Updated"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(Admin, e.Actor));
        Assert.Null(entries[0].Before);
        Assert.Contains("Open Maths Lab", entries[0].After);
        Assert.Contains("\"Open Maths Lab\"", entries[1].Before);
        Assert.Contains("\"university\"", entries[1].Before);
        Assert.Contains("\"Open Mathematics Lab\"", entries[1].After);
        Assert.Contains("\"nonprofit\"", entries[1].After);
        Assert.Contains("name", entries[1].Summary);

        var stored = await providers.GetAsync(id);
        Assert.Equal(("Open Mathematics Lab", "nonprofit"), (stored!.Name, stored.Kind));
    }

    [Fact]
    public async Task RenamingAProviderLetsSearchFindItsCoursesByTheNewName()
    {
        await providers.CreateAsync(NewProvider("brightwater-college", "Brightwater College"), Admin);
        var id = (await providers.IdOfAsync("brightwater-college"))!.Value;
        await AddCourseAsync("brightwater-sampler", "Vectors Sampler", id);
        var loaded = ProviderEditor.ValuesOf((await providers.GetAsync(id))!);

        var form = ProviderForm.From(loaded);
        form.Name = "Zephyrine Polytechnic";
        Assert.True((await providers.UpdateAsync(id, loaded, form, Admin)).Ok);

        var page = await search.SearchAsync(new CatalogQuery { Q = "Zephyrine", PageSize = 100 });
        Assert.Equal("words", page.MatchMode);
        Assert.Contains(page.Items, c => c.Slug == "brightwater-sampler");
    }

    [Fact]
    public async Task MergingProvidersMovesTheCoursesDeletesTheDuplicateAndSearchFindsThemUnderTheSurvivor()
    {
        await providers.CreateAsync(NewProvider("quillfeather-institute", "Quillfeather Institute"), Admin);
        await providers.CreateAsync(NewProvider("qf-online", "QF Online School"), Admin);
        var survivor = (await providers.IdOfAsync("quillfeather-institute"))!.Value;
        var duplicate = (await providers.IdOfAsync("qf-online"))!.Value;
        await AddCourseAsync("qf-tensor-sampler", "Tensor Sampler", duplicate);
        await AddCourseAsync("qf-gradient-sampler", "Gradient Sampler", duplicate);
        await AddCourseAsync("quill-own-course", "Own Course", survivor);
        Assert.Equal(2, await providers.CourseCountAsync(duplicate));

        var refused = await providers.MergeAsync(survivor, survivor, Admin);
        Assert.False(refused.Merged);

        var merged = await providers.MergeAsync(survivor, duplicate, Admin);
        Assert.True(merged.Merged, merged.Error);
        Assert.Equal(2, merged.CoursesMoved);

        Assert.Null(await providers.GetAsync(duplicate));
        Assert.Equal(3, (await providers.GetAsync(survivor))!.CourseCount);
        var entry = Assert.Single(await AuditAsync("Provider", survivor), e => e.Action == "Merged");
        Assert.Contains("QF Online School", entry.Before);
        Assert.Contains("qf-tensor-sampler", entry.After);
        Assert.Contains("2 courses moved", entry.Summary);

        var page = await search.SearchAsync(new CatalogQuery { Q = "Quillfeather", PageSize = 100 });
        Assert.Equal("words", page.MatchMode);
        Assert.Contains(page.Items, c => c.Slug == "qf-tensor-sampler" && c.ProviderName == "Quillfeather Institute");
        Assert.Contains(page.Items, c => c.Slug == "qf-gradient-sampler");

        var again = await providers.MergeAsync(survivor, duplicate, Admin);
        Assert.False(again.Merged);
        Assert.Contains("no longer exists", again.Error);
    }

    [Fact]
    public async Task AConflictingProviderEditIsDetectedAndNothingIsOverwritten()
    {
        await providers.CreateAsync(NewProvider("twin-edits-academy", "Twin Edits Academy"), Admin);
        var id = (await providers.IdOfAsync("twin-edits-academy"))!.Value;
        var loaded = ProviderEditor.ValuesOf((await providers.GetAsync(id))!);

        var first = ProviderForm.From(loaded);
        first.Website = "https://first.example.test";
        Assert.True((await providers.UpdateAsync(id, loaded, first, "first@example.test")).Ok);

        var second = ProviderForm.From(loaded);
        second.Name = "Twin Edits Academy (renamed)";
        var outcome = await providers.UpdateAsync(id, loaded, second, "second@example.test");
        Assert.False(outcome.Ok);
        Assert.Equal("https://first.example.test", outcome.Conflict!.Website);

        var stored = await providers.GetAsync(id);
        Assert.Equal(("Twin Edits Academy", "https://first.example.test"), (stored!.Name, stored.Website));
        Assert.DoesNotContain(await AuditAsync("Provider", id), e => e.Actor == "second@example.test");
    }

    [Fact]
    public async Task InvalidSkillNamesEveryWrongFieldIncludingEachLevelAndWritesNothing()
    {
        var before = await CountAsync("SELECT count(*) FROM skills");
        var form = NewSkill("BAD SLUG", "");
        form.Category = "poetry";
        form.Levels = ["Has not met it.", "", new string('x', 301), "Can derive.", "  "];

        var outcome = await skills.CreateAsync(form, Admin);

        Assert.False(outcome.Ok);
        Assert.Equal(["slug", "name", "category", "level1", "level2", "level4"], outcome.Errors.Select(e => e.Field));
        Assert.Contains("Level 1", outcome.Errors[3].Message);
        Assert.Contains("300", outcome.Errors[4].Message);
        Assert.Equal(before, await CountAsync("SELECT count(*) FROM skills"));
    }

    [Fact]
    public async Task CreatingAndEditingASkillIsAuditedAndARenameReachesSearch()
    {
        var created = await skills.CreateAsync(NewSkill("tensor-analysis", "Tensor analysis"), Admin);
        Assert.True(created.Ok);
        var id = (await skills.IdOfAsync("tensor-analysis"))!.Value;
        await AddCourseAsync("tensor-analysis-course", "Index Notation Workshop", (await providers.IdOfAsync("khan-academy"))!.Value, teaches: new() { [id] = 2 });

        var form = SkillForm.From(created.Saved!);
        form.Name = "Multilinear cartography";
        form.Levels[3] = "Can derive the transformation law of a tensor.";
        Assert.True((await skills.UpdateAsync(id, created.Saved!, form, Admin)).Ok);

        var entries = await AuditAsync("Skill", id);
        Assert.Equal(["Created", "Updated"], entries.Select(e => e.Action));
        Assert.Contains("Tensor analysis", entries[1].Before);
        Assert.Contains("Multilinear cartography", entries[1].After);
        Assert.Contains("level 3", entries[1].Summary);

        var page = await search.SearchAsync(new CatalogQuery { Q = "cartography", PageSize = 100 });
        Assert.Contains(page.Items, c => c.Slug == "tensor-analysis-course");
    }

    [Fact]
    public async Task MergingSkillsKeepsTheHigherTaughtLevelAndTheLowerRequiredLevel()
    {
        Assert.True((await skills.CreateAsync(NewSkill("vector-algebra", "Vector algebra"), Admin)).Ok);
        Assert.True((await skills.CreateAsync(NewSkill("matrix-algebra-dup", "Matrix algebra"), Admin)).Ok);
        var a = (await skills.IdOfAsync("vector-algebra"))!.Value;
        var b = (await skills.IdOfAsync("matrix-algebra-dup"))!.Value;
        var provider = (await providers.IdOfAsync("khan-academy"))!.Value;
        await AddCourseAsync("merge-teaches-both", "Teaches both", provider, teaches: new() { [a] = 2, [b] = 3 });
        await AddCourseAsync("merge-requires-both", "Requires both", provider, teaches: new() { [a] = 4 }, requires: new() { [a] = 2, [b] = 1 });
        await AddCourseAsync("merge-teaches-dup", "Teaches the duplicate", provider, teaches: new() { [b] = 2 });
        await AddCourseAsync("merge-conflicting", "Would require what it teaches", provider, teaches: new() { [a] = 2 }, requires: new() { [b] = 2 });

        var preview = await skills.PreviewMergeAsync(b);
        Assert.Equal(new SkillMergePreview(TaughtBy: 2, RequiredBy: 2, Courses: 4), preview);

        var merged = await skills.MergeAsync(a, b, Admin);
        Assert.True(merged.Merged, merged.Error);
        Assert.Equal(4, merged.CoursesMoved);
        Assert.Contains("1 prerequisite was dropped", merged.Note);

        await using var db = fixture.Db.Context();
        var levels = await db.Courses.Where(c => c.Slug.StartsWith("merge-"))
            .Select(c => new { c.Slug, Teaches = c.Skills.Select(s => new { s.SkillId, s.Level }).ToList(), Requires = c.Prerequisites.Select(p => new { p.SkillId, p.MinLevel }).ToList() })
            .ToDictionaryAsync(c => c.Slug);
        Assert.Equal(3, Assert.Single(levels["merge-teaches-both"].Teaches).Level);            // max(2, 3)
        Assert.Equal(1, Assert.Single(levels["merge-requires-both"].Requires).MinLevel);       // min(2, 1)
        Assert.Equal(a, Assert.Single(levels["merge-teaches-dup"].Teaches).SkillId);
        Assert.Empty(levels["merge-conflicting"].Requires);                                    // requires 2, teaches 2: dropped
        Assert.False(await db.Skills.AnyAsync(s => s.Id == b));
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM course_skills WHERE skill_id = {b}") + await CountAsync($"SELECT count(*) FROM course_prerequisites WHERE skill_id = {b}"));

        var entry = Assert.Single(await AuditAsync("Skill", a), e => e.Action == "Merged");
        Assert.Contains("matrix-algebra-dup", entry.Before);
        Assert.Contains("merge-teaches-both", entry.After);
        Assert.Contains("4 courses moved", entry.Summary);

        var page = await search.SearchAsync(new CatalogQuery { Q = "\"vector algebra\"", PageSize = 100 });
        Assert.Contains(page.Items, c => c.Slug == "merge-teaches-dup");
    }

    [Fact]
    public async Task AConflictingSkillEditIsDetected()
    {
        var created = await skills.CreateAsync(NewSkill("conflict-skill", "Conflict skill"), Admin);
        var id = (await skills.IdOfAsync("conflict-skill"))!.Value;
        var loaded = created.Saved!;

        var first = SkillForm.From(loaded);
        first.Levels[0] = "Has never heard of it.";
        Assert.True((await skills.UpdateAsync(id, loaded, first, Admin)).Ok);

        var second = SkillForm.From(loaded);
        second.Category = "data";
        var outcome = await skills.UpdateAsync(id, loaded, second, Admin);
        Assert.False(outcome.Ok);
        Assert.Equal("Has never heard of it.", outcome.Conflict!.Levels[0]);
        Assert.Equal("math", (await skills.GetAsync(id))!.Category);
    }
}
