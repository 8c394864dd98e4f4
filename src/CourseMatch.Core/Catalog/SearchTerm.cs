namespace CourseMatch.Catalog;

/// <summary>
/// One word of the catalog's vocabulary with how many courses use it. Typo correction looks up the
/// nearest word here by trigram similarity: the vocabulary stays small even at a million courses.
/// </summary>
public class SearchTerm
{
    public required string Word { get; set; }
    public int Documents { get; set; }
}
