using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Curation;

/// <summary>
/// What came of saving a provider or skill: the stored values, or the field errors (nothing written), or the values
/// someone else stored since the admin loaded the form (nothing written), or that the row is gone.
/// </summary>
public sealed record ReferenceEditOutcome<T>(T? Saved, IReadOnlyList<FieldError> Errors, T? Conflict = null, bool NotFound = false) where T : class
{
    public bool Ok => Saved is not null;
    public static ReferenceEditOutcome<T> Invalid(IReadOnlyList<FieldError> errors) => new(null, errors);
    public static ReferenceEditOutcome<T> Stale(T stored) => new(null, [], stored);
    public static ReferenceEditOutcome<T> Missing() => new(null, [], null, NotFound: true);
}

/// <summary>What came of merging a duplicate into a survivor: how much moved, or why nothing did.</summary>
public sealed record ReferenceMergeOutcome(bool Merged, string? Error, int CoursesMoved, string? Note = null)
{
    public static ReferenceMergeOutcome Refused(string error) => new(false, error, 0);
}

/// <summary>Rules and SQL shared by the provider and skill editors.</summary>
internal static class ReferenceEdits
{
    public static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>
    /// Checks the slug's shape (uniqueness is the editor's: it needs the database) and the name's presence and length;
    /// each problem becomes an error on its field.
    /// </summary>
    public static (string? Slug, string? Name) SlugAndName(ReferenceForm form, int maxName, string example, List<FieldError> errors)
    {
        var slug = Slug(form.Slug, errors, example);
        var name = Trim(form.Name);
        if (name is null) errors.Add(new FieldError("name", "Name is required."));
        else if (name.Length > maxName) errors.Add(new FieldError("name", $"Name must be at most {maxName} characters (it has {name.Length})."));
        return (slug, name);
    }

    /// <summary>A required choice from an enum's kebab-case names ("kind", "category"); the default when it is wrong.</summary>
    public static T Choice<T>(string? text, string field, List<FieldError> errors) where T : struct, Enum
    {
        var label = char.ToUpperInvariant(field[0]) + field[1..];
        if (Trim(text) is not { } chosen) errors.Add(new FieldError(field, $"{label} is required: one of {string.Join(", ", EnumText.Names<T>())}."));
        else if (EnumText.TryParse(chosen, out T value)) return value;
        else errors.Add(new FieldError(field, $"{label} must be one of {string.Join(", ", EnumText.Names<T>())}."));
        return default;
    }

    private static string? Slug(string? text, List<FieldError> errors, string example)
    {
        var slug = Trim(text);
        if (slug is null) errors.Add(new FieldError("slug", $"Slug is required: a short name for addresses, like \"{example}\"."));
        else if (slug.Length > Limits.ReferenceSlug) errors.Add(new FieldError("slug", $"Slug must be at most {Limits.ReferenceSlug} characters (it has {slug.Length})."));
        else if (!Slugs.IsValid(slug)) errors.Add(new FieldError("slug", $"Slug may hold {Slugs.Rule}, like \"{example}\"."));
        else return slug;
        return null;
    }

    /// <summary>Text to find inside a column with ILIKE … ESCAPE '\\': its own %, _ and \\ match literally.</summary>
    public static string Like(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private const string KeywordsUpdate = """
        UPDATE courses c SET search_keywords = concat_ws(' ', p.name,
            (SELECT string_agg(s.name, ' ' ORDER BY s.name) FROM course_skills cs JOIN skills s ON s.id = cs.skill_id WHERE cs.course_id = c.id))
        FROM providers p
        WHERE p.id = c.provider_id
        """;

    /// <summary>
    /// Rewrites the B-weighted search words of a provider's courses from its name and the names of the skills each
    /// teaches: the words <see cref="Data.Seed.CatalogSeeder.SearchKeywords"/> builds, so search keeps finding a course
    /// by who teaches it after a rename or merge. One UPDATE, because a provider can own many courses.
    /// </summary>
    public static Task<int> RefreshProviderKeywordsAsync(CourseMatchDb db, int providerId, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(KeywordsUpdate + " AND c.provider_id = {0}", [providerId], ct);

    /// <summary>The same for every course that teaches the skill.</summary>
    public static Task<int> RefreshSkillKeywordsAsync(CourseMatchDb db, int skillId, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(KeywordsUpdate + " AND c.id IN (SELECT course_id FROM course_skills WHERE skill_id = {0})", [skillId], ct);
}
