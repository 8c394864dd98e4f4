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

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Pattern();
}
