using CourseMatch.Advising;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Data;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch;

/// <summary>
/// The one place Core's services are registered. The web app, the CLI, the benchmark and the tests all call
/// <see cref="AddCourseMatchCore"/>, so each of them reaches the database the same way: services take
/// <see cref="IDbContextFactory{TContext}"/> (one context per operation) or the <see cref="NpgsqlDataSource"/>
/// for hand-written SQL, and both share one connection pool. See docs/decisions/0001.
/// </summary>
public static class CourseMatchServices
{
    /// <param name="dataSource">The primary: every write, and every read that must see its own writes.</param>
    /// <param name="reads">Where public read-only queries go (a standby when configured); the primary when null.</param>
    public static IServiceCollection AddCourseMatchCore(this IServiceCollection services, NpgsqlDataSource dataSource, ReadDatabase? reads = null)
    {
        services.AddLogging();
        services.AddSingleton(dataSource);
        services.AddDbContextFactory<CourseMatchDb>(o => CourseMatchDb.Configure(o, dataSource));
        services.AddSingleton(reads ?? ReadDatabase.PrimaryOnly(dataSource));

        // Catalog
        services.AddSingleton<CatalogIndex>();
        services.AddSingleton<CatalogSearch>();
        services.AddSingleton<CatalogReader>();
        // Recommendations
        services.AddSingleton<Candidates>();
        services.AddSingleton<RecommendationService>();
        services.AddSingleton<WhatIf>();
        services.AddSingleton<SkillChecks.SkillChecker>();
        services.AddSingleton<SkillChecks.ItemEditor>();
        services.AddSingleton<IRankerSource, ModelRankerSource>();
        // Ranking
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<SyntheticLearners>();
        services.AddSingleton<RankerTraining>();
        // Advising
        services.AddSingleton<Caseload>();
        services.AddSingleton<PlanEditor>();
        services.AddSingleton<AdvisorPlans>();
        services.AddSingleton<LearnerExport>();
        // Curation
        services.AddOptions<CatalogImportOptions>();
        services.AddSingleton<CatalogImport>();
        services.AddSingleton<CatalogExport>();
        services.AddSingleton<ImportMappings>();
        services.AddSingleton<AdminCourses>();
        services.AddSingleton<CourseEditor>();
        services.AddSingleton<ProviderEditor>();
        services.AddSingleton<SkillEditor>();
        services.AddSingleton<RoleEditor>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<Tagging.TextEmbedder>();
        services.AddSingleton<Tagging.TaggerTraining>();
        services.AddSingleton<Tagging.CourseTagging>();
        services.AddSingleton<Tagging.SkillReview>();
        services.AddSingleton<Tagging.SimilarCourses>();
        return services;
    }

    /// <summary>A container holding just Core's services, for hosts without one of their own (CLI, bench, tests).</summary>
    public static ServiceProvider BuildCore(NpgsqlDataSource dataSource) =>
        new ServiceCollection().AddCourseMatchCore(dataSource).BuildServiceProvider();
}
