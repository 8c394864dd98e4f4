using CourseMatch.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace CourseMatch.Data.Configurations;

public class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> b)
    {
        b.HasIndex(p => p.Slug).IsUnique();
        b.Property(p => p.Slug).HasMaxLength(Limits.ReferenceSlug);
        b.Property(p => p.Name).HasMaxLength(Limits.ProviderName);
        b.Property(p => p.Country).HasMaxLength(Limits.CountryCode);
    }
}

public class SkillConfiguration : IEntityTypeConfiguration<Skill>
{
    public void Configure(EntityTypeBuilder<Skill> b)
    {
        b.HasIndex(s => s.Slug).IsUnique();
        b.Property(s => s.Slug).HasMaxLength(Limits.ReferenceSlug);
        b.Property(s => s.Name).HasMaxLength(Limits.SkillName);
        b.ToTable(t => t.HasCheckConstraint("ck_skills_five_levels", "cardinality(level_descriptors) = 5"));
    }
}

public class CourseConfiguration : IEntityTypeConfiguration<Course>
{
    public void Configure(EntityTypeBuilder<Course> b)
    {
        b.HasIndex(c => c.Slug).IsUnique();
        b.Property(c => c.Slug).HasMaxLength(Limits.CourseSlug);
        b.Property(c => c.Title).HasMaxLength(Limits.CourseTitle);
        b.Property(c => c.Currency).HasMaxLength(Limits.CurrencyCode).IsFixedLength(false);
        b.Property(c => c.Language).HasMaxLength(Limits.LanguageTag);
        b.Property(c => c.Country).HasMaxLength(Limits.CountryCode);
        b.Property(c => c.Price).HasPrecision(12, 2);
        b.Property(c => c.Rating).HasPrecision(3, 2);
        b.Property(c => c.HoursPerWeek).HasPrecision(6, 2);
        b.Property(c => c.TotalHours).HasPrecision(8, 2);
        b.Property(c => c.HoursPerWeekMax).HasPrecision(6, 2);
        b.Property(c => c.TotalHoursMax).HasPrecision(8, 2);
        b.Property(c => c.Version).IsRowVersion();

        // Title weighs most, then who teaches it and what it teaches, then the prose.
        b.Property(c => c.SearchVector).HasComputedColumnSql("""
            setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(search_keywords, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(description, '')), 'C')
            """, stored: true);
        b.HasIndex(c => c.SearchVector).HasMethod("GIN");
        b.Property(c => c.TitleVector).HasComputedColumnSql("to_tsvector('english', coalesce(title, ''))", stored: true);
        b.HasIndex(c => c.TitleVector).HasMethod("GIN");
        b.Property(c => c.EffortHours).HasPrecision(10, 2)
            .HasComputedColumnSql("coalesce(total_hours, duration_weeks * hours_per_week)", stored: true);
        b.HasIndex(c => c.Title).HasMethod("GIN").HasOperators("gin_trgm_ops").HasDatabaseName("ix_courses_title_trgm");

        // Indexes that serve the catalog's sorts over published courses.
        // Each sort's ORDER BY matches one of these exactly, so a page needs no full sort.
        // The default order; covering the filterable columns lets a filtered browse read only the index.
        b.HasIndex(c => new { c.Status, c.RatingCount, c.Id }, "ix_courses_popular").IsDescending(false, true, false)
            .IncludeProperties(c => new { c.ProviderId, c.Format, c.Price, c.EffortHours, c.Level, c.Language, c.Pacing });
        b.HasIndex(c => new { c.Status, c.Price, c.Id }, "ix_courses_price");
        b.HasIndex(c => new { c.Status, c.Price, c.Id }, "ix_courses_price_desc").IsDescending(false, true, false)
            .HasNullSortOrder(NullSortOrder.Unspecified, NullSortOrder.NullsLast, NullSortOrder.Unspecified);
        b.HasIndex(c => new { c.Status, c.EffortHours, c.Id }, "ix_courses_effort");
        b.HasIndex(c => new { c.Status, c.Rating, c.RatingCount, c.Id }, "ix_courses_rating").IsDescending(false, true, true, false)
            .HasNullSortOrder(NullSortOrder.Unspecified, NullSortOrder.NullsLast, NullSortOrder.Unspecified, NullSortOrder.Unspecified);
        b.HasIndex(c => new { c.Status, c.CreatedAt, c.Id }, "ix_courses_newest").IsDescending(false, true, true);
        b.HasIndex(c => c.ProviderId);
        // Recommending reads in-person courses place by place in popularity order (Candidates.cs); this index
        // answers each place with a short ordered scan instead of a sort over every course in a big city.
        b.HasIndex(c => new { c.PlaceId, c.RatingCount, c.Id }, "ix_courses_place_popular").IsDescending(false, true, false)
            .IncludeProperties(c => new { c.Format, c.Price, c.Currency, c.Language, c.Pacing })
            .HasFilter("status = 'Published' AND place_id IS NOT NULL");

        b.HasOne(c => c.Provider).WithMany(p => p.Courses).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(c => c.Place).WithMany().OnDelete(DeleteBehavior.SetNull);
        b.HasMany(c => c.Sessions).WithOne().HasForeignKey(s => s.CourseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Skills).WithOne().HasForeignKey(s => s.CourseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Prerequisites).WithOne().HasForeignKey(s => s.CourseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.PrerequisiteCourses).WithOne().HasForeignKey(s => s.CourseId).OnDelete(DeleteBehavior.Cascade);

        // What must never be stored, whatever the caller forgot to validate.
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_courses_price_not_negative", "price IS NULL OR price >= 0");
            t.HasCheckConstraint("ck_courses_currency_iso", "currency IS NULL OR currency ~ '^[A-Z]{3}$'");
            t.HasCheckConstraint("ck_courses_price_has_currency", "price IS NULL OR currency IS NOT NULL");
            t.HasCheckConstraint("ck_courses_in_person_located", "format = 'Online' OR (city IS NOT NULL AND country IS NOT NULL)");
            t.HasCheckConstraint("ck_courses_duration_positive", "(duration_weeks IS NULL OR duration_weeks > 0) AND (total_hours IS NULL OR total_hours > 0) AND (hours_per_week IS NULL OR hours_per_week > 0)");
            t.HasCheckConstraint("ck_courses_ranges_ordered", "(duration_weeks_max IS NULL OR duration_weeks_max > duration_weeks) AND (hours_per_week_max IS NULL OR hours_per_week_max > hours_per_week) AND (total_hours_max IS NULL OR total_hours_max > total_hours)");
            t.HasCheckConstraint("ck_courses_unlisted_price_is_unknown", "NOT paid_unlisted OR price IS NULL");
            t.HasCheckConstraint("ck_courses_rating_range", "rating IS NULL OR (rating >= 0 AND rating <= 5)");
        });
    }
}

public class CourseSlugRedirectConfiguration : IEntityTypeConfiguration<CourseSlugRedirect>
{
    public void Configure(EntityTypeBuilder<CourseSlugRedirect> b)
    {
        b.ToTable("course_slug_redirects");
        b.HasKey(r => r.OldSlug);
        b.Property(r => r.OldSlug).HasMaxLength(Limits.CourseSlug);
        b.HasIndex(r => r.CourseId);
        b.HasOne<Course>().WithMany().HasForeignKey(r => r.CourseId).OnDelete(DeleteBehavior.Cascade);
    }
}

public class ProviderAliasConfiguration : IEntityTypeConfiguration<ProviderAlias>
{
    public void Configure(EntityTypeBuilder<ProviderAlias> b)
    {
        b.ToTable("provider_aliases");
        b.HasKey(a => a.Alias);
        b.Property(a => a.Alias).HasMaxLength(Limits.ProviderName);
        b.HasIndex(a => a.ProviderId);
        b.HasOne(a => a.Provider).WithMany().OnDelete(DeleteBehavior.Cascade);
    }
}

public class CourseSessionConfiguration : IEntityTypeConfiguration<CourseSession>
{
    public void Configure(EntityTypeBuilder<CourseSession> b) =>
        b.ToTable(t => t.HasCheckConstraint("ck_course_sessions_order", "end_date IS NULL OR end_date >= start_date"));
}

public class CourseSkillConfiguration : IEntityTypeConfiguration<CourseSkill>
{
    public void Configure(EntityTypeBuilder<CourseSkill> b)
    {
        b.HasKey(s => new { s.CourseId, s.SkillId });
        b.HasIndex(s => new { s.SkillId, s.CourseId });
        b.HasOne(s => s.Skill).WithMany().OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("ck_course_skills_level", "level BETWEEN 1 AND 4"));
    }
}

public class CoursePrerequisiteConfiguration : IEntityTypeConfiguration<CoursePrerequisite>
{
    public void Configure(EntityTypeBuilder<CoursePrerequisite> b)
    {
        b.HasKey(s => new { s.CourseId, s.SkillId });
        b.HasOne(s => s.Skill).WithMany().OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("ck_course_prerequisites_level", "min_level BETWEEN 1 AND 4"));
    }
}

public class CoursePrerequisiteCourseConfiguration : IEntityTypeConfiguration<CoursePrerequisiteCourse>
{
    public void Configure(EntityTypeBuilder<CoursePrerequisiteCourse> b)
    {
        b.HasKey(p => new { p.CourseId, p.RequiredCourseId });
        b.HasOne(p => p.RequiredCourse).WithMany().HasForeignKey(p => p.RequiredCourseId).OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("ck_course_prerequisite_courses_not_self", "course_id <> required_course_id"));
    }
}

public class SearchTermConfiguration : IEntityTypeConfiguration<SearchTerm>
{
    public void Configure(EntityTypeBuilder<SearchTerm> b)
    {
        b.HasKey(t => t.Word);
        b.HasIndex(t => t.Word).HasMethod("GIN").HasOperators("gin_trgm_ops").HasDatabaseName("ix_search_terms_word_trgm");
    }
}
