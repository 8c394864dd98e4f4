using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;

namespace CourseMatch.Tests.Curation;

public class CourseSlugRedirectTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Actor = "admin@example.test";
    private readonly CourseEditor editor = fixture.Db.Get<CourseEditor>();
    private readonly CatalogReader catalog = fixture.Db.Get<CatalogReader>();

    private static CourseRecord NewCourse(string slug, string status = "published") => new()
    {
        Slug = slug, Title = $"Course {slug}", Provider = "khan-academy", Kind = "course", Summary = "A test course.",
        Url = "https://example.test/course", Format = "online", Pacing = "self-paced", DurationWeeks = "4", HoursPerWeek = "3",
        Price = "0", Currency = "USD", Level = "beginner", Language = "en", Status = status, AsOf = "2026-01-10",
        Skills = "linear-algebra:2",
    };

    private async Task<EditableCourse> SaveAsync(int? id, CourseRecord record, uint? version)
    {
        var outcome = await editor.SaveAsync(id, record, version, Actor);
        Assert.True(outcome.IsSaved, string.Join("; ", outcome.Errors));
        return outcome.Current!;
    }

    private async Task<EditableCourse> RenameAsync(EditableCourse course, string slug) =>
        await SaveAsync(course.Id, course.Record with { Slug = slug }, course.Version);

    private Task<int> RedirectsFromAsync(string slug) =>
        fixture.Db.ScalarAsync<int>($"SELECT count(*) FROM course_slug_redirects WHERE old_slug = '{slug}'");

    [Fact]
    public async Task ARenamedCourseKeepsItsOldAddressesThroughAChainOfRenames()
    {
        var course = await SaveAsync(null, NewCourse("redirect-first"), null);

        course = await RenameAsync(course, "redirect-second");
        Assert.Null(await catalog.PublishedBySlugAsync("redirect-first"));
        Assert.Equal("redirect-second", await catalog.RedirectAsync("redirect-first"));

        course = await RenameAsync(course, "redirect-third");
        Assert.Equal("redirect-third", await catalog.RedirectAsync("redirect-first"));
        Assert.Equal("redirect-third", await catalog.RedirectAsync("redirect-second"));
        Assert.Null(await catalog.RedirectAsync("redirect-third"));
    }

    [Fact]
    public async Task RenamingACourseBackToAnOldSlugRemovesThatRedirect()
    {
        var course = await SaveAsync(null, NewCourse("round-trip-a"), null);
        course = await RenameAsync(course, "round-trip-b");
        Assert.Equal(1, await RedirectsFromAsync("round-trip-a"));

        await RenameAsync(course, "round-trip-a");

        Assert.Equal(0, await RedirectsFromAsync("round-trip-a"));
        Assert.Equal("round-trip-a", await catalog.RedirectAsync("round-trip-b"));
        Assert.NotNull(await catalog.PublishedBySlugAsync("round-trip-a"));
    }

    [Fact]
    public async Task ANewCourseTakingAnOldSlugOwnsThatAddressAndTheRedirectGoes()
    {
        var renamed = await SaveAsync(null, NewCourse("owned-address"), null);
        await RenameAsync(renamed, "owned-address-renamed");
        Assert.Equal("owned-address-renamed", await catalog.RedirectAsync("owned-address"));

        var newcomer = await SaveAsync(null, NewCourse("owned-address") with { Title = "A different course" }, null);

        Assert.Equal(0, await RedirectsFromAsync("owned-address"));
        Assert.Null(await catalog.RedirectAsync("owned-address"));
        Assert.Equal(newcomer.Id, (await catalog.PublishedBySlugAsync("owned-address"))!.Id);
    }

    [Fact]
    public async Task OnlyAPublishedCourseIsRedirectedTo()
    {
        var draft = await SaveAsync(null, NewCourse("hidden-before", status: "draft"), null);
        draft = await RenameAsync(draft, "hidden-after");
        Assert.Equal(1, await RedirectsFromAsync("hidden-before"));
        Assert.Null(await catalog.RedirectAsync("hidden-before"));

        await editor.SetStatusAsync(draft.Id, CourseStatus.Published, draft.Version, Actor);
        Assert.Equal("hidden-after", await catalog.RedirectAsync("hidden-before"));
    }

    [Fact]
    public async Task AnEditThatKeepsTheSlugAddsNoRedirectAndUnknownSlugsHaveNone()
    {
        var course = await SaveAsync(null, NewCourse("steady-slug"), null);
        await SaveAsync(course.Id, course.Record with { Title = "Steady, retitled" }, course.Version);

        Assert.Equal(0, await fixture.Db.ScalarAsync<int>($"SELECT count(*) FROM course_slug_redirects WHERE course_id = {course.Id}"));
        Assert.Null(await catalog.RedirectAsync("no-course-ever-had-this-slug"));
        Assert.Null(await catalog.RedirectAsync(new string('x', Limits.CourseSlug + 1)));
    }
}
