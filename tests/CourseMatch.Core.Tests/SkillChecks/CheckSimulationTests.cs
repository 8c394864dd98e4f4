using CourseMatch.SkillChecks;
using Xunit.Abstractions;

namespace CourseMatch.Tests.SkillChecks;

/// <summary>
/// Simulated learners with known levels take the check on the real item bank (the seed's items, by level and options).
/// The check must beat what the same learners would say of themselves, in every skill, within six items.
/// </summary>
public class CheckSimulationTests(ITestOutputHelper output)
{
    private static Dictionary<string, List<(int Level, int Options)>> Bank() =>
        ItemBank.Seed().ToDictionary(f => f.Skill, f => f.Items.Where(i => !i.Retired)
            .Select(i => (i.Level, i.Kind == "choice" ? i.Choices?.Count ?? 0 : 0)).ToList());

    [Fact]
    public void TheCheckBeatsSelfRatingInEverySkillWithinSixItems()
    {
        var learners = CheckSimulation.Learners(Bank(), perLevel: 200, seed: 20261202);
        var table = CheckSimulation.Table(learners);

        output.WriteLine("| skill | learners | check MAE | check exact | self-rating MAE | self-rating exact | items (mean) | items (most) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in table)
            output.WriteLine($"| {r.Skill} | {r.Learners} | {r.CheckMae:0.00} | {r.CheckExact:P0} | {r.SelfMae:0.00} | {r.SelfExact:P0} | {r.MeanItems:0.0} | {r.MostItems} |");

        Assert.Equal(9, table.Count); // eight skills and the whole
        foreach (var r in table)
        {
            Assert.True(r.CheckMae < r.SelfMae, $"{r.Skill}: the check's MAE {r.CheckMae:0.00} is not below the self-rating's {r.SelfMae:0.00}");
            Assert.True(r.MostItems <= AdaptiveLevel.MaxItems, $"{r.Skill}: a check asked {r.MostItems} items");
        }
        var all = table[^1];
        Assert.True(all.CheckMae <= 0.5, $"overall MAE {all.CheckMae:0.00} is above half a level");
    }
}
