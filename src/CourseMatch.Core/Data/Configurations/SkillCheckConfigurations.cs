using CourseMatch.Catalog;
using CourseMatch.SkillChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CourseMatch.Data.Configurations;

public class CheckItemConfiguration : IEntityTypeConfiguration<CheckItem>
{
    public void Configure(EntityTypeBuilder<CheckItem> b)
    {
        b.HasIndex(i => i.Key).IsUnique();
        b.Property(i => i.Key).HasMaxLength(Limits.ItemKey);
        b.Property(i => i.Descriptor).HasMaxLength(Limits.SkillDescriptor);
        b.Property(i => i.Prompt).HasMaxLength(Limits.ItemMarkup);
        b.Property(i => i.Answer).HasMaxLength(40);
        b.Property(i => i.Explanation).HasMaxLength(Limits.ItemMarkup);
        b.Property(i => i.Tolerance).HasPrecision(12, 6);
        b.HasOne(i => i.Skill).WithMany().OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(i => new { i.SkillId, i.Level });
        b.ToTable(t => t.HasCheckConstraint("ck_check_items_level", "level BETWEEN 1 AND 4"));
    }
}

public class SkillCheckConfiguration : IEntityTypeConfiguration<SkillCheck>
{
    public void Configure(EntityTypeBuilder<SkillCheck> b)
    {
        b.HasIndex(c => c.Token).IsUnique();
        b.Property(c => c.Token).HasMaxLength(64);
        b.Property(c => c.Answers).AsJsonb();
        b.HasOne(c => c.Skill).WithMany().OnDelete(DeleteBehavior.Cascade);
        b.Ignore(c => c.Answered);
    }
}
