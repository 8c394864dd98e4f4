using CourseMatch.Catalog;
using CourseMatch.Tagging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CourseMatch.Data.Configurations;

public sealed class SkillProposalConfiguration : IEntityTypeConfiguration<SkillProposal>
{
    public void Configure(EntityTypeBuilder<SkillProposal> b)
    {
        b.ToTable("skill_proposals");
        b.Property(p => p.Taught).AsJsonb();
        b.Property(p => p.Required).AsJsonb();
        b.Property(p => p.FinalTaught!).AsJsonb();
        b.Property(p => p.FinalRequired!).AsJsonb();
        b.Property(p => p.DecidedBy).HasMaxLength(Limits.Actor);
        b.HasOne(p => p.Course).WithMany().HasForeignKey(p => p.CourseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaggerModel>().WithMany().HasForeignKey(p => p.TaggerModelId).OnDelete(DeleteBehavior.SetNull);
        // One open proposal per course; the queue reads open ones by confidence.
        b.HasIndex(p => p.CourseId).IsUnique().HasFilter("status IN ('Pending', 'Applied')").HasDatabaseName("ix_skill_proposals_open_course");
        b.HasIndex(p => new { p.Status, p.Confidence });
    }
}

public sealed class CourseEmbeddingConfiguration : IEntityTypeConfiguration<CourseEmbedding>
{
    public void Configure(EntityTypeBuilder<CourseEmbedding> b)
    {
        b.ToTable("course_embeddings");
        b.HasKey(e => e.CourseId);
        b.Property(e => e.Encoder).HasMaxLength(64);
        b.Property(e => e.TextHash).HasMaxLength(64);
        b.HasOne<Course>().WithOne().HasForeignKey<CourseEmbedding>(e => e.CourseId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class TaggerModelConfiguration : IEntityTypeConfiguration<TaggerModel>
{
    public void Configure(EntityTypeBuilder<TaggerModel> b)
    {
        b.ToTable("tagger_models");
        b.Property(m => m.Settings).HasColumnType("jsonb");
        b.Property(m => m.Metrics).HasColumnType("jsonb");
        b.Property(m => m.Parameters).HasColumnType("jsonb");
        b.HasIndex(m => m.Status).IsUnique().HasFilter("status = 'Active'").HasDatabaseName("ix_tagger_models_one_active");
    }
}
