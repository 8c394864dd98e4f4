using System.Text.Json;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Ranking;

/// <summary>
/// The judged set (Ranking/Judged) is well formed against the seeded catalog, and the model, the rubric, popularity and
/// the learner simulator are measured on it. The figures are printed; the README carries them.
/// </summary>
public class JudgedSetTests(TrainedRunFixture run, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TrainedRunFixture>
{
    private static readonly IReadOnlyList<JudgedSet.Profile> Profiles = JudgedSet.Load();

    private static JsonElement Roles()
    {
        using var stream = typeof(JudgedSet).Assembly.GetManifestResourceStream("CourseMatch.Seed.roles.json")!;
        return JsonDocument.Parse(stream).RootElement.GetProperty("roles").Clone();
    }

    [Fact]
    public async Task EveryProfileRanksTenCatalogCoursesWithValidLevelsAndEveryRoleIsJudged()
    {
        var courses = (await run.Db.Context().Courses.Select(c => c.Slug).ToListAsync()).ToHashSet();
        var skills = (await run.Db.Context().Skills.Select(s => s.Slug).ToListAsync()).ToHashSet();
        var roles = Roles().EnumerateArray().ToDictionary(r => r.GetProperty("slug").GetString()!);
        var taxonomy = await CourseMatch.Catalog.SkillTaxonomy.LoadAsync(run.Db.Source);

        Assert.Equal(["data-analyst", "data-scientist", "ml-engineer", "research-scientist", "quant-analyst", "graduate-ml", "curious"], roles.Keys);
        foreach (var (slug, role) in roles)
        {
            var targets = role.GetProperty("targets");
            Assert.Equal(skills.Order(), targets.EnumerateObject().Select(t => t.Name).Order());
            foreach (var t in targets.EnumerateObject())
            {
                var level = t.Value.GetProperty("level");
                Assert.True(level.ValueKind == JsonValueKind.Null || level.GetInt32() is >= 0 and <= 4, $"{slug}.{t.Name}");
                Assert.False(string.IsNullOrWhiteSpace(t.Value.GetProperty("reason").GetString()), $"{slug}.{t.Name} has no reason");
            }
        }

        Assert.True(Profiles.Count >= 40, $"{Profiles.Count} profiles");
        Assert.Equal(Profiles.Count, Profiles.Select(p => p.Id).Distinct().Count());
        foreach (var p in Profiles)
        {
            Assert.Equal(10, p.Ranking.Select(r => r.Course).Distinct().Count());
            Assert.All(p.Ranking, r => Assert.Contains(r.Course, courses));
            Assert.All(p.Ranking, r => Assert.False(string.IsNullOrWhiteSpace(r.Why)));
            Assert.Equal(skills.Order(), p.Current.Keys.Order());
            Assert.All(p.Current.Values, l => Assert.InRange(l, 0, 4));
            if (p.Target.TryGetProperty("role", out var role)) Assert.Contains(role.GetString()!, roles.Keys);
            else
                foreach (var t in p.Target.GetProperty("levels").EnumerateObject())
                {
                    Assert.Contains(t.Name, skills);
                    Assert.True(t.Value.ValueKind == JsonValueKind.Null || t.Value.GetInt32() is >= 0 and <= 4, $"{p.Id}.{t.Name}");
                }
            JudgedSet.ToLearner(p, taxonomy); // goal, format and target parse
        }
        var byRole = Profiles.Where(p => p.Target.TryGetProperty("role", out _)).GroupBy(p => p.Target.GetProperty("role").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(roles.Keys, r => Assert.True(byRole.GetValueOrDefault(r) >= 3, $"{r}: {byRole.GetValueOrDefault(r)} profiles"));
        Assert.True(Profiles.Count(p => p.Target.TryGetProperty("levels", out var l) && l.EnumerateObject().Any(t => t.Value.ValueKind == JsonValueKind.Null)) >= 10);
    }

    [Fact]
    public async Task TheModelTheBaselinesAndTheSimulatorAreMeasuredAgainstTheAdvisor()
    {
        await using var db = run.Db.Context();
        var version = await db.ModelVersions.SingleAsync(v => v.Id == run.Report.ModelVersionId);
        var model = RankerModel.Load(version.Model);

        var result = await JudgedSet.MeasureAsync(run.Db.Source, run.Db.Get<Candidates>(),
            [new JudgedSet.Ranker(RankingMetrics.Model, rows => model.Score(rows))], RankingTestData.Today);
        output.WriteLine(result.ToTable());

        Assert.Equal(Profiles.Count, result.Profiles);
        Assert.Equal([RankingMetrics.Model, RankingMetrics.RubricRanker, RankingMetrics.Popularity, "simulator"], result.Rankers.Select(r => r.Ranker));
        Assert.All(result.Rankers, r => { Assert.InRange(r.At5, 0, 1); Assert.InRange(r.At10, 0, 1); });
        Assert.InRange(result.SimulatorSpearman, -1, 1);
        // What the advisor weighs first (gaps, readiness, budget) is what the model and the rubric read: both order the
        // courses closer to the advisor than ratings alone do.
        var at5 = result.Rankers.ToDictionary(r => r.Ranker, r => r.At5);
        Assert.True(at5[RankingMetrics.Model] > at5[RankingMetrics.Popularity], $"model {at5[RankingMetrics.Model]:0.000} vs popularity {at5[RankingMetrics.Popularity]:0.000}");
        Assert.True(at5[RankingMetrics.RubricRanker] > at5[RankingMetrics.Popularity], $"rubric {at5[RankingMetrics.RubricRanker]:0.000} vs popularity {at5[RankingMetrics.Popularity]:0.000}");
    }

    [Theory]
    [InlineData(new float[] { 1, 2, 3, 4 }, new float[] { 10, 20, 30, 40 }, 1.0)]
    [InlineData(new float[] { 1, 2, 3, 4 }, new float[] { 4, 3, 2, 1 }, -1.0)]
    [InlineData(new float[] { 1, 1, 2, 2 }, new float[] { 1, 2, 3, 4 }, 0.894)]
    public void SpearmanIsTheCorrelationOfRanksWithTiesAtTheirMeanRank(float[] a, float[] b, double expected) =>
        Assert.Equal(expected, JudgedSet.Spearman(a, b), 3);
}
