using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace CourseMatch.Tagging;

/// <summary>What the tagger reads of a course, cleaned the same way for training, evaluation and tagging.</summary>
public sealed partial record TaggingText(string Title, string? Provider, string? Kind, string? Level, string? Summary, string? Description, decimal? DurationWeeks = null)
{
    /// <summary>The encoder reads 256 word pieces; more text than this only costs time (and a 1 MB description memory).</summary>
    public const int MaxChars = 1500;
    /// <summary>Fewer letters than this say too little to tag: the course gets "not enough text", not a guess.</summary>
    public const int MinLetters = 12;

    /// <summary>Title first (it says most), then what the course is and the prose, HTML and markup taken out.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder(Clean(Title, 300));
            if (!string.IsNullOrWhiteSpace(Level)) text.Append(" (").Append(Level.Trim()).Append(')');
            text.Append(". ");
            if (!string.IsNullOrWhiteSpace(Summary)) text.Append(Clean(Summary, MaxChars)).Append(' ');
            if (!string.IsNullOrWhiteSpace(Description)) text.Append(Clean(Description, MaxChars));
            var all = text.ToString().Trim();
            return all.Length <= MaxChars ? all : all[..MaxChars];
        }
    }

    /// <summary>True when the text has too few letters to say what the course teaches.</summary>
    public bool TooShort => Text.Count(char.IsLetter) < MinLetters;

    private static string Clean(string s, int max)
    {
        // Cut first, so a 1 MB description costs no more than a long one.
        if (s.Length > max * 4) s = s[..(max * 4)];
        s = Tags().Replace(s, " ");
        s = WebUtility.HtmlDecode(s);
        s = Markup().Replace(s, " ");
        s = Spaces().Replace(s, " ").Trim();
        return s.Length <= max ? s : s[..max];
    }

    [GeneratedRegex("<[^>]{0,200}>")] private static partial Regex Tags();
    [GeneratedRegex(@"[*_#`>|]+|\[|\]\([^)]*\)")] private static partial Regex Markup();
    [GeneratedRegex(@"\s+")] private static partial Regex Spaces();
}
