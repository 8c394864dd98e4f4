using CourseMatch.Catalog;
using CourseMatch.Curation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CourseMatch.Data.Configurations;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.Property(a => a.Actor).HasMaxLength(Limits.Actor);
        b.Property(a => a.Entity).HasMaxLength(Limits.AuditEntity);
        b.Property(a => a.EntityId).HasMaxLength(Limits.AuditEntityId);
        b.Property(a => a.Action).HasMaxLength(Limits.AuditAction);
        b.Property(a => a.Summary).HasMaxLength(Limits.AuditSummary);
        b.Property(a => a.Before).HasColumnType("jsonb");
        b.Property(a => a.After).HasColumnType("jsonb");
        // The log page lists newest first, filtered by entity or actor.
        b.HasIndex(a => a.At).IsDescending();
        b.HasIndex(a => new { a.Entity, a.EntityId });
        b.HasIndex(a => a.Actor);
    }
}

public sealed class ImportMappingConfiguration : IEntityTypeConfiguration<ImportMapping>
{
    public void Configure(EntityTypeBuilder<ImportMapping> b)
    {
        b.Property(m => m.Name).HasMaxLength(Limits.ImportMappingName);
        b.HasIndex(m => m.Name).IsUnique();
        b.Property(m => m.UpdatedBy).HasMaxLength(Limits.Actor);
        b.Property(m => m.Document).HasColumnType("jsonb").HasConversion(
            v => MappingDocument.ToJson(v),
            s => MappingDocument.FromStoredJson(s),
            new ValueComparer<MappingDocument>((a, b) => MappingDocument.ToJson(a!) == MappingDocument.ToJson(b!),
                v => MappingDocument.ToJson(v).GetHashCode(), v => MappingDocument.FromStoredJson(MappingDocument.ToJson(v))));
    }
}

public sealed class CourseSourceConfiguration : IEntityTypeConfiguration<CourseSource>
{
    public void Configure(EntityTypeBuilder<CourseSource> b)
    {
        b.ToTable("course_sources");
        b.Property(s => s.Feed).HasMaxLength(Limits.ReferenceSlug);
        b.Property(s => s.ExternalKey).HasMaxLength(Limits.Url);
        b.Property(s => s.Values).AsJsonb();
        // A feed keys each of its courses once; an import finds its rows' courses by this.
        b.HasIndex(s => new { s.Feed, s.ExternalKey }).IsUnique();
        b.HasIndex(s => s.CourseId);
        b.HasOne<Course>().WithMany().HasForeignKey(s => s.CourseId).OnDelete(DeleteBehavior.Cascade);
    }
}
