using System.Net;
using CourseMatch.Accounts;
using CourseMatch.Advising;
using CourseMatch.Data;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Advisor;

/// <summary>Signed-in advisors with their user ids, and learners with plans made through the app's own services.</summary>
internal static class AdvisorWebTestData
{
    public sealed record SignedInAdvisor(string Id, HttpClient Client);

    /// <summary>
    /// Like <see cref="WebAppFactory.SignedInClientAsync"/>, but also returns the user id: the owner id every
    /// advising query is scoped to.
    /// </summary>
    public static async Task<SignedInAdvisor> AdvisorAsync(WebAppFactory app)
    {
        var (email, password) = await app.CreateUserAsync(Roles.Advisor);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        var response = await WebAppFactory.SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
        return new(user!.Id, client);
    }

    public static async Task<CourseMatchDb> DbAsync(WebAppFactory app) =>
        await app.Services.GetRequiredService<IDbContextFactory<CourseMatchDb>>().CreateDbContextAsync();

    public static async Task<AdvisedLearner> LearnerAsync(WebAppFactory app, string ownerId, string name, string? email = null, string? notes = null)
    {
        var result = await app.Services.GetRequiredService<Caseload>().AddAsync(ownerId, new LearnerInput { Name = name, Email = email, Notes = notes });
        Assert.Equal(Caseload.Outcome.Saved, result.Outcome);
        return result.Learner!;
    }

    /// <summary>An online learner who wants to upskill: the seeded catalog gives them online and free picks.</summary>
    public static ProfileInput OnlineUpskill(int level = 1)
    {
        var input = new ProfileInput { Goal = "upskill", Format = "online", HoursPerWeek = 6, BudgetAmount = 2000, BudgetCurrency = "USD" };
        foreach (var skill in ProfileInput.SkillSlugs) input.Skills[skill] = level;
        return input;
    }

    /// <summary>Makes a plan for the learner with the app's recommender and returns its stored id.</summary>
    public static async Task<int> PlanAsync(WebAppFactory app, string ownerId, int learnerId, ProfileInput? answers = null)
    {
        var outcome = await app.Services.GetRequiredService<Caseload>().GeneratePlanAsync(ownerId, learnerId, answers ?? OnlineUpskill());
        Assert.NotNull(outcome);
        Assert.Empty(outcome.Errors);
        var token = outcome.Plan!.Token;
        await using var db = await DbAsync(app);
        return await db.Recommendations.Where(r => r.Token == token).Select(r => r.Id).SingleAsync();
    }
}
