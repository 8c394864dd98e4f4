using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Accounts;

/// <summary>Creating accounts with generated passwords: the only way accounts are made (no sign-up, no defaults).</summary>
public sealed class UserAccounts(UserManager<AppUser> users, RoleManager<IdentityRole> roles)
{
    public sealed record Created(AppUser User, string Password);

    /// <summary>Creates the user in the role with a fresh random password, or returns the reasons it cannot.</summary>
    public async Task<(Created? Created, IReadOnlyList<string> Errors)> CreateAsync(string email, string role, CancellationToken ct = default)
    {
        email = email.Trim();
        var errors = new List<string>();
        if (!System.Net.Mail.MailAddress.TryCreate(email, out var address) || address.Address != email)
            errors.Add($"--email: \"{email}\" is not an email address.");
        if (Roles.Parse(role) is not { } roleName)
        {
            errors.Add($"--role: \"{role}\" is not a role; use Admin or Advisor.");
            return (null, errors);
        }
        if (errors.Count > 0) return (null, errors);
        if (await users.FindByEmailAsync(email) is not null) return (null, [$"--email: a user with {email} already exists."]);

        await EnsureRolesAsync();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
        var password = GeneratePassword();
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) return (null, result.Errors.Select(e => e.Description).ToList());
        var added = await users.AddToRoleAsync(user, roleName);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user);
            return (null, added.Errors.Select(e => e.Description).ToList());
        }
        return (new Created(user, password), []);
    }

    public async Task<bool> AnyUsersAsync(CancellationToken ct = default) => await users.Users.AnyAsync(ct);

    public async Task EnsureRolesAsync()
    {
        foreach (var name in Roles.All)
            if (!await roles.RoleExistsAsync(name)) await roles.CreateAsync(new IdentityRole(name));
    }

    /// <summary>20 characters from a 57-symbol alphabet without look-alikes: about 117 bits, easy to type once.</summary>
    public static string GeneratePassword(int length = 20)
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
