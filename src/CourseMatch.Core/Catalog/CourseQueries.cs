using Microsoft.EntityFrameworkCore;
using CourseMatch.Data;

namespace CourseMatch.Catalog;

/// <summary>Reads of single courses and the small lookup lists; the search lives in <see cref="CatalogSearch"/>.</summary>
public static class CourseQueries
{
    public const int MaxCompared = 3;

    public static IQueryable<Course> WithEverything(this IQueryable<Course> courses) => courses
        .AsNoTracking()
        .AsSplitQuery()
        .Include(c => c.Provider)
        .Include(c => c.Sessions)
        .Include(c => c.Skills).ThenInclude(s => s.Skill)
        .Include(c => c.Prerequisites).ThenInclude(p => p.Skill)
        .Include(c => c.PrerequisiteCourses).ThenInclude(p => p.RequiredCourse);

    public static Task<Course?> PublishedBySlugAsync(this CourseMatchDb db, string slug, CancellationToken ct = default) =>
        db.Courses.WithEverything().FirstOrDefaultAsync(c => c.Slug == slug && c.Status == CourseStatus.Published, ct);

    /// <summary>The courses to compare, in the order asked; unknown slugs are simply absent.</summary>
    public static async Task<List<Course>> PublishedBySlugsAsync(this CourseMatchDb db, IReadOnlyList<string> slugs, CancellationToken ct = default)
    {
        var found = await db.Courses.WithEverything()
            .Where(c => slugs.Contains(c.Slug) && c.Status == CourseStatus.Published).ToListAsync(ct);
        return slugs.Select(s => found.FirstOrDefault(c => c.Slug == s)).OfType<Course>().ToList();
    }

    public static Task<List<Skill>> SkillsAsync(this CourseMatchDb db, CancellationToken ct = default) =>
        db.Skills.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);

    public sealed record ProviderSummary(string Slug, string Name, string Kind, string? Website, string? Country, int Courses);

    public static Task<List<ProviderSummary>> ProvidersAsync(this CourseMatchDb db, CancellationToken ct = default) =>
        db.Providers.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new ProviderSummary(p.Slug, p.Name, p.Kind.ToString(), p.Website, p.Country,
                p.Courses.Count(c => c.Status == CourseStatus.Published)))
            .ToListAsync(ct);

    /// <summary>Upcoming sessions only: past runs are of no use to a learner choosing now.</summary>
    public static IEnumerable<CourseSession> Upcoming(this Course c, DateOnly today) =>
        c.Sessions.Where(s => (s.EndDate ?? s.StartDate) >= today).OrderBy(s => s.StartDate);
}
