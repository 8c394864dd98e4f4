using System.Text.Json;
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
        b.Property(m => m.Columns).HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, (JsonSerializerOptions?)null) ?? new(),
            new ValueComparer<Dictionary<string, string>>(
                (a, c) => a!.Count == c!.Count && !a.Except(c).Any(),
                v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
                v => new Dictionary<string, string>(v)));
    }
}
