namespace CourseMatch.Catalog;

public class Provider
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string? Website { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }
    public ProviderKind Kind { get; set; }

    public List<Course> Courses { get; set; } = [];
}
