using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Tagging;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Tagging;

/// <summary>A course whose text an admin changes is tagged again, unless a person confirmed its skills.</summary>
public class CourseRetagTests(TrainedTaggerFixture fixture) : IClassFixture<TrainedTaggerFixture>
{
    private const string Admin = "admin@example.test";
    private readonly CourseEditor editor = fixture.Db.Get<CourseEditor>();
    private readonly CourseTagging tagging = fixture.Db.Get<CourseTagging>();

    private static CourseRecord Record(string slug, string? skills = null) => new()
    {
        Slug = slug, Title = "Weekend Workshop", Provider = "khan-academy", Kind = "course", Summary = "A short workshop.",
        Url = "https://example.test/" + slug, Format = "online", Pacing = "self-paced", Price = "0", Currency = "USD",
        Level = "beginner", Language = "en", Status = "draft", Skills = skills,
    };

    private async Task<EditableCourse> SaveAsync(int? id, CourseRecord record, uint? version)
    {
        var outcome = await editor.SaveAsync(id, record, version, Admin);
        Assert.True(outcome.IsSaved, string.Join("; ", outcome.Errors));
        await tagging.BackgroundDone;
        return outcome.Current!;
    }

    private async Task<int> ProposalsAsync(int courseId)
    {
        await using var db = fixture.Db.Context();
        return await db.SkillProposals.CountAsync(p => p.CourseId == courseId);
    }

    [Fact]
    public async Task ChangingTheTextOfACourseWithoutConfirmedSkillsTagsItAgain()
    {
        var created = await SaveAsync(null, Record("retag-text"), null);
        Assert.Equal(0, await ProposalsAsync(created.Id)); // a new course waits for the next tagging run

        const string description = "Learn Python programming from scratch: variables, loops, functions, lists and dictionaries, "
                                   + "with a small data-analysis project using pandas at the end of every week.";
        await SaveAsync(created.Id, created.Record with { Title = "Python Programming for Beginners", Description = description }, created.Version);

        Assert.Equal(1, await ProposalsAsync(created.Id));
        await using var db = fixture.Db.Context();
        var proposal = await db.SkillProposals.SingleAsync(p => p.CourseId == created.Id);
        Assert.Contains("python", proposal.Taught.Keys);
        var embedding = await db.CourseEmbeddings.SingleAsync(e => e.CourseId == created.Id);
        Assert.Equal(TextEmbedder.Dimensions, embedding.Vector.Length);

        // A change that leaves the text alone queues nothing. Read again first: applying inferred skills moved the row's version.
        var tagged = (await editor.LoadAsync(created.Id))!;
        await SaveAsync(created.Id, tagged.Record with { Price = "20" }, tagged.Version);
        Assert.Equal(1, await ProposalsAsync(created.Id));
    }

    [Fact]
    public async Task ChangingTheTextOfACourseWithConfirmedSkillsLeavesThemAlone()
    {
        var created = await SaveAsync(null, Record("retag-confirmed", "python:2"), null);
        await SaveAsync(created.Id, created.Record with { Description = "Now about sourdough bread: starters, shaping and baking." }, created.Version);

        Assert.Equal(0, await ProposalsAsync(created.Id));
        await using var db = fixture.Db.Context();
        var course = await db.Courses.Include(c => c.Skills).SingleAsync(c => c.Id == created.Id);
        Assert.Equal(SkillsStatus.Confirmed, course.SkillsStatus);
        Assert.Single(course.Skills);
    }
}
