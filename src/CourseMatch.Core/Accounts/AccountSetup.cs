using CourseMatch.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Accounts;

/// <summary>Identity settings shared by the web app and the CLI, so a password the CLI accepts is one the site accepts.</summary>
public static class AccountSetup
{
    /// <summary>OWASP ASVS 5 (V6.2): at least 12 characters, no composition rules, at least 64 allowed.</summary>
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 128;
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public static void Configure(IdentityOptions o)
    {
        o.Password.RequiredLength = MinPasswordLength;
        o.Password.RequireDigit = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequiredUniqueChars = 1;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
        o.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
        o.User.RequireUniqueEmail = true;
        o.SignIn.RequireConfirmedAccount = false;
    }

    /// <summary>The stores and managers without any HTTP parts (the CLI's needs); the web app adds sign-in on top.</summary>
    public static IdentityBuilder AddCourseMatchIdentityCore(this IServiceCollection services) =>
        services.AddIdentityCore<AppUser>(Configure)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CourseMatchDb>()
            .AddPasswordValidator<MaxLengthPasswordValidator>();
}

/// <summary>Identity has no upper bound; an unbounded password is a hashing cost an attacker controls.</summary>
public sealed class MaxLengthPasswordValidator : IPasswordValidator<AppUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password) =>
        Task.FromResult(password is { Length: > AccountSetup.MaxPasswordLength }
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordTooLong", Description = $"Passwords can be at most {AccountSetup.MaxPasswordLength} characters." })
            : IdentityResult.Success);
}
