using Microsoft.AspNetCore.Identity;

namespace CourseMatch.Accounts;

/// <summary>A person who signs in: an advisor or an admin. Learners never need an account.</summary>
public class AppUser : IdentityUser
{
    public string? DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public static class Roles
{
    public const string Admin = "Admin";
    public const string Advisor = "Advisor";
    /// <summary>For [Authorize(Roles = ...)]: advisor pages are open to admins too.</summary>
    public const string AdvisorOrAdmin = Advisor + "," + Admin;
    public static readonly string[] All = [Admin, Advisor];

    /// <summary>The role as written by a person ("admin", "ADVISOR"), or null when it is not one of ours.</summary>
    public static string? Parse(string? text) => All.FirstOrDefault(r => string.Equals(r, text?.Trim(), StringComparison.OrdinalIgnoreCase));
}
