using System.Text.Json;
using CourseMatch.Data;
using CourseMatch.Learners;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Catalog;

/// <summary>
/// The skills the catalog has, in their stored order. The taxonomy is data: the questionnaire, answer validation,
/// personas, features and plans all take it from here, so a skill added in /admin/skills is asked for at once.
/// </summary>
/// <param name="Roles">The target roles, in their listed order; their targets are per skill of this taxonomy.</param>
public sealed record SkillTaxonomy(IReadOnlyList<Skill> Skills, IReadOnlyList<TargetRole>? Roles = null)
{
    public IReadOnlyList<TargetRole> Roles { get; } = Roles ?? [];

    /// <summary>The role named <paramref name="slug"/>, or null.</summary>
    public TargetRole? Role(string? slug) => Roles.FirstOrDefault(r => r.Slug == slug);

    /// <summary>Skill slug → name, built once per taxonomy (validation and every pick's reasons look skills up).</summary>
    public IReadOnlyDictionary<string, string> Names { get; } = Skills.ToDictionary(s => s.Slug, s => s.Name);

    public IEnumerable<string> Slugs => Skills.Select(s => s.Slug);

    public bool Contains(string slug) => Names.ContainsKey(slug);

    /// <summary>A level for every skill of the taxonomy, taken from <paramref name="levels"/> where given, else 0.</summary>
    public Dictionary<string, int> Complete(IReadOnlyDictionary<string, int> levels) =>
        Skills.ToDictionary(s => s.Slug, s => levels.GetValueOrDefault(s.Slug));

    public static async Task<SkillTaxonomy> LoadAsync(CourseMatchDb db, CancellationToken ct = default) =>
        new(await db.Skills.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct),
            await db.TargetRoles.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct));

    public static async Task<SkillTaxonomy> LoadAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Sql);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadAsync(r, ct);
    }

    /// <summary>The statement that reads the taxonomy, for callers that batch it with other reads.</summary>
    /// <remarks>The roles come as one JSON column, repeated on each row, so the taxonomy stays one statement in a batch.</remarks>
    internal const string Sql = """
        SELECT id, slug, name, category, level_descriptors,
               (SELECT coalesce(json_agg(json_build_object('id', r.id, 'slug', r.slug, 'name', r.name, 'summary', r.summary,
                                                           'position', r.position, 'targets', r.targets) ORDER BY r.position, r.id), '[]')
                FROM target_roles r)::text
        FROM skills ORDER BY id
        """;

    private static readonly JsonSerializerOptions RoleJson = new(JsonSerializerDefaults.Web);

    internal static async Task<SkillTaxonomy> ReadAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var skills = new List<Skill>();
        List<TargetRole>? roles = null;
        while (await r.ReadAsync(ct))
        {
            roles ??= JsonSerializer.Deserialize<List<TargetRole>>(r.GetString(5), RoleJson);
            skills.Add(new Skill
            {
                Id = r.GetInt32(0), Slug = r.GetString(1), Name = r.GetString(2), Category = r.GetEnum<SkillCategory>(3),
                LevelDescriptors = r.GetFieldValue<string[]>(4),
            });
        }
        return new SkillTaxonomy(skills, roles ?? []);
    }
}
