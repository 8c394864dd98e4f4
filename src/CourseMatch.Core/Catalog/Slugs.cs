using System.Text.RegularExpressions;

namespace CourseMatch.Catalog;

/// <summary>
/// The slug rule, for courses, providers and skills alike: lower-case letters and digits in runs joined by single
/// hyphens ("intro-to-statistics"). How long a slug may be depends on what it names (<see cref="Limits"/>).
/// </summary>
public static partial class Slugs
{
    /// <summary>What the rule allows, said the way error messages say it.</summary>
    public const string Rule = "lower-case letters, digits and single hyphens only";

    public static bool IsValid(string? slug) => slug is not null && Pattern().IsMatch(slug);

    /// <summary>
    /// A slug made from any text ("Machine Learning: A-Z" → "machine-learning-a-z"): accents dropped, other letters and
    /// symbols as hyphens, cut at a hyphen to fit <paramref name="maxLength"/>. Empty when the text has no letter or digit.
    /// </summary>
    public static string From(string text, int maxLength)
    {
        var sb = new System.Text.StringBuilder(Math.Min(text.Length, maxLength + 1));
        foreach (var ch in text.Normalize(System.Text.NormalizationForm.FormD))
        {
            if (sb.Length > maxLength) break;
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(ch) == System.Globalization.UnicodeCategory.NonSpacingMark) continue;
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString();
        if (slug.Length > maxLength)
        {
            var cut = slug.LastIndexOf('-', maxLength);
            slug = cut > 0 ? slug[..cut] : slug[..maxLength];
        }
        return slug.Trim('-');
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Pattern();
}
