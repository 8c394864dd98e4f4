using Microsoft.Extensions.Primitives;

namespace CourseMatch.Web.Features.Catalog;

/// <summary>The courses picked for comparison travel in the query string as c=slug (repeated or comma-separated).</summary>
public static class CompareSelection
{
    public static List<string> Parse(StringValues values, int limit = CourseMatch.Catalog.CourseQueries.MaxCompared) =>
        values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
              .Where(s => s.Length <= 120 && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-'))
              .Distinct().Take(limit).ToList();

    public static string CatalogHref(IEnumerable<string> slugs) =>
        "/courses" + Microsoft.AspNetCore.Http.QueryString.Create(slugs.Select(s => new KeyValuePair<string, string?>("c", s)));
}
