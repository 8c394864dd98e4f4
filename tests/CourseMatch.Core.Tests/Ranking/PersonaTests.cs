using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Places;
using CourseMatch.Ranking;
using CourseMatch.Tests.Infrastructure;

namespace CourseMatch.Tests.Ranking;

public class PersonaTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void ThereAreAtLeastEightDocumentedPersonas()
    {
        Assert.True(Personas.All.Count >= 8);
        Assert.Equal(Personas.All.Count, Personas.All.Select(p => p.Key).Distinct().Count());
        Assert.All(Personas.All, p => Assert.False(string.IsNullOrWhiteSpace(p.Description)));
    }

    [Fact]
    public void SamplingIsDeterministicGivenTheRandomAndGivesValidProfiles()
    {
        foreach (var persona in Personas.All)
        {
            var a = persona.Sample(new Random(3), DemoCatalog.Taxonomy);
            var b = persona.Sample(new Random(3), DemoCatalog.Taxonomy);
            Assert.Equal(a.Skills, b.Skills);
            Assert.Equal((a.BudgetAmount, a.HoursPerWeek, a.City, a.Goal, a.RadiusKm), (b.BudgetAmount, b.HoursPerWeek, b.City, b.Goal, b.RadiusKm));
            Assert.Equal(DemoCatalog.SkillSlugs.Order(), a.Skills.Keys.Order());
            Assert.All(a.Skills.Values, l => Assert.InRange(l, 0, 4));
            Assert.InRange(a.HoursPerWeek, 1, LearnerProfile.MaxHoursPerWeek);
            Assert.True(a.BudgetAmount >= 0);
        }
    }

    [Fact]
    public void SkillsAndBudgetsAreJittered()
    {
        var samples = Enumerable.Range(0, 50).Select(i => Personas.CityCareerSwitcher.Sample(new Random(i), DemoCatalog.Taxonomy)).ToList();
        Assert.True(samples.Select(s => s.Skills["python"]).Distinct().Count() > 1);
        Assert.True(samples.Select(s => s.BudgetAmount).Distinct().Count() > 10);
        Assert.True(samples.Select(s => s.HoursPerWeek).Distinct().Count() > 5);
    }

    [Fact]
    public async Task EveryPersonaCityIsInTheGazetteer()
    {
        var cities = Personas.All.SelectMany(p => Enumerable.Range(0, 40).Select(i => p.Sample(new Random(i), DemoCatalog.Taxonomy)))
            .Where(p => p.City is not null).Select(p => (p.City!, p.Country!)).Distinct().ToList();
        Assert.Contains(("London", "GB"), cities);
        foreach (var (city, country) in cities)
            Assert.NotNull(await Gazetteer.FindAsync(fixture.Db.Source, city, country));
    }
}
