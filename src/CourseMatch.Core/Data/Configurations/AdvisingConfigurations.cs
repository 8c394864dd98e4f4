using CourseMatch.Accounts;
using CourseMatch.Advising;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CourseMatch.Data.Configurations;

public class AdvisedLearnerConfiguration : IEntityTypeConfiguration<AdvisedLearner>
{
    public void Configure(EntityTypeBuilder<AdvisedLearner> b)
    {
        b.ToTable("advised_learners");
        b.Property(l => l.Name).HasMaxLength(AdvisedLearner.MaxName);
        b.Property(l => l.Email).HasMaxLength(AdvisedLearner.MaxEmail);
        b.Property(l => l.Notes).HasMaxLength(AdvisedLearner.MaxNotes);
        b.Property(l => l.Version).IsRowVersion();
        b.HasOne<AppUser>().WithMany().HasForeignKey(l => l.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => new { l.OwnerId, l.Archived, l.Name });
    }
}
