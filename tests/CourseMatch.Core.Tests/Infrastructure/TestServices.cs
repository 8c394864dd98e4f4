using System.Runtime.CompilerServices;
using CourseMatch.Data;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Tests.Infrastructure;

/// <summary>Core's services over a test database, registered exactly as the app registers them.</summary>
public static class TestServices
{
    private static readonly ConditionalWeakTable<TestDb, ServiceProvider> Providers = new();

    public static T Service<T>(this TestDb db) where T : notnull =>
        Providers.GetValue(db, d => CourseMatchServices.BuildCore(d.Source)).GetRequiredService<T>();

    /// <summary>The recommender with a ranker of the test's choosing (the rubric unless told otherwise).</summary>
    public static RecommendationService Recommender(this TestDb db, IRankerSource? rankers = null) =>
        new(db.Service<IDbContextFactory<CourseMatchDb>>(), db.Source, db.Service<Candidates>(), rankers ?? new RubricOnly());
}

/// <summary>Facts of the seeded demo catalog that tests build profiles from (the taxonomy itself is data, read from the database).</summary>
public static class DemoCatalog
{
    public static readonly string[] SkillSlugs =
        ["linear-algebra", "calculus", "probability", "statistics", "discrete-math", "optimization", "python", "machine-learning"];

    /// <summary>The demo taxonomy without its descriptors, for code that only needs the slugs.</summary>
    public static readonly CourseMatch.Catalog.SkillTaxonomy Taxonomy =
        new([.. SkillSlugs.Select((slug, i) => new CourseMatch.Catalog.Skill { Id = i + 1, Slug = slug, Name = slug })]);
}
