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

/// <summary>
/// Another name a provider goes by in other catalogs ("MITx" for "Massachusetts Institute of Technology"), so an import
/// that writes it finds the provider. Stored folded (<see cref="Fold"/>) so case and spacing do not matter.
/// </summary>
public class ProviderAlias
{
    public required string Alias { get; set; }
    public int ProviderId { get; set; }
    public Provider Provider { get; set; } = null!;

    /// <summary>How names are compared: lower case, punctuation dropped, runs of spaces as one, a leading "the" dropped.</summary>
    public static string Fold(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        foreach (var ch in name.Normalize(System.Text.NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
        }
        var folded = sb.ToString().Trim();
        return folded.StartsWith("the ", StringComparison.Ordinal) ? folded[4..] : folded;
    }
}
