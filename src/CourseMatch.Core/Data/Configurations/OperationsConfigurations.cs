using CourseMatch.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CourseMatch.Data.Configurations;

public sealed class AuthSessionConfiguration : IEntityTypeConfiguration<AuthSession>
{
    public void Configure(EntityTypeBuilder<AuthSession> b)
    {
        b.ToTable("auth_sessions");
        b.Property(s => s.UserId).HasMaxLength(64);
        b.HasIndex(s => s.UserId);
        b.HasIndex(s => s.ExpiresAt);
    }
}

public sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.ToTable("job_runs");
        b.HasKey(j => j.Kind);
        b.Property(j => j.Kind).HasMaxLength(32);
        b.Property(j => j.State).HasColumnType("jsonb");
        b.Property(j => j.Instance).HasMaxLength(128);
    }
}

public sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> b)
    {
        b.ToTable("rate_limit_windows");
        b.HasKey(w => new { w.Key, w.WindowStart });
        b.Property(w => w.Key).HasMaxLength(200);
    }
}
