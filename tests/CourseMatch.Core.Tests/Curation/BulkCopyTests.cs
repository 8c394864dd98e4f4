using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Data;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Curation;

/// <summary>The import's COPY must write exactly the rows EF Core would: every column, converters and generated columns alike.</summary>
public class BulkCopyTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private Course Full(string slug, int providerId, int skillId) => new()
    {
        Slug = slug, Title = "Bulk \"Copy\" Course, with commas", ProviderId = providerId, Kind = CourseKind.Program,
        Summary = "Ünïcode summary — with a dash", Description = "Line one\nline two", Url = "https://example.test/bulk",
        Format = CourseFormat.InPerson, Pacing = Pacing.Scheduled, City = "Paris", Country = "FR",
        DurationWeeks = 4, DurationWeeksMax = 6, HoursPerWeek = 2.5m, HoursPerWeekMax = 3.25m, TotalHours = null, TotalHoursMax = null,
        Price = 1200.50m, Currency = "EUR", FreeToAudit = true, PaidUnlisted = false, Level = CourseLevel.Intermediate,
        Language = "fr", Certificate = true, Rating = 4.55m, RatingCount = 1234, Status = CourseStatus.Draft,
        Source = "bulk test", AsOf = new DateOnly(2026, 11, 30), CreatedAt = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
        SearchKeywords = "Provider skill words",
        Skills = [new CourseSkill { SkillId = skillId, Level = 3 }],
        Sessions = [new CourseSession { StartDate = new DateOnly(2027, 1, 11), EndDate = new DateOnly(2027, 3, 1) }],
    };

    [Fact]
    public async Task CopiedRowsAreTheRowsEfCoreWrites()
    {
        await using var db = fixture.Db.Context();
        var providerId = await db.Providers.Select(p => p.Id).FirstAsync();
        var skillId = await db.Skills.Select(s => s.Id).FirstAsync();

        var saved = Full("bulk-by-ef", providerId, skillId);
        db.Courses.Add(saved);
        await db.SaveChangesAsync();
        db.CourseSources.Add(new CourseSource { CourseId = saved.Id, Feed = "bulk-ef", ExternalKey = "k", Values = new() { ["title"] = "T", ["price"] = null } });
        await db.SaveChangesAsync();

        var copied = Full("bulk-by-copy", providerId, skillId);
        await BulkCopy.InsertAsync(db, [copied]);
        Assert.True(copied.Id > saved.Id);
        foreach (var s in copied.Skills) s.CourseId = copied.Id;
        foreach (var s in copied.Sessions) s.CourseId = copied.Id;
        await BulkCopy.InsertAsync(db, copied.Skills.ToList());
        await BulkCopy.InsertAsync(db, copied.Sessions.ToList());
        await BulkCopy.InsertAsync(db, [new CourseSource { CourseId = copied.Id, Feed = "bulk-copy", ExternalKey = "k", Values = new() { ["title"] = "T", ["price"] = null }, ImportedAt = DateTimeOffset.UtcNow }]);

        // Every column but the ones that name the row, generated columns included (the search vectors, effort hours).
        string Row(string table, string where, params string[] except) =>
            $"SELECT (to_jsonb(t) - ARRAY[{string.Join(", ", except.Select(e => $"'{e}'"))}])::text FROM {table} t WHERE {where}";
        Assert.Equal(
            await fixture.Db.ScalarAsync<string>(Row("courses", $"id = {saved.Id}", "id", "slug", "xmin")),
            await fixture.Db.ScalarAsync<string>(Row("courses", $"id = {copied.Id}", "id", "slug", "xmin")));
        Assert.Equal(
            await fixture.Db.ScalarAsync<string>(Row("course_skills", $"course_id = {saved.Id}", "course_id")),
            await fixture.Db.ScalarAsync<string>(Row("course_skills", $"course_id = {copied.Id}", "course_id")));
        Assert.Equal(
            await fixture.Db.ScalarAsync<string>(Row("course_sessions", $"course_id = {saved.Id}", "course_id", "id")),
            await fixture.Db.ScalarAsync<string>(Row("course_sessions", $"course_id = {copied.Id}", "course_id", "id")));
        Assert.Equal(
            await fixture.Db.ScalarAsync<string>(Row("course_sources", $"course_id = {saved.Id}", "course_id", "id", "feed", "imported_at")),
            await fixture.Db.ScalarAsync<string>(Row("course_sources", $"course_id = {copied.Id}", "course_id", "id", "feed", "imported_at")));

        // And EF reads the copied course back whole.
        db.ChangeTracker.Clear();
        var read = await db.Courses.Include(c => c.Skills).Include(c => c.Sessions).SingleAsync(c => c.Id == copied.Id);
        Assert.Equal((CourseKind.Program, CourseFormat.InPerson, 1200.50m, "Line one\nline two"), (read.Kind, read.Format, read.Price, read.Description));
        Assert.Equal(3, Assert.Single(read.Skills).Level);
        Assert.Equal(new DateOnly(2027, 3, 1), Assert.Single(read.Sessions).EndDate);
    }

    [Fact]
    public async Task ATakenSlugFailsTheCopyAsAUniqueViolation()
    {
        await using var db = fixture.Db.Context();
        var taken = await db.Courses.Select(c => new { c.Slug, c.ProviderId }).FirstAsync();
        var skillId = await db.Skills.Select(s => s.Id).FirstAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var e = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => BulkCopy.InsertAsync(db, [Full(taken.Slug, taken.ProviderId, skillId)]));
        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, e.SqlState);
    }
}
