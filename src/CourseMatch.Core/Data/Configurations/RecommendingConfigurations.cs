using CourseMatch.Catalog;
using System.Text.Json;
using CourseMatch.Learners;
using CourseMatch.Places;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CourseMatch.Data.Configurations;

internal static class JsonColumn
{
    /// <summary>Stores a dictionary as jsonb, compared by content so edits are detected.</summary>
    public static PropertyBuilder<Dictionary<string, T>> AsJsonb<T>(this PropertyBuilder<Dictionary<string, T>> p) =>
        p.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            s => JsonSerializer.Deserialize<Dictionary<string, T>>(s, (JsonSerializerOptions?)null) ?? new(),
            new ValueComparer<Dictionary<string, T>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
                v => new Dictionary<string, T>(v)));

    private static readonly JsonSerializerOptions Named = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>Stores a list of records as a jsonb array (enums by name), compared by content so edits are detected.</summary>
    public static PropertyBuilder<List<T>> AsJsonb<T>(this PropertyBuilder<List<T>> p) =>
        p.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, Named),
            s => JsonSerializer.Deserialize<List<T>>(s, Named) ?? new(),
            new ValueComparer<List<T>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => new List<T>(v)));
}

public class PlaceConfiguration : IEntityTypeConfiguration<Place>
{
    public void Configure(EntityTypeBuilder<Place> b)
    {
        b.Property(p => p.Id).ValueGeneratedNever(); // the GeoNames id
        b.Property(p => p.Country).HasMaxLength(Limits.CountryCode);
        b.HasIndex(p => new { p.Country, p.AsciiName });
        b.HasIndex(p => p.AsciiName).HasMethod("GIN").HasOperators("gin_trgm_ops").HasDatabaseName("ix_places_ascii_name_trgm");
    }
}

public class ExchangeRateConfiguration : IEntityTypeConfiguration<ExchangeRate>
{
    public void Configure(EntityTypeBuilder<ExchangeRate> b)
    {
        b.HasKey(r => r.Currency);
        b.Property(r => r.Currency).HasMaxLength(Limits.CurrencyCode);
        b.Property(r => r.UsdPerUnit).HasPrecision(18, 8);
        b.ToTable(t => t.HasCheckConstraint("ck_exchange_rates_positive", "usd_per_unit > 0"));
    }
}

public class TargetRoleConfiguration : IEntityTypeConfiguration<TargetRole>
{
    public void Configure(EntityTypeBuilder<TargetRole> b)
    {
        b.HasIndex(r => r.Slug).IsUnique();
        b.Property(r => r.Slug).HasMaxLength(Limits.ReferenceSlug);
        b.Property(r => r.Name).HasMaxLength(Limits.SkillName);
        b.Property(r => r.Summary).HasMaxLength(Limits.SearchText);
        b.Property(r => r.Targets).AsJsonb();
    }
}

public class LearnerProfileConfiguration : IEntityTypeConfiguration<LearnerProfile>
{
    public void Configure(EntityTypeBuilder<LearnerProfile> b)
    {
        b.Property(p => p.Skills).AsJsonb();
        b.Property(p => p.Targets).AsJsonb();
        b.Property(p => p.Measured).AsJsonb();
        b.Property(p => p.TargetRole).HasMaxLength(Limits.ReferenceSlug);
        b.Property(p => p.BudgetAmount).HasPrecision(12, 2);
        b.Property(p => p.BudgetCurrency).HasMaxLength(Limits.CurrencyCode);
        b.Property(p => p.Country).HasMaxLength(Limits.CountryCode);
        b.Property(p => p.Language).HasMaxLength(Limits.LanguageTag);
        b.HasOne(p => p.Place).WithMany().OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(p => p.OwnerId);
        // Deleting a learner deletes every answer, plan and reaction of theirs (docs/decisions/0009).
        b.HasOne<CourseMatch.Advising.AdvisedLearner>().WithMany().HasForeignKey(p => p.LearnerId).OnDelete(DeleteBehavior.Cascade);
        b.ToTable(t => t.HasCheckConstraint("ck_learner_profiles_budget", "budget_amount IS NULL OR budget_amount >= 0"));
    }
}

public class RecommendationConfiguration : IEntityTypeConfiguration<Recommendation>
{
    public void Configure(EntityTypeBuilder<Recommendation> b)
    {
        b.HasIndex(r => r.Token).IsUnique();
        b.Property(r => r.Token).HasMaxLength(RecommendationService.MaxTokenLength);
        b.Property(r => r.EmptyReasons).AsJsonb();
        b.Property(r => r.Reaches).AsJsonb();
        b.HasOne(r => r.Profile).WithMany().OnDelete(DeleteBehavior.Cascade);
        b.HasMany(r => r.Items).WithOne().HasForeignKey(i => i.RecommendationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ModelVersion>().WithMany().HasForeignKey(r => r.ModelVersionId).OnDelete(DeleteBehavior.SetNull);
    }
}

public class RecommendationItemConfiguration : IEntityTypeConfiguration<RecommendationItem>
{
    public void Configure(EntityTypeBuilder<RecommendationItem> b)
    {
        b.HasOne(i => i.Course).WithMany().OnDelete(DeleteBehavior.Cascade);
        b.Property(i => i.ExcludedReason).HasMaxLength(CourseMatch.Advising.PlanEditor.MaxReason);
        b.Property(i => i.Note).HasMaxLength(CourseMatch.Advising.PlanEditor.MaxNote);
    }
}

public class FeedbackConfiguration : IEntityTypeConfiguration<Feedback>
{
    public void Configure(EntityTypeBuilder<Feedback> b)
    {
        b.HasOne<LearnerProfile>().WithMany().HasForeignKey(f => f.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<CourseMatch.Catalog.Course>().WithMany().HasForeignKey(f => f.CourseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Recommendation>().WithMany().HasForeignKey(f => f.RecommendationId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<ModelVersion>().WithMany().HasForeignKey(f => f.ModelVersionId).OnDelete(DeleteBehavior.SetNull);
        b.Property(f => f.Who).HasMaxLength(450);
        b.Property(f => f.Detail).HasMaxLength(CourseMatch.Advising.PlanEditor.MaxNote);
        b.HasIndex(f => new { f.ProfileId, f.CourseId });
    }
}

public class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> b)
    {
        b.Property(m => m.Settings).HasColumnType("jsonb");
        b.Property(m => m.Metrics).HasColumnType("jsonb");
        b.Property(m => m.LabelSources).HasColumnType("jsonb");
        // At most one active model, enforced by the database so promotion can never leave two.
        b.HasIndex(m => m.Status).HasFilter("status = 'Active'").IsUnique().HasDatabaseName("ux_model_versions_one_active");
    }
}
