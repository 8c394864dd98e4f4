namespace CourseMatch.Curation;

/// <summary>
/// One feed a course came from (an aggregator, a provider's catalog, a marketplace) and its key there: the feed's id
/// for the course, or its URL when the feed has no ids. A course can have several (an admin linked them), or none
/// (created by hand). Re-importing a feed updates only the courses it keys.
/// </summary>
public class CourseSource
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    /// <summary>The feed's name, by the slug rule ("classcentral").</summary>
    public required string Feed { get; set; }
    public required string ExternalKey { get; set; }
    /// <summary>
    /// What this feed last wrote, field → text as in <see cref="CourseRecord"/>. A stored field that no longer equals it
    /// was changed since (by an admin or another feed), so the next import of this feed keeps it and says so.
    /// </summary>
    public Dictionary<string, string?> Values { get; set; } = [];
    public DateTimeOffset ImportedAt { get; set; } = DateTimeOffset.UtcNow;
}
