using System.Text.Json;
using System.Text.Json.Serialization;

namespace CourseMatch.Learners;

/// <summary>
/// Where a learner may want to get: a role with a target level per skill and a one-line reason for each. Roles are
/// data (table target_roles, seeded from Data/Seed/roles.json and edited by admins); a level of null means the role
/// does not need the skill, so a learner aiming at the role is taken as not interested in it.
/// </summary>
public sealed class TargetRole
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string Summary { get; set; } = "";
    /// <summary>Where the role is listed.</summary>
    public int Position { get; set; }
    /// <summary>Skill slug → target; a skill missing here is not needed for the role.</summary>
    public Dictionary<string, RoleTarget> Targets { get; set; } = [];

    /// <summary>The role a learner without a target aims at, by goal (README: "Targets").</summary>
    public static string DefaultFor(Goal goal) => goal switch
    {
        Goal.CareerSwitch => "data-scientist",
        Goal.Upskill => "ml-engineer",
        Goal.Academic => "graduate-ml",
        _ => "curious",
    };

    /// <summary>The roles as Data/Seed/roles.json lists them (the seed, never overwriting an admin's edits).</summary>
    public static IReadOnlyList<TargetRole> Seed()
    {
        using var stream = typeof(TargetRole).Assembly.GetManifestResourceStream("CourseMatch.Seed.roles.json")
            ?? throw new InvalidOperationException("roles.json is not embedded in CourseMatch.Core.");
        var file = JsonSerializer.Deserialize<SeedFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        return [.. file.Roles.Select((r, i) => new TargetRole { Slug = r.Slug, Name = r.Name, Summary = r.Summary, Position = i, Targets = r.Targets })];
    }

    private sealed record SeedFile([property: JsonPropertyName("roles")] List<SeedRole> Roles);

    private sealed record SeedRole(string Slug, string Name, string Summary, Dictionary<string, RoleTarget> Targets);
}

/// <summary>A role's target in one skill: the level (null: not needed) and why.</summary>
public sealed record RoleTarget(int? Level, string Reason);
