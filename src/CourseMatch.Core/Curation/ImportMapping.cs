namespace CourseMatch.Curation;

/// <summary>
/// A saved mapping for bulk import, kept under a name so next month's file from the same feed imports without mapping
/// again. Its <see cref="Document"/> is the same JSON an admin keeps in version control (<c>coursematch mappings save</c>).
/// </summary>
public class ImportMapping
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public MappingDocument Document { get; set; } = new();
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string? UpdatedBy { get; set; }
}
