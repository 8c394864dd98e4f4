using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Infrastructure;

public static class TestServices
{
    /// <summary>The recommender with a ranker of the test's choosing (the rubric unless told otherwise).</summary>
    public static RecommendationService Recommender(this TestDb db, IRankerSource? rankers = null) =>
        new(db.Get<IDbContextFactory<CourseMatchDb>>(), db.Source, db.Get<Candidates>(), rankers ?? new RubricOnly());

    /// <summary>What-if over the recommender above (the rubric ranks, so the plans do not depend on a trained model).</summary>
    public static WhatIf WhatIf(this TestDb db) =>
        new(db.Get<IDbContextFactory<CourseMatchDb>>(), db.Source, db.Recommender(), db.Get<Candidates>());
}

/// <summary>Facts of the seeded demo catalog that tests build profiles from (the app reads the taxonomy from the database).</summary>
public static class DemoCatalog
{
    public static readonly string[] SkillSlugs =
        ["linear-algebra", "calculus", "probability", "statistics", "discrete-math", "optimization", "python", "machine-learning"];

    /// <summary>The demo taxonomy without its descriptors, for code that only needs the slugs.</summary>
    public static readonly SkillTaxonomy Taxonomy =
        new([.. SkillSlugs.Select((slug, i) => new Skill { Id = i + 1, Slug = slug, Name = slug })]);
}
