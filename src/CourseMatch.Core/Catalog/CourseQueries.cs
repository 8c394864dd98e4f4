using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Catalog;

/// <summary>How a whole course is loaded and which of its sessions still matter; the reads themselves are <see cref="CatalogReader"/>'s.</summary>
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

    /// <summary>Upcoming sessions only: past runs are of no use to a learner choosing now.</summary>
    public static IEnumerable<CourseSession> Upcoming(this Course c, DateOnly today) =>
        c.Sessions.Where(s => (s.EndDate ?? s.StartDate) >= today).OrderBy(s => s.StartDate);
}
