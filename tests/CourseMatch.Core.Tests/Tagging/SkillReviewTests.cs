using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Tagging;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Tagging;

/// <summary>The review queue's decisions: each confirms the course's skills, is audited, and becomes a label.</summary>
public class SkillReviewTests(TrainedTaggerFixture fixture) : IClassFixture<TrainedTaggerFixture>
{
    private const string Admin = "admin@example.test";
    private readonly SkillReview review = fixture.Db.Get<SkillReview>();

    /// <summary>A new untagged draft course with a pending proposal (the threshold above any confidence).</summary>
    private async Task<(int CourseId, int ProposalId)> ProposedAsync(string slug, string title, string description)
    {
        var record = new CourseRecord
        {
            Slug = slug, Title = title, Provider = "khan-academy", Kind = "course", Summary = description, Url = "https://example.test/" + slug,
            Format = "online", Pacing = "self-paced", Price = "0", Currency = "USD", Level = "beginner", Language = "en", Status = "draft",
        };
        var saved = await fixture.Db.Get<CourseEditor>().SaveAsync(null, record, null, Admin);
        Assert.True(saved.IsSaved, string.Join("; ", saved.Errors));
        var training = fixture.Db.Get<TaggerTraining>();
        Assert.Null(await training.SetThresholdAsync(fixture.Trained.ModelId, 1.001));
        try
        {
            var outcome = await fixture.Db.Get<CourseTagging>().TagAsync(new TagRequest { CourseIds = [saved.Current!.Id] });
            Assert.True(outcome.Ok, outcome.Problem);
            Assert.Equal((1, 0), (outcome.Proposed, outcome.Applied));
        }
        finally { await training.SetThresholdAsync(fixture.Trained.ModelId, fixture.Trained.Threshold); }
        await using var db = fixture.Db.Context();
        var proposal = await db.SkillProposals.SingleAsync(p => p.CourseId == saved.Current!.Id && p.Status == ProposalStatus.Pending);
        return (saved.Current!.Id, proposal.Id);
    }

    private async Task<Course> CourseAsync(int id)
    {
        await using var db = fixture.Db.Context();
        return await db.Courses.Include(c => c.Skills).ThenInclude(s => s.Skill).Include(c => c.Prerequisites).ThenInclude(s => s.Skill).SingleAsync(c => c.Id == id);
    }

    [Fact]
    public async Task AProposalWaitsUntouchedInTheQueueThenAcceptingConfirmsItsSkills()
    {
        var (courseId, proposalId) = await ProposedAsync("review-accept-python", "Python Programming Fundamentals",
            "Write your first Python programs: variables, loops, functions and lists, with short exercises every week.");
        Assert.Equal(SkillsStatus.Unknown, (await CourseAsync(courseId)).SkillsStatus);
        var queue = await review.QueueAsync(status: ProposalStatus.Pending);
        var item = Assert.Single(queue.Items, i => i.ProposalId == proposalId);
        Assert.Contains("python", item.Taught.Keys);

        Assert.Null(await review.DecideAsync(proposalId, ReviewAction.Accept, null, Admin));
        var course = await CourseAsync(courseId);
        Assert.Equal(SkillsStatus.Confirmed, course.SkillsStatus);
        Assert.Null(course.SkillsConfidence);
        Assert.Contains(course.Skills, s => s.Skill.Slug == "python");
        Assert.DoesNotContain((await review.QueueAsync()).Items, i => i.ProposalId == proposalId);

        await using var db = fixture.Db.Context();
        Assert.Contains(await db.AuditEntries.Where(a => a.Entity == "Course" && a.EntityId == courseId.ToString()).ToListAsync(), a => a.Action == "Skills accepted");
        // The decision is a label for the next tagger.
        var labels = await fixture.Db.Get<TaggerTraining>().CatalogLabelsAsync();
        Assert.Equal(LabelOrigin.Review, labels.Single(l => l.Id == $"course:{courseId}").Origin);
        // And it cannot be decided twice.
        Assert.Contains("already accepted", await review.DecideAsync(proposalId, ReviewAction.Reject, null, Admin));
    }

    [Fact]
    public async Task ACorrectionWritesTheAdminsLevelsAndABadOneChangesNothing()
    {
        var (courseId, proposalId) = await ProposedAsync("review-correct-stats", "Statistics with R",
            "Descriptive statistics, probability distributions, confidence intervals and regression, using R.");
        var bad = new SkillLevels(new Dictionary<string, int> { ["statistics"] = 2, ["cooking"] = 1 }, new Dictionary<string, int>());
        Assert.Contains("\"cooking\" is not a skill", await review.DecideAsync(proposalId, ReviewAction.Correct, bad, Admin));
        var low = new SkillLevels(new Dictionary<string, int> { ["statistics"] = 1 }, new Dictionary<string, int> { ["statistics"] = 2 });
        Assert.Contains("cannot teach a lower level than it requires", await review.DecideAsync(proposalId, ReviewAction.Correct, low, Admin));
        Assert.Equal(SkillsStatus.Unknown, (await CourseAsync(courseId)).SkillsStatus);

        var good = new SkillLevels(new Dictionary<string, int> { ["statistics"] = 2, ["probability"] = 1 }, new Dictionary<string, int> { ["calculus"] = 1 });
        Assert.Null(await review.DecideAsync(proposalId, ReviewAction.Correct, good, Admin));
        var course = await CourseAsync(courseId);
        Assert.Equal(new[] { ("probability", 1), ("statistics", 2) }, course.Skills.Select(s => (s.Skill.Slug, s.Level)).Order().ToArray());
        Assert.Equal(("calculus", 1), course.Prerequisites.Select(s => (s.Skill.Slug, s.MinLevel)).Single());
        Assert.Equal(SkillsStatus.Confirmed, course.SkillsStatus);
    }

    [Fact]
    public async Task RejectingSaysTheCourseTeachesNoneOfTheTaxonomyAndBulkDecisionsReportEachProblem()
    {
        var (first, firstProposal) = await ProposedAsync("review-reject-ml", "Machine Learning Crash Course",
            "Train linear and logistic regression models, then neural networks, and learn how to evaluate them.");
        var (_, secondProposal) = await ProposedAsync("review-bulk-calc", "Calculus One",
            "Limits, derivatives and integrals of functions of one variable, with many worked problems.");
        var problems = await review.DecideManyAsync([firstProposal, secondProposal, 999_999], ReviewAction.Reject, Admin);
        Assert.Equal("There is no proposal 999999.", Assert.Single(problems).Value);
        var course = await CourseAsync(first);
        Assert.Empty(course.Skills);
        Assert.Equal(SkillsStatus.Confirmed, course.SkillsStatus); // confirmed outside the taxonomy: not proposed again
        var again = await fixture.Db.Get<CourseTagging>().TagAsync(new TagRequest { CourseIds = [first] });
        Assert.Equal(0, again.Courses);
    }
}
