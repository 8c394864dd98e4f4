using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

public enum AdminCourseSort { Title, Updated, Status }

/// <summary>The admin course list: every status, searched, filtered, sorted and paged on the server.</summary>
public sealed record AdminCourseQuery
{
    public const int MaxPageSize = 100;

    /// <summary>Contained in the title, slug or provider name, ignoring case.</summary>
    public string? Search { get; init; }
    public CourseStatus? Status { get; init; }
    /// <summary>The provider's slug.</summary>
    public string? Provider { get; init; }
    public CourseFormat? Format { get; init; }
    /// <summary>Who said what the course teaches; <see cref="SkillsStatus.Unknown"/> is "none" in the query string.</summary>
    public SkillsStatus? Skills { get; init; }
    /// <summary>Only courses whose facts were checked before this date, or never.</summary>
    public DateOnly? StaleBefore { get; init; }
    public AdminCourseSort Sort { get; init; } = AdminCourseSort.Title;
    public bool Descending { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;

    /// <summary>
    /// The skills filter's values in a query string. "none" rather than "unknown": an admin asks which courses have no
    /// skills yet, and that is what Unknown means (ADR 0014).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, SkillsStatus> SkillsFilters = new Dictionary<string, SkillsStatus>(StringComparer.OrdinalIgnoreCase)
    {
        ["confirmed"] = SkillsStatus.Confirmed,
        ["inferred"] = SkillsStatus.Inferred,
        ["none"] = SkillsStatus.Unknown,
    };
}

public sealed record AdminCourseRow(int Id, string Slug, string Title, string ProviderName, CourseFormat Format, CourseStatus Status, DateOnly? AsOf, decimal? Price, string? Currency,
    SkillsStatus SkillsStatus, decimal? SkillsConfidence);

public sealed record AdminCoursePage(IReadOnlyList<AdminCourseRow> Rows, int Total);

public sealed record SlugAndName(string Slug, string Name);

/// <summary>The admin course list, and the choices its filters offer.</summary>
public sealed class AdminCourses(IDbContextFactory<CourseMatchDb> dbs)
{
    public async Task<AdminCoursePage> QueryAsync(AdminCourseQuery q, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var size = Math.Clamp(q.PageSize, 1, AdminCourseQuery.MaxPageSize);
        var page = Math.Max(1, q.Page);
        var courses = db.Courses.AsNoTracking();

        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var pattern = "%" + ReferenceEdits.Like(q.Search.Trim()) + "%";
            courses = courses.Where(c => EF.Functions.ILike(c.Title, pattern, "\\") || EF.Functions.ILike(c.Slug, pattern, "\\")
                                         || EF.Functions.ILike(c.Provider.Name, pattern, "\\"));
        }
        if (q.Status is { } status) courses = courses.Where(c => c.Status == status);
        if (q.Format is { } format) courses = courses.Where(c => c.Format == format);
        if (q.Skills is { } skills) courses = courses.Where(c => c.SkillsStatus == skills);
        if (!string.IsNullOrWhiteSpace(q.Provider)) courses = courses.Where(c => c.Provider.Slug == q.Provider);
        if (q.StaleBefore is { } before) courses = courses.Where(c => c.AsOf == null || c.AsOf < before);

        var total = await courses.CountAsync(ct);
        var sorted = (q.Sort, q.Descending) switch
        {
            (AdminCourseSort.Updated, false) => courses.OrderBy(c => c.AsOf == null ? 0 : 1).ThenBy(c => c.AsOf).ThenBy(c => c.Title.ToLower()),
            (AdminCourseSort.Updated, true) => courses.OrderByDescending(c => c.AsOf == null ? 0 : 1).ThenByDescending(c => c.AsOf).ThenBy(c => c.Title.ToLower()),
            (AdminCourseSort.Status, false) => courses.OrderBy(c => c.Status).ThenBy(c => c.Title.ToLower()),
            (AdminCourseSort.Status, true) => courses.OrderByDescending(c => c.Status).ThenBy(c => c.Title.ToLower()),
            (_, false) => courses.OrderBy(c => c.Title.ToLower()),
            (_, true) => courses.OrderByDescending(c => c.Title.ToLower()),
        };
        var rows = await sorted.ThenBy(c => c.Id).Skip((page - 1) * size).Take(size)
            .Select(c => new AdminCourseRow(c.Id, c.Slug, c.Title, c.Provider.Name, c.Format, c.Status, c.AsOf, c.Price, c.Currency, c.SkillsStatus, c.SkillsConfidence))
            .ToListAsync(ct);
        return new AdminCoursePage(rows, total);
    }

    /// <summary>Every provider (slug, name) by name, for the provider filter and the course form's provider list.</summary>
    public async Task<IReadOnlyList<SlugAndName>> ProvidersAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Providers.AsNoTracking().OrderBy(p => p.Name).Select(p => new SlugAndName(p.Slug, p.Name)).ToListAsync(ct);
    }

    /// <summary>Every skill (slug, name) by name, for the course form's skill lists.</summary>
    public async Task<IReadOnlyList<SlugAndName>> SkillsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Skills.AsNoTracking().OrderBy(s => s.Name).Select(s => new SlugAndName(s.Slug, s.Name)).ToListAsync(ct);
    }
}
