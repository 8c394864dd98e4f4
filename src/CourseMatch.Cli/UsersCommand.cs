using System.CommandLine;
using CourseMatch.Accounts;
using CourseMatch.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CourseMatch.Cli;

/// <summary>`coursematch users …`: accounts are made here (or by run.sh's demo step), never by a default password.</summary>
internal static class UsersCommand
{
    public static Command Create(Func<Func<NpgsqlDataSource, Task<int>>, Task<int>> withDatabase)
    {
        var email = new Option<string>("--email") { Description = "The person's email; it is also their user name.", Required = true };
        var role = new Option<string>("--role") { Description = "Admin or Advisor.", Required = true };
        var add = new Command("add", "Create a user in a role and print a generated password once.") { email, role };
        add.SetAction((parse, ct) => withDatabase(db => WithAccounts(db, async (accounts, _) =>
        {
            var (created, errors) = await accounts.CreateAsync(parse.GetValue(email)!, parse.GetValue(role)!, ct);
            if (created is null)
            {
                foreach (var e in errors) Console.Error.WriteLine(e);
                return 2;
            }
            Console.WriteLine($"Created {created.User.Email} ({Roles.Parse(parse.GetValue(role))}).");
            Console.WriteLine($"Password (shown once; hand it over safely): {created.Password}");
            return 0;
        })));

        var resetEmail = new Option<string>("--email") { Description = "The user whose password to replace.", Required = true };
        var reset = new Command("reset-password", "Replace a user's password with a generated one, unlock the account, and print the password once.") { resetEmail };
        reset.SetAction((parse, ct) => withDatabase(db => WithAccounts(db, async (_, users) =>
        {
            var address = parse.GetValue(resetEmail)!.Trim();
            if (await users.FindByEmailAsync(address) is not { } user) { Console.Error.WriteLine($"--email: no user has {address}."); return 2; }
            var password = UserAccounts.GeneratePassword();
            await users.RemovePasswordAsync(user);
            var result = await users.AddPasswordAsync(user, password);
            if (!result.Succeeded) { foreach (var e in result.Errors) Console.Error.WriteLine(e.Description); return 1; }
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            await users.UpdateSecurityStampAsync(user); // signs out their existing sessions
            Console.WriteLine($"New password for {address} (shown once): {password}");
            return 0;
        })));

        var list = new Command("list", "List users with their roles and whether they are locked out.");
        list.SetAction((_, ct) => withDatabase(db => WithAccounts(db, async (_, users) =>
        {
            var all = await users.Users.OrderBy(u => u.Email).ToListAsync(ct);
            if (all.Count == 0) Console.WriteLine("No users yet. Create one with: coursematch users add --email E --role Admin");
            foreach (var u in all)
            {
                var roles = await users.GetRolesAsync(u);
                var locked = u.LockoutEnd > DateTimeOffset.UtcNow ? $"  locked until {u.LockoutEnd:u}" : "";
                Console.WriteLine($"{u.Email,-40} {string.Join(", ", roles)}{locked}");
            }
            return 0;
        })));

        var output = new Option<FileInfo?>("--write-to") { Description = "Also write the credentials to this file (readable by you only)." };
        var demo = new Command("demo", "On a database without users, create a demo admin and a demo advisor and print their generated passwords (run.sh does this for the local demo).") { output };
        demo.SetAction((parse, ct) => withDatabase(db => WithAccounts(db, async (accounts, _) =>
        {
            if (await accounts.AnyUsersAsync(ct))
            {
                Console.WriteLine("Users exist already; no demo accounts created.");
                return 0;
            }
            var lines = new List<string>();
            foreach (var (address, roleName) in new[] { ("admin@coursematch.local", Roles.Admin), ("advisor@coursematch.local", Roles.Advisor) })
            {
                var (created, errors) = await accounts.CreateAsync(address, roleName, ct);
                if (created is null) { foreach (var e in errors) Console.Error.WriteLine(e); return 1; }
                lines.Add($"{roleName,-8} {address}  password: {created.Password}");
            }
            Console.WriteLine("Demo accounts (local demo only):");
            foreach (var l in lines) Console.WriteLine("  " + l);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllLinesAsync(file.FullName, lines, ct);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return 0;
        })));

        return new Command("users", "Create and manage advisor and admin accounts.") { add, reset, list, demo };
    }

    private static async Task<int> WithAccounts(NpgsqlDataSource db, Func<UserAccounts, UserManager<AppUser>, Task<int>> work)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<CourseMatchDb>(o => CourseMatchDb.Configure(o, db));
        services.AddCourseMatchIdentityCore();
        services.AddScoped<UserAccounts>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<UserAccounts>(), scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>());
    }
}
