using System.Text.RegularExpressions;
using CourseMatch.Learners;
using CourseMatch.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CourseMatch.Tests.Recommendations;

/// <summary>A recommendation reads each thing it needs once and writes the plan once.</summary>
public partial class RecommendationRoundTripTests(DatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<DatabaseFixture>
{
    private static ProfileInput InPersonSwitcher()
    {
        var input = new ProfileInput
        {
            Goal = "career-switch", Format = "in-person", City = "New York", Country = "US", RadiusKm = 50,
            BudgetAmount = 4000, BudgetCurrency = "EUR", BudgetStrict = true, HoursPerWeek = 8, WantsCertificate = true,
        };
        input.Skills["python"] = 1;
        return input;
    }

    [Fact]
    public async Task ARecommendationTakesFourRoundTripsAndReadsNothingTwice()
    {
        var service = fixture.Db.Recommender();
        Assert.NotNull((await service.RecommendAsync(InPersonSwitcher())).Plan); // warm: EF's model and the pool

        List<string> commands;
        using (var counter = new CommandCounter(fixture.Db))
        {
            var outcome = await service.RecommendAsync(InPersonSwitcher());
            Assert.Empty(outcome.Errors);
            Assert.NotEmpty(outcome.Plan!.Tracks.InPerson);
            commands = [.. counter.Commands];
        }
        foreach (var c in commands) output.WriteLine(Regex.Replace(c, @"\s+", " ")[..Math.Min(160, Regex.Replace(c, @"\s+", " ").Length)]);

        // One batch (taxonomy, place, exchange rate), the candidates, and the profile with its plan (EF inserts the
        // profile, then the plan, then its picks: each needs the key generated before it). Before: 14 commands.
        Assert.True(commands.Count <= 5, $"{commands.Count} commands: {string.Join(" | ", commands.Select(c => c[..Math.Min(60, c.Length)]))}");
        Assert.Single(commands, c => Regex.IsMatch(c, @"FROM skills\b"));
        Assert.Single(commands, c => Regex.IsMatch(c, @"FROM exchange_rates\b"));
        Assert.Single(commands, c => c.Contains("ORDER BY population DESC LIMIT 1", StringComparison.Ordinal)); // the learner's city
        Assert.DoesNotContain(commands, c => c.Contains("FROM recommendations", StringComparison.Ordinal)); // the plan is not read back
    }
}
