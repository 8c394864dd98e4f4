namespace CourseMatch.Curation;

/// <summary>
/// A saved column mapping for bulk import: which header in a provider's file feeds which of our fields, kept under
/// a name so next month's export from the same provider imports without mapping again.
/// </summary>
public class ImportMapping
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Our field name → the header in the file (jsonb).</summary>
    public Dictionary<string, string> Columns { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string? UpdatedBy { get; set; }
}
