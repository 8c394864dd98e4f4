using System.Globalization;

namespace CourseMatch.Catalog;

public static class Languages
{
    /// <summary>"en" → "English", using the runtime's culture data; unknown codes are shown as given.</summary>
    public static string Name(string code)
    {
        try { return new CultureInfo(code).EnglishName is { } n && !n.StartsWith("Unknown", StringComparison.Ordinal) ? n : code; }
        catch (CultureNotFoundException) { return code; }
    }
}
