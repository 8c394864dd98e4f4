using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Places;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Recommendations;

public class RecommendationServiceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly RecommendationService service = fixture.Db.Recommender();

    private static ProfileInput Answers(Action<ProfileInput>? change = null)
    {
        var input = new ProfileInput { Goal = "career-switch", HoursPerWeek = 8, BudgetAmount = 5000, BudgetCurrency = "USD", Format = "any", City = "New York", Country = "US" };
        input.Skills["python"] = 1;
        input.Skills["linear-algebra"] = 1;
        change?.Invoke(input);
        return input;
    }

    private async Task<PlanDocument> Plan(ProfileInput input)
    {
        var outcome = await service.RecommendAsync(input);
        Assert.Empty(outcome.Errors);
        return outcome.Plan!;
    }

    [Fact]
    public async Task PlanHasThreeTracksWithReasonsAndAPath()
    {
        var plan = await Plan(Answers());
        Assert.NotEmpty(plan.Tracks.InPerson);
        Assert.NotEmpty(plan.Tracks.Free);
        Assert.All(plan.Tracks.Free.Concat(plan.Tracks.InPerson), i => Assert.NotEmpty(i.Reasons));
        Assert.NotEmpty(plan.Path);
        Assert.Equal("rubric", plan.Ranker);
        Assert.Equal(8, plan.Skills.Count);
        Assert.All(plan.Skills, s => Assert.True(s.Reaches >= s.Now));
        Assert.True(plan.Token.Length >= 20, "the share token must be unguessable");
        Assert.Equal(plan.Token, (await service.LoadAsync(plan.Token))!.Token);
    }

    [Fact]
    public async Task TracksHoldOnlyWhatTheyPromise()
    {
        var plan = await Plan(Answers());
        await using var db = fixture.Db.Context();
        async Task<List<CourseMatch.Catalog.Course>> Courses(IEnumerable<PlanItem> items)
        {
            var slugs = items.Select(i => i.Slug).ToList();
            return await db.Courses.Where(c => slugs.Contains(c.Slug)).ToListAsync();
        }
        Assert.All(await Courses(plan.Tracks.Free), c => Assert.Equal(0m, c.Price));
        Assert.All(await Courses(plan.Tracks.InPerson), c => { Assert.NotEqual(CourseMatch.Catalog.CourseFormat.Online, c.Format); Assert.NotEqual(0m, c.Price); });
        Assert.All(await Courses(plan.Tracks.Online), c => { Assert.Equal(CourseMatch.Catalog.CourseFormat.Online, c.Format); Assert.NotEqual(0m, c.Price); });
        Assert.All(new[] { plan.Tracks.InPerson, plan.Tracks.Online, plan.Tracks.Free }, t => Assert.Equal(t.Select((_, i) => i + 1), t.Select(i => i.Rank)));
    }

    [Fact]
    public async Task StrictBudgetIsNeverExceededAndInPersonPicksStayWithinTheRadius()
    {
        var rng = new Random(7);
        string[] cities = ["New York|US", "London|GB", "Berlin|DE", "Toronto|CA", "Boston|US", "Hong Kong|HK", "Cambridge|US"];
        string[] currencies = ["USD", "EUR", "GBP"];
        await using var db = fixture.Db.Context();
        var rates = await db.ExchangeRates.ToDictionaryAsync(r => r.Currency, r => r.UsdPerUnit);
        for (var n = 0; n < 25; n++)
        {
            var pick = cities[rng.Next(cities.Length)].Split('|');
            var input = Answers(a =>
            {
                a.BudgetAmount = rng.Next(0, 6000);
                a.BudgetCurrency = currencies[rng.Next(currencies.Length)];
                a.BudgetStrict = true;
                a.City = pick[0]; a.Country = pick[1];
                a.RadiusKm = rng.Next(5, 400);
                a.Format = rng.Next(2) == 0 ? "in-person" : "any";
            });
            var plan = await Plan(input);
            var here = (await Gazetteer.FindAsync(fixture.Db.Source, input.City!, input.Country!))!;
            var budgetUsd = input.BudgetAmount!.Value * rates[input.BudgetCurrency];
            var slugs = plan.Tracks.InPerson.Concat(plan.Tracks.Online).Concat(plan.Tracks.Free).Select(i => i.Slug).ToList();
            var courses = await db.Courses.Include(c => c.Place).Where(c => slugs.Contains(c.Slug)).ToListAsync();
            foreach (var c in courses)
            {
                Assert.NotNull(c.Price);
                Assert.True(c.Price * rates[c.Currency!] <= budgetUsd, $"{c.Slug} costs {c.Price} {c.Currency}, over {input.BudgetAmount} {input.BudgetCurrency}");
                if (c.Format != CourseMatch.Catalog.CourseFormat.Online)
                {
                    var km = Place.DistanceKm(here.Latitude, here.Longitude, c.Place!.Latitude, c.Place.Longitude);
                    Assert.True(km <= input.RadiusKm, $"{c.Slug} is {km:0} km from {input.City}, radius {input.RadiusKm}");
                }
            }
        }
    }

    [Fact]
    public async Task OnlineOnlyLearnerGetsNoInPersonTrackAndIsToldWhy()
    {
        var plan = await Plan(Answers(a => { a.Format = "online"; a.City = null; a.Country = null; }));
        Assert.Empty(plan.Tracks.InPerson);
        Assert.Equal("You asked for online courses only.", plan.EmptyTracks["inPerson"]);
    }

    [Fact]
    public async Task EmptyInPersonTrackNamesTheCityAndRadius()
    {
        var plan = await Plan(Answers(a => { a.Format = "in-person"; a.City = "Reykjavik"; a.Country = "IS"; a.RadiusKm = 50; }));
        Assert.Empty(plan.Tracks.InPerson);
        Assert.Contains("within 50 km of Reykjav", plan.EmptyTracks["inPerson"]);
    }

    [Fact]
    public async Task UnknownCityIsReportedOnTheCityFieldWithSuggestions()
    {
        var outcome = await service.RecommendAsync(Answers(a => { a.City = "Londn"; a.Country = "GB"; }));
        Assert.Null(outcome.Plan);
        Assert.Contains("London", outcome.Errors["location.city"][0]);
        await using var db = fixture.Db.Context();
        Assert.False(await db.LearnerProfiles.AnyAsync(p => p.City == "Londn"));
    }

    [Fact]
    public async Task InvalidAnswersAreRejectedFieldByField()
    {
        var outcome = await service.RecommendAsync(Answers(a => { a.Skills["calculus"] = 7; a.Goal = "fame"; a.BudgetAmount = -1; a.HoursPerWeek = 0; a.Format = "in-person"; a.City = null; }));
        Assert.Null(outcome.Plan);
        Assert.Equal(["budget.amount", "goal", "hoursPerWeek", "location.city", "skills.calculus"], outcome.Errors.Keys.Order());
    }

    [Fact]
    public async Task DismissedPickIsStoredAndLeftOutOfTheNextPlanForTheSameProfile()
    {
        var plan = await Plan(Answers());
        var dismissed = plan.Tracks.Free[0].Slug;
        await using var db = fixture.Db.Context();
        Assert.Null(await service.RecordFeedbackAsync(plan.Token, dismissed, "dismissed"));
        Assert.True((await service.ReactionsAsync(plan.Token))[dismissed].Dismissed);

        var stored = await db.Recommendations.Include(r => r.Profile).FirstAsync(r => r.Token == plan.Token);
        var next = await service.GenerateAsync(stored.Profile);
        Assert.DoesNotContain(next.Tracks.Free, i => i.Slug == dismissed);
    }

    [Fact]
    public async Task AnUndoneDismissalLetsThePickBackIntoTheNextPlan()
    {
        var plan = await Plan(Answers());
        var pick = plan.Tracks.Free[0].Slug;
        Assert.Equal("kind", (await service.RecordFeedbackAsync(plan.Token, pick, "undismissed"))?.Field); // nothing to undo yet
        Assert.Null(await service.RecordFeedbackAsync(plan.Token, pick, "dismissed"));
        Assert.Null(await service.RecordFeedbackAsync(plan.Token, pick, "undismissed"));
        Assert.False((await service.ReactionsAsync(plan.Token))[pick].Dismissed);

        await using var db = fixture.Db.Context();
        var stored = await db.Recommendations.Include(r => r.Profile).FirstAsync(r => r.Token == plan.Token);
        var next = await service.GenerateAsync(stored.Profile);
        Assert.Contains(next.Tracks.Free, i => i.Slug == pick);
    }

    [Fact]
    public async Task FeedbackForACourseOutsideThePlanIsRefused()
    {
        var plan = await Plan(Answers());
        Assert.Equal("slug", (await service.RecordFeedbackAsync(plan.Token, "not-in-plan", "saved"))?.Field);
        Assert.Equal("kind", (await service.RecordFeedbackAsync(plan.Token, plan.Tracks.Free[0].Slug, "love"))?.Field);
    }
}
