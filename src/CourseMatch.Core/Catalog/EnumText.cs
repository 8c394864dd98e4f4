using System.Text;

namespace CourseMatch.Catalog;

/// <summary>Enums as they appear in URLs, JSON and seed files: kebab-case ("in-person", "self-paced").</summary>
public static class EnumText
{
    public static string ToKebab<T>(this T value) where T : struct, Enum => Kebab(value.ToString());

    public static string Kebab(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var ch = pascal[i];
            if (char.IsUpper(ch) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(ch));
        }
        return sb.ToString();
    }

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40) return false;
        var squashed = text.Replace("-", "").Replace("_", "").Trim();
        // Only names, never numbers: "7" must not parse as an enum value.
        if (squashed.Length == 0 || !squashed.All(char.IsLetter)) return false;
        return Enum.TryParse(squashed, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    public static IEnumerable<string> Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(v => v.ToKebab());
}
