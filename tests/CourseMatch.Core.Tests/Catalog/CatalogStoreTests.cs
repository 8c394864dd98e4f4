using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Data.Seed;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Tests.Catalog;

public class CatalogStoreTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task SeedingTwiceChangesNothing()
    {
        var before = await Counts();
        await Database.SeedDemoAsync(fixture.Db.Source);
        Assert.Equal(before, await Counts());
    }

    private async Task<string> Counts() =>
        $"{await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM courses")}/{await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM providers")}/" +
        $"{await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM course_skills")}/{await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM course_prerequisite_courses")}";

    [Fact]
    public async Task DemoCatalogHasTheSourceGuideCoursesAndMore()
    {
        var seed = SeedCatalog.LoadEmbedded();
        Assert.True(seed.Courses.Count >= 60, $"expected 10 guide courses + at least 50 more, found {seed.Courses.Count}");
        Assert.True(seed.Courses.Select(c => c.Provider).Distinct().Count() >= 15);
        Assert.All(seed.Courses, c => { Assert.False(string.IsNullOrWhiteSpace(c.Source)); Assert.NotNull(c.AsOf); });
        Assert.Contains(seed.Courses, c => c.Title.Contains("Data Science", StringComparison.OrdinalIgnoreCase) && c.Price == 3950m && c.City == "New York");
        Assert.Equal(["calculus", "discrete-math", "linear-algebra", "machine-learning", "optimization", "probability", "python", "statistics"],
            seed.Skills.Select(s => s.Slug).Order());
        Assert.All(seed.Skills, s => Assert.Equal(5, s.Levels.Count));
    }

    [Fact]
    public async Task DatabaseRejectsNegativePrice() =>
        await AssertCheckViolation("ck_courses_price_not_negative", c => c.Price = -1);

    [Fact]
    public async Task DatabaseRejectsCurrencyThatIsNotThreeLetters() =>
        await AssertCheckViolation("ck_courses_currency_iso", c => c.Currency = "US");

    [Fact]
    public async Task DatabaseRejectsInPersonCourseWithoutLocation() =>
        await AssertCheckViolation("ck_courses_in_person_located", c => { c.Format = CourseFormat.InPerson; c.City = null; c.Country = null; });

    private async Task AssertCheckViolation(string constraint, Action<Course> spoil)
    {
        await using var db = fixture.Db.Context();
        var course = new Course { Slug = $"bad-{Guid.NewGuid():N}", Title = "Bad", Provider = await db.Providers.FirstAsync(), Price = 10, Currency = "USD" };
        spoil(course);
        db.Courses.Add(course);
        var e = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        var pg = Assert.IsType<PostgresException>(e.InnerException);
        Assert.Equal(constraint, pg.ConstraintName);
        Assert.False(await fixture.Db.Context().Courses.AnyAsync(c => c.Slug == course.Slug));
    }

    [Fact]
    public async Task ConcurrentEditIsDetectedByXmin()
    {
        await using var first = fixture.Db.Context();
        await using var second = fixture.Db.Context();
        var a = await first.Courses.OrderBy(c => c.Id).FirstAsync();
        var b = await second.Courses.OrderBy(c => c.Id).FirstAsync();
        a.Title += " (edited)";
        await first.SaveChangesAsync();
        b.Summary = "A conflicting edit";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    [Fact]
    public void SeedValidationRejectsPrerequisiteCycles()
    {
        var seed = SeedCatalog.LoadEmbedded();
        var a = seed.Courses[0] with { PrerequisiteCourses = [seed.Courses[1].Slug] };
        var b = seed.Courses[1] with { PrerequisiteCourses = [seed.Courses[0].Slug] };
        var bad = seed with { Courses = [a, b, .. seed.Courses.Skip(2)] };
        var e = Assert.Throws<InvalidDataException>(() => CatalogSeeder.Validate(bad));
        Assert.Contains("prerequisite cycle", e.Message);
    }

    [Fact]
    public async Task CourseDetailsLoadSkillsAndPrerequisites()
    {
        await using var db = fixture.Db.Context();
        var withPrereq = await db.Courses.Where(c => c.PrerequisiteCourses.Any()).Select(c => c.Slug).FirstAsync();
        var course = await fixture.Db.Get<CatalogReader>().PublishedBySlugAsync(withPrereq);
        Assert.NotNull(course);
        Assert.NotEmpty(course.PrerequisiteCourses);
        Assert.NotNull(course.PrerequisiteCourses[0].RequiredCourse.Title);
    }
}

public class SyntheticCatalogTests
{
    [Fact]
    public async Task SyntheticCoursesLoadByCopyAndAreSearchable()
    {
        await using var db = await TestDatabase.CreateAsync();
        var before = await db.ScalarAsync<long>("SELECT count(*) FROM courses");
        await SyntheticCatalog.LoadAsync(db.Source, 3000);
        await CatalogSearch.RefreshVocabularyAsync(db.Source);
        Assert.Equal(before + 3000, await db.ScalarAsync<long>("SELECT count(*) FROM courses"));
        Assert.Equal(3000, await db.ScalarAsync<long>("SELECT count(*) FROM courses WHERE slug LIKE 'syn-%'"));

        var search = db.Get<CatalogSearch>();
        var frequent = await search.SearchAsync(new CatalogQuery { Q = SyntheticCatalog.FrequentWord });
        // Most of the 3,000 match: every one is counted, not the first thousand.
        Assert.False(frequent.CountsAreEstimates);
        Assert.Equal(await db.ScalarAsync<long>($"SELECT count(*) FROM courses WHERE status = 'Published' AND search_vector @@ websearch_to_tsquery('english', '{SyntheticCatalog.FrequentWord}')"), frequent.Total);
        Assert.True(frequent.Total > 1000, $"'{SyntheticCatalog.FrequentWord}' should match most of the 3,000 courses, matched {frequent.Total}");
        var mid = await search.SearchAsync(new CatalogQuery { Q = "convex optimization" });
        Assert.InRange(mid.Total, 1, 1000);
    }
}
