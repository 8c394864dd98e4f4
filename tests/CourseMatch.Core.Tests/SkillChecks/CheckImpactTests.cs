using CourseMatch.Recommendations;
using CourseMatch.SkillChecks;
using CourseMatch.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CourseMatch.Tests.SkillChecks;

/// <summary>Plans built on measured levels, against plans built on self-ratings, judged for the learners' true levels.</summary>
public class CheckImpactTests(DatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task RankingsFromMeasuredLevelsSuitTheTrueLevelsBetterThanRankingsFromSelfRatings()
    {
        var bank = ItemBank.Seed().ToDictionary(f => f.Skill, f => f.Items.Where(i => !i.Retired)
            .Select(i => (i.Level, i.Kind == "choice" ? i.Choices?.Count ?? 0 : 0)).ToList());

        var r = await CheckImpact.MeasureAsync(fixture.Db.Source, fixture.Db.Get<Candidates>(), bank, learners: 150, seed: 16);

        output.WriteLine($"| learners | self-rated levels off | NDCG@5 from self-ratings | from measured levels | from true levels | plans whose top 5 change |");
        output.WriteLine($"|---:|---:|---:|---:|---:|---:|");
        output.WriteLine($"| {r.Learners} | {r.SkillsOff:P0} | {r.NdcgSelfRated:0.000} | {r.NdcgMeasured:0.000} | {r.NdcgTrue:0.000} | {r.PlansChanged:P0} |");
        Assert.True(r.Learners >= 120, $"only {r.Learners} learners had a gradable pool");
        Assert.True(r.NdcgMeasured > r.NdcgSelfRated, $"measured {r.NdcgMeasured:0.000} is not above self-rated {r.NdcgSelfRated:0.000}");
    }
}
