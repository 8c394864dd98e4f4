using System.Net;
using System.Text.Json;
using CourseMatch.Advising;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using static CourseMatch.Tests.Advising.AdvisingTestData;
using Microsoft.Extensions.DependencyInjection;
using static CourseMatch.Web.Tests.Advisor.AdvisorWebTestData;

namespace CourseMatch.Web.Tests.Advisor;

public class AdvisorApiTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    [Fact]
    public async Task TheLearnerListHoldsOnlyTheCallersLearners()
    {
        var mine = await AdvisorAsync(app);
        var theirs = await AdvisorAsync(app);
        var ada = await LearnerAsync(app.Db, mine.Id, "Ada Listed");
        var bo = await LearnerAsync(app.Db, mine.Id, "Bo Listed");
        await LearnerAsync(app.Db, theirs.Id, "Cy Someone Elses");

        var response = await mine.Client.GetAsync("/api/advisor/learners");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(new[] { "Ada Listed", "Bo Listed" }, rows.Select(r => r.GetProperty("name").GetString()).Order());
        Assert.Equal(new[] { ada.Id, bo.Id }.Order(), rows.Select(r => r.GetProperty("id").GetInt32()).Order());
    }

    [Fact]
    public async Task AnArchivedFlagThatIsNotTrueOrFalseIsAProblemNamingIt()
    {
        var advisor = await AdvisorAsync(app);

        var response = await advisor.Client.GetAsync("/api/advisor/learners?archived=maybe");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("archived", out _), problem.ToString());
    }

    [Fact]
    public async Task ASearchWithAControlCharacterIsSearchedWithoutIt()
    {
        var advisor = await AdvisorAsync(app);
        await LearnerAsync(app.Db, advisor.Id, "Nul Searcher");

        var response = await advisor.Client.GetAsync("/api/advisor/learners?q=%00Searcher");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Nul Searcher", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheExportIsAJsonDownloadWithTheLearnerTheirAnswersPlansPicksAndFeedback()
    {
        var advisor = await AdvisorAsync(app);
        var learner = await LearnerAsync(app.Db, advisor.Id, "Dana Exported", "dana@example.org", "Prefers evenings.");
        var (planId, _) = await PlanAsync(app.Db, advisor.Id, learner.Id);
        int excluded;
        await using (var db = await DbAsync(app))
        {
            excluded = await db.RecommendationItems.Where(i => i.RecommendationId == planId).OrderBy(i => i.Position).Select(i => i.CourseId).FirstAsync();
            Assert.Equal(PlanEditor.Outcome.Saved, (await app.Services.GetRequiredService<PlanEditor>().ExcludeAsync(advisor.Id, planId, excluded, "Already took it at work")).Outcome);
        }

        var response = await advisor.Client.GetAsync($"/api/advisor/learners/{learner.Id}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith($"coursematch-learner-{learner.Id}-", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        var export = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("Dana Exported", export.GetProperty("learner").GetProperty("name").GetString());
        Assert.Equal("dana@example.org", export.GetProperty("learner").GetProperty("email").GetString());
        var answers = export.GetProperty("answers").EnumerateArray().Single();
        Assert.Equal("upskill", answers.GetProperty("goal").GetString());
        Assert.Equal("online", answers.GetProperty("format").GetString());
        var plan = export.GetProperty("plans").EnumerateArray().Single();
        Assert.Equal(planId, plan.GetProperty("id").GetInt32());
        var picks = plan.GetProperty("picks").EnumerateArray().ToList();
        Assert.NotEmpty(picks);
        var dropped = picks.Single(p => p.GetProperty("excluded").GetBoolean());
        Assert.Equal("Already took it at work", dropped.GetProperty("excludedReason").GetString());
        var feedback = export.GetProperty("feedback").EnumerateArray().Single();
        Assert.Equal(dropped.GetProperty("course").GetString(), feedback.GetProperty("course").GetString());
        Assert.Equal("advisor-excluded", feedback.GetProperty("kind").GetString());
        Assert.Equal("Already took it at work", feedback.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ADeletedLearnersExportIsNotFound()
    {
        var advisor = await AdvisorAsync(app);
        var learner = await LearnerAsync(app.Db, advisor.Id, "Eli Deleted");
        await PlanAsync(app.Db, advisor.Id, learner.Id);
        Assert.Equal(HttpStatusCode.OK, (await advisor.Client.GetAsync($"/api/advisor/learners/{learner.Id}/export")).StatusCode);

        Assert.True(await app.Services.GetRequiredService<Caseload>().DeleteAsync(advisor.Id, learner.Id));

        var response = await advisor.Client.GetAsync($"/api/advisor/learners/{learner.Id}/export");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Eli Deleted", await response.Content.ReadAsStringAsync());
    }
}
