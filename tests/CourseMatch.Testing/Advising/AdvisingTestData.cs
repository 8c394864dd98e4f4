using CourseMatch.Accounts;
using CourseMatch.Advising;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Advising;

/// <summary>Advisors, learners and generated plans for the advising tests, all stored in the test database.</summary>
public static class AdvisingTestData
{
    /// <summary>An advisor account (advised_learners.owner_id references it); returns the user id.</summary>
    public static async Task<string> AdvisorAsync(TestDb db, string name)
    {
        var email = $"{name}-{Guid.NewGuid():N}@advisors.example".ToLowerInvariant();
        var user = new AppUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true, SecurityStamp = Guid.NewGuid().ToString(), DisplayName = name,
        };
        await using var context = db.Context();
        context.Users.Add(user);
        await context.SaveChangesAsync();
        return user.Id;
    }

    public static async Task<AdvisedLearner> LearnerAsync(TestDb db, string ownerId, string name, string? email = null, string? notes = null)
    {
        var result = await db.Get<Caseload>().AddAsync(ownerId, new LearnerInput { Name = name, Email = email, Notes = notes });
        Assert.Equal(Caseload.Outcome.Saved, result.Outcome);
        return result.Learner!;
    }

    /// <summary>An online learner who wants to upskill: the demo catalog gives them online and free picks.</summary>
    public static ProfileInput OnlineUpskill(int level = 1)
    {
        var input = new ProfileInput { Goal = "upskill", Format = "online", HoursPerWeek = 6, BudgetAmount = 2000, BudgetCurrency = "USD" };
        foreach (var skill in DemoCatalog.SkillSlugs) input.Skills[skill] = level;
        return input;
    }

    public static RecommendationService Recommender(TestDb db) => db.Recommender();

    /// <summary>Generates a plan for the advisor's learner and returns its stored id and token.</summary>
    public static async Task<(int Id, string Token)> PlanAsync(TestDb db, string ownerId, int learnerId, ProfileInput? answers = null)
    {
        var outcome = await db.Get<Caseload>().GeneratePlanAsync(ownerId, learnerId, answers ?? OnlineUpskill());
        Assert.NotNull(outcome);
        Assert.Empty(outcome.Errors);
        var token = outcome.Plan!.Token;
        await using var context = db.Context();
        return (await context.Recommendations.Where(r => r.Token == token).Select(r => r.Id).SingleAsync(), token);
    }

    /// <summary>The plan's picks as stored, per track in the advisor's order (excluded ones last).</summary>
    public static async Task<List<RecommendationItem>> ItemsAsync(TestDb db, int planId)
    {
        await using var context = db.Context();
        return await context.RecommendationItems.AsNoTracking().Include(i => i.Course)
            .Where(i => i.RecommendationId == planId)
            .OrderBy(i => i.Track).ThenBy(i => i.Excluded).ThenBy(i => i.Position).ThenBy(i => i.Rank)
            .ToListAsync();
    }

    /// <summary>Course ids of a track's picks the learner sees, in order.</summary>
    public static async Task<List<int>> TrackAsync(TestDb db, int planId, Track track) =>
        [.. (await ItemsAsync(db, planId)).Where(i => i.Track == track && !i.Excluded).Select(i => i.CourseId)];
}
