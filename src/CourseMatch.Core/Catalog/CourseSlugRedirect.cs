namespace CourseMatch.Catalog;

/// <summary>
/// A slug a course used to have. Links and bookmarks to the old address keep working: the course page answers it
/// with a permanent redirect to the current slug.
/// </summary>
public class CourseSlugRedirect
{
    public required string OldSlug { get; set; }
    public int CourseId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
