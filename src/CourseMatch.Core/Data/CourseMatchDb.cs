using CourseMatch.Accounts;
using CourseMatch.Catalog;
using CourseMatch.Learners;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Data;

/// <summary>
/// The one store: catalog, recommending, models, curation, the Identity tables, and what instances share (data-protection
/// keys, sessions, job runs, rate-limit windows): one database, one migration history.
/// </summary>
public class CourseMatchDb(DbContextOptions<CourseMatchDb> options) : IdentityDbContext<AppUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<Provider> Providers => Set<Provider>();
    public DbSet<Skill> Skills => Set<Skill>();
    public DbSet<TargetRole> TargetRoles => Set<TargetRole>();
    public DbSet<Course> Courses => Set<Course>();
    public DbSet<CourseSession> CourseSessions => Set<CourseSession>();
    public DbSet<CourseSkill> CourseSkills => Set<CourseSkill>();
    public DbSet<CoursePrerequisite> CoursePrerequisites => Set<CoursePrerequisite>();
    public DbSet<CoursePrerequisiteCourse> CoursePrerequisiteCourses => Set<CoursePrerequisiteCourse>();
    public DbSet<SearchTerm> SearchTerms => Set<SearchTerm>();
    public DbSet<Places.Place> Places => Set<Places.Place>();
    public DbSet<Places.ExchangeRate> ExchangeRates => Set<Places.ExchangeRate>();
    public DbSet<Learners.LearnerProfile> LearnerProfiles => Set<Learners.LearnerProfile>();
    public DbSet<Recommendations.Recommendation> Recommendations => Set<Recommendations.Recommendation>();
    public DbSet<Recommendations.RecommendationItem> RecommendationItems => Set<Recommendations.RecommendationItem>();
    public DbSet<Recommendations.Feedback> Feedback => Set<Recommendations.Feedback>();
    public DbSet<Ranking.ModelVersion> ModelVersions => Set<Ranking.ModelVersion>();
    public DbSet<Curation.AuditEntry> AuditEntries => Set<Curation.AuditEntry>();
    public DbSet<Curation.ImportMapping> ImportMappings => Set<Curation.ImportMapping>();
    public DbSet<Curation.CourseSource> CourseSources => Set<Curation.CourseSource>();
    public DbSet<CourseSlugRedirect> CourseSlugRedirects => Set<CourseSlugRedirect>();
    public DbSet<ProviderAlias> ProviderAliases => Set<ProviderAlias>();
    public DbSet<Advising.AdvisedLearner> AdvisedLearners => Set<Advising.AdvisedLearner>();
    public DbSet<Tagging.SkillProposal> SkillProposals => Set<Tagging.SkillProposal>();
    public DbSet<Tagging.CourseEmbedding> CourseEmbeddings => Set<Tagging.CourseEmbedding>();
    public DbSet<Tagging.TaggerModel> TaggerModels => Set<Tagging.TaggerModel>();
    public DbSet<SkillChecks.CheckItem> CheckItems => Set<SkillChecks.CheckItem>();
    public DbSet<SkillChecks.SkillCheck> SkillChecks => Set<SkillChecks.SkillCheck>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Operations.AuthSession> AuthSessions => Set<Operations.AuthSession>();
    public DbSet<Operations.JobRun> JobRuns => Set<Operations.JobRun>();
    public DbSet<Operations.RateLimitWindow> RateLimitWindows => Set<Operations.RateLimitWindow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CourseMatchDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored as their names: readable in psql, safe to reorder in code.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    /// <summary>The one place that knows how CourseMatch talks to PostgreSQL.</summary>
    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsAssembly("CourseMatch.Migrations"))
               .UseSnakeCaseNamingConvention();
}

