using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Tests.Curation;

public class CourseEditorTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Actor = "admin@example.test";
    private readonly CourseEditor editor = fixture.Db.Get<CourseEditor>();
    private readonly AdminCourses admin = fixture.Db.Get<AdminCourses>();

    private static CourseRecord NewCourse(string slug, Func<CourseRecord, CourseRecord>? change = null)
    {
        var r = new CourseRecord
        {
            Slug = slug, Title = $"Course {slug}", Provider = "khan-academy", Kind = "course", Summary = "A test course.",
            Url = "https://example.test/course", Format = "online", Pacing = "self-paced", DurationWeeks = "4", HoursPerWeek = "3",
            Price = "0", Currency = "USD", Level = "beginner", Language = "en", Status = "draft", AsOf = "2026-01-10",
            Skills = "linear-algebra:2; calculus:1",
        };
        return change is null ? r : change(r);
    }

    private async Task<int> CountAsync(string table) => await fixture.Db.ScalarAsync<int>($"SELECT count(*) FROM {table}");

    private async Task<EditableCourse> CreateAsync(CourseRecord record)
    {
        var outcome = await editor.SaveAsync(null, record, null, Actor);
        Assert.True(outcome.IsSaved, string.Join("; ", outcome.Errors));
        return outcome.Current!;
    }

    public static TheoryData<string, string> BadFields() => new()
    {
        { "price", "price=-1" },
        { "currency", "currency=XYZ1" },
        { "currency", "currency=ABC" },
        { "url", "url=not a web address" },
        { "city", "in-person without city" },
        { "city", "unknown city" },
        { "durationWeeks", "durationWeeks=0" },
        { "skills", "skill level 5" },
        { "skills", "unknown skill" },
    };

    private static CourseRecord Break(CourseRecord r, string how) => how switch
    {
        "price=-1" => r with { Price = "-1" },
        "currency=XYZ1" => r with { Price = "10", Currency = "XYZ1" },
        "currency=ABC" => r with { Price = "10", Currency = "ABC" },
        "url=not a web address" => r with { Url = "not a web address" },
        "in-person without city" => r with { Format = "in-person", City = null, Country = "US" },
        "unknown city" => r with { Format = "in-person", City = "Xqzzyville", Country = "US" },
        "durationWeeks=0" => r with { DurationWeeks = "0" },
        "skill level 5" => r with { Skills = "linear-algebra:5" },
        "unknown skill" => r with { Skills = "basket-weaving:2" },
        _ => throw new ArgumentOutOfRangeException(nameof(how)),
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task BadInputIsReportedOnItsFieldAndNothingIsWritten(string field, string how)
    {
        var courses = await CountAsync("courses");
        var audits = await CountAsync("audit_entries");

        var outcome = await editor.SaveAsync(null, Break(NewCourse($"bad-{Guid.NewGuid():N}"[..20]), how), null, Actor);

        Assert.Equal(EditResult.Invalid, outcome.Result);
        Assert.Contains(outcome.Errors, e => e.Field == field);
        Assert.Equal(courses, await CountAsync("courses"));
        Assert.Equal(audits, await CountAsync("audit_entries"));
    }

    [Fact]
    public async Task BadInputOnAnUpdateLeavesTheStoredCourseAsItWas()
    {
        var created = await CreateAsync(NewCourse("update-kept"));
        var outcome = await editor.SaveAsync(created.Id, created.Record with { Price = "-5", Title = "Changed" }, created.Version, Actor);
        Assert.Equal(EditResult.Invalid, outcome.Result);
        Assert.Equal(["price"], outcome.Errors.Select(e => e.Field));
        var stored = await editor.LoadAsync(created.Id);
        Assert.Equal("Course update-kept", stored!.Record.Title);
        Assert.Equal(created.Version, stored.Version);
    }

    [Fact]
    public async Task APrerequisiteLoopBetweenTwoCoursesIsRefusedOnPrerequisiteCourses()
    {
        // The seed has 18.02 requiring 18.01; making 18.01 require 18.02 closes a loop.
        await using var db = fixture.Db.Context();
        var id = await db.Courses.Where(c => c.Slug == "mit-ocw-18-01-single-variable-calculus").Select(c => c.Id).SingleAsync();
        var course = (await editor.LoadAsync(id))!;
        var audits = await CountAsync("audit_entries");

        var outcome = await editor.SaveAsync(id, course.Record with { PrerequisiteCourses = "mit-ocw-18-02-multivariable-calculus" }, course.Version, Actor);

        Assert.Equal(EditResult.Invalid, outcome.Result);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal("prerequisiteCourses", error.Field);
        Assert.Contains("mit-ocw-18-02-multivariable-calculus", error.Message);
        Assert.Equal(audits, await CountAsync("audit_entries"));
        Assert.Equal("", (await editor.LoadAsync(id))!.Record.PrerequisiteCourses);
    }

    [Fact]
    public async Task ASlugAlreadyInUseIsReportedOnSlug()
    {
        var outcome = await editor.SaveAsync(null, NewCourse("khan-academy-linear-algebra"), null, Actor);
        Assert.Equal(EditResult.Invalid, outcome.Result);
        Assert.Equal("slug", Assert.Single(outcome.Errors).Field);
    }

    [Fact]
    public async Task CreateAndUpdateAreAuditedWithBeforeAndAfter()
    {
        var created = await CreateAsync(NewCourse("audited-course", r => r with { Sessions = "2027-01-11..2027-03-05; 2027-09-06" }));
        Assert.Equal("linear-algebra:2; calculus:1".Split("; ").Order(), created.Record.Skills!.Split("; ").Order());

        var updated = await editor.SaveAsync(created.Id, created.Record with { Title = "Audited course, revised", Price = "25", Currency = "EUR", Sessions = "2027-09-06" }, created.Version, Actor);
        Assert.True(updated.IsSaved, string.Join("; ", updated.Errors));
        Assert.NotEqual(created.Version, updated.Current!.Version);

        await using var db = fixture.Db.Context();
        var entries = await db.AuditEntries.Where(a => a.Entity == "Course" && a.EntityId == created.Id.ToString()).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["Created", "Updated"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(Actor, e.Actor));
        Assert.Null(entries[0].Before);
        Assert.Equal("audited-course", Json(entries[0].After).GetProperty("slug").GetString());
        Assert.Equal("Course audited-course", Json(entries[1].Before).GetProperty("title").GetString());
        Assert.Equal("Audited course, revised", Json(entries[1].After).GetProperty("title").GetString());
        Assert.Equal("EUR", Json(entries[1].After).GetProperty("currency").GetString());

        var stored = await db.Courses.Include(c => c.Skills).Include(c => c.Sessions).SingleAsync(c => c.Id == created.Id);
        Assert.Equal(25m, stored.Price);
        Assert.Equal(new DateOnly(2027, 9, 6), Assert.Single(stored.Sessions).StartDate);
        Assert.Equal("2027-01-11..2027-03-05; 2027-09-06", Json(entries[1].Before).GetProperty("sessions").GetString());
        Assert.Equal(2, stored.Skills.Count);
        Assert.Contains("Linear algebra", stored.SearchKeywords);
    }

    private static JsonElement Json(string? text) => JsonDocument.Parse(text!).RootElement;

    [Fact]
    public async Task TheSecondOfTwoConcurrentEditsGetsAConflictWithTheFirstOnesValuesAndCanThenSave()
    {
        var created = await CreateAsync(NewCourse("concurrent-course"));
        var first = (await editor.LoadAsync(created.Id))!;
        var second = (await editor.LoadAsync(created.Id))!;

        var won = await editor.SaveAsync(first.Id, first.Record with { Title = "First admin's title" }, first.Version, "first@example.test");
        Assert.True(won.IsSaved);

        var mine = second.Record with { Summary = "Second admin's summary" };
        var lost = await editor.SaveAsync(second.Id, mine, second.Version, "second@example.test");
        Assert.Equal(EditResult.Conflict, lost.Result);
        Assert.Equal("First admin's title", lost.Current!.Record.Title);
        Assert.Equal("A test course.", lost.Current.Record.Summary);
        Assert.Equal(won.Current!.Version, lost.Current.Version);
        Assert.Equal("First admin's title", (await editor.LoadAsync(created.Id))!.Record.Title);

        // The second admin chose to keep theirs: saving against the newer version goes through.
        var kept = await editor.SaveAsync(second.Id, mine, lost.Current.Version, "second@example.test");
        Assert.True(kept.IsSaved);
        var stored = (await editor.LoadAsync(created.Id))!;
        Assert.Equal("Second admin's summary", stored.Record.Summary);
        Assert.Equal("Course concurrent-course", stored.Record.Title);
    }

    [Fact]
    public async Task AnEditThatOnlyChangesSkillsStillMovesTheVersion()
    {
        var created = await CreateAsync(NewCourse("skills-only"));
        var saved = await editor.SaveAsync(created.Id, created.Record with { Skills = "python:1" }, created.Version, Actor);
        Assert.True(saved.IsSaved);
        var stale = await editor.SaveAsync(created.Id, created.Record with { Skills = "statistics:1" }, created.Version, Actor);
        Assert.Equal(EditResult.Conflict, stale.Result);
        Assert.Equal("python:1", stale.Current!.Record.Skills);
    }

    [Fact]
    public async Task AStatusChangeFromAStaleVersionIsAConflict()
    {
        var created = await CreateAsync(NewCourse("stale-publish"));
        Assert.True((await editor.SaveAsync(created.Id, created.Record with { Title = "Renamed" }, created.Version, Actor)).IsSaved);
        var outcome = await editor.SetStatusAsync(created.Id, CourseStatus.Published, created.Version, Actor);
        Assert.Equal(EditResult.Conflict, outcome.Result);
        Assert.Equal(CourseStatus.Draft, (await editor.LoadAsync(created.Id))!.Status);
    }

    [Fact]
    public async Task ADraftIsHiddenFromTheCatalogAndRecommendationsUntilPublished()
    {
        // Esperanto: the only course in that language, so a learner asking for it can only be offered this one.
        var created = await CreateAsync(NewCourse("zorblax-draft", r => r with { Title = "Zorblax tensor methods", Language = "eo", Skills = "linear-algebra:3" }));
        var search = fixture.Db.Get<CatalogSearch>();
        var recommender = fixture.Db.Recommender(new RubricOnly());
        var learner = new ProfileInput { Goal = "upskill", Language = "eo", HoursPerWeek = 5 };

        Assert.DoesNotContain((await search.SearchAsync(new CatalogQuery { Q = "zorblax" })).Items, c => c.Slug == "zorblax-draft");
        Assert.DoesNotContain(Offered(await recommender.RecommendAsync(learner)), s => s == "zorblax-draft");

        var published = await editor.SetStatusAsync(created.Id, CourseStatus.Published, created.Version, Actor);
        Assert.True(published.IsSaved, string.Join("; ", published.Errors));
        Assert.Equal(CourseStatus.Published, published.Current!.Status);

        Assert.Contains((await search.SearchAsync(new CatalogQuery { Q = "zorblax" })).Items, c => c.Slug == "zorblax-draft");
        Assert.Contains(Offered(await recommender.RecommendAsync(learner)), s => s == "zorblax-draft");

        var unpublished = await editor.SetStatusAsync(created.Id, CourseStatus.Draft, published.Current.Version, Actor);
        Assert.Equal(CourseStatus.Draft, unpublished.Current!.Status);
        Assert.DoesNotContain((await search.SearchAsync(new CatalogQuery { Q = "zorblax" })).Items, c => c.Slug == "zorblax-draft");

        await using var db = fixture.Db.Context();
        Assert.Equal(["Created", "Published", "Unpublished"],
            await db.AuditEntries.Where(a => a.Entity == "Course" && a.EntityId == created.Id.ToString()).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    private static IEnumerable<string> Offered(RecommendationService.Outcome outcome)
    {
        Assert.Empty(outcome.Errors);
        var t = outcome.Plan!.Tracks;
        return t.InPerson.Concat(t.Online).Concat(t.Free).Select(i => i.Slug);
    }

    [Fact]
    public async Task ArchiveTakesACourseOutOfTheCatalog()
    {
        var created = await CreateAsync(NewCourse("archived-one", r => r with { Status = "published" }));
        var archived = await editor.SetStatusAsync(created.Id, CourseStatus.Archived, created.Version, Actor);
        Assert.Equal(CourseStatus.Archived, archived.Current!.Status);
        await using var db = fixture.Db.Context();
        Assert.Null(await fixture.Db.Get<CatalogReader>().PublishedBySlugAsync("archived-one"));
    }

    [Fact]
    public async Task DuplicateMakesADraftCopyWithANewSlug()
    {
        await using var db = fixture.Db.Context();
        var id = await db.Courses.Where(c => c.Slug == "general-assembly-data-science-new-york").Select(c => c.Id).SingleAsync();

        var copy = await editor.DuplicateAsync(id, Actor);
        var again = await editor.DuplicateAsync(id, Actor);

        Assert.True(copy.IsSaved, string.Join("; ", copy.Errors));
        Assert.Equal("general-assembly-data-science-new-york-copy", copy.Current!.Record.Slug);
        Assert.Equal("general-assembly-data-science-new-york-copy-2", again.Current!.Record.Slug);
        Assert.Equal("Data Science Course (New York) (copy)", copy.Current.Record.Title);
        Assert.Equal(CourseStatus.Draft, copy.Current.Status);
        var original = (await editor.LoadAsync(id))!.Record;
        Assert.Equal(original.Skills, copy.Current.Record.Skills);
        Assert.Equal(original.City, copy.Current.Record.City);
        Assert.Equal(CourseStatus.Published, (await editor.LoadAsync(id))!.Status);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "Duplicated" && a.EntityId == copy.Current.Id.ToString()));
    }

    [Fact]
    public async Task TheGridSearchesFiltersAndPages()
    {
        await CreateAsync(NewCourse("grid-draft-one", r => r with { Title = "Gridtest alpha", AsOf = "2020-01-01" }));
        await CreateAsync(NewCourse("grid-draft-two", r => r with { Title = "Gridtest beta", AsOf = null }));
        await CreateAsync(NewCourse("grid-published", r => r with { Title = "GRIDTEST gamma", Status = "published", AsOf = "2026-06-01" }));
        await using var db = fixture.Db.Context();

        var all = await admin.QueryAsync(new AdminCourseQuery { Search = "gridtest" });
        Assert.Equal(3, all.Total);
        Assert.Equal(["Gridtest alpha", "Gridtest beta", "GRIDTEST gamma"], all.Rows.Select(r => r.Title));

        var drafts = await admin.QueryAsync(new AdminCourseQuery { Search = "GridTest", Status = CourseStatus.Draft });
        Assert.Equal(2, drafts.Total);
        var stale = await admin.QueryAsync(new AdminCourseQuery { Search = "gridtest", StaleBefore = new DateOnly(2025, 1, 1) });
        Assert.Equal(["Gridtest alpha", "Gridtest beta"], stale.Rows.Select(r => r.Title).Order());

        var bySlug = await admin.QueryAsync(new AdminCourseQuery { Search = "grid-published" });
        Assert.Equal("grid-published", Assert.Single(bySlug.Rows).Slug);
        var byProvider = await admin.QueryAsync(new AdminCourseQuery { Search = "khan academy", PageSize = 100 });
        Assert.All(byProvider.Rows, r => Assert.Equal("Khan Academy", r.ProviderName));

        var inPerson = await admin.QueryAsync(new AdminCourseQuery { Format = CourseFormat.InPerson, Provider = "general-assembly", PageSize = 100 });
        Assert.NotEmpty(inPerson.Rows);
        Assert.All(inPerson.Rows, r => Assert.Equal(CourseFormat.InPerson, r.Format));

        var page1 = await admin.QueryAsync(new AdminCourseQuery { PageSize = 10, Page = 1 });
        var page2 = await admin.QueryAsync(new AdminCourseQuery { PageSize = 10, Page = 2 });
        Assert.Equal(10, page1.Rows.Count);
        Assert.Equal(page1.Total, page2.Total);
        Assert.Empty(page1.Rows.Select(r => r.Id).Intersect(page2.Rows.Select(r => r.Id)));
        Assert.True(page1.Total > 90, "admins see every status");

        var capped = await admin.QueryAsync(new AdminCourseQuery { PageSize = 5000 });
        Assert.Equal(Math.Min(AdminCourseQuery.MaxPageSize, capped.Total), capped.Rows.Count);

        var literal = await admin.QueryAsync(new AdminCourseQuery { Search = "100%_" });
        Assert.Equal(0, literal.Total);
    }
}
