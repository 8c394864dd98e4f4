using System.Text.Json.Serialization;

namespace CourseMatch.Catalog;

/// <summary>One page of catalog results with the facet counts of the whole result set.</summary>
public sealed record CatalogPage
{
    /// <summary>How many courses match: exact up to the <see cref="CountBudget"/>, an estimate above it.</summary>
    public int Total { get; init; }
    /// <summary>True when the total or some facet's counts are estimates (see each facet's <see cref="Facet.Estimated"/>).</summary>
    public bool CountsAreEstimates { get; init; }
    public int Page { get; init; }
    public int PageSize { get; init; }
    public int PageCount => Total == 0 ? 0 : (Total + PageSize - 1) / PageSize;
    /// <summary>The last page paging reaches (<see cref="CatalogSearch.MaxResultDepth"/> results deep).</summary>
    public int LastReachablePage => Math.Min(PageCount, CatalogSearch.MaxResultDepth / Math.Max(1, PageSize));
    /// <summary>Set when the search text matched nothing and a corrected spelling was searched instead.</summary>
    public string? CorrectedQuery { get; init; }
    /// <summary>How the text matched: "words", "spelling" (after correction), "title-similarity", or null without text.</summary>
    public string? MatchMode { get; init; }
    public IReadOnlyList<CourseCard> Items { get; init; } = [];
    public IReadOnlyList<Facet> Facets { get; init; } = [];
}

/// <summary>A course as a search result lists it, in the order the search query selects its fields.</summary>
/// <param name="DurationWeeksMax">With <paramref name="DurationWeeks"/>, a range ("6–8 weeks"); likewise the other *Max fields.</param>
/// <param name="EffortHours">Total hours, or weeks × hours a week (lower ends): what the duration sort and bands use.</param>
public sealed record CourseCard(
    string Slug, string Title, string ProviderSlug, string ProviderName, string? Summary,
    CourseFormat Format, Pacing Pacing, CourseLevel Level, CourseKind Kind, string Language, string? City, string? Country,
    decimal? Price, string? Currency, bool FreeToAudit, bool PaidUnlisted, bool Certificate,
    int? DurationWeeks, int? DurationWeeksMax, decimal? HoursPerWeek, decimal? HoursPerWeekMax,
    decimal? TotalHours, decimal? TotalHoursMax, decimal? EffortHours,
    decimal? Rating, int RatingCount,
    IReadOnlyList<string> Skills);

/// <summary>A facet by its query-string name; <see cref="Label"/> is how a page or API client should title it.</summary>
public sealed record Facet(string Name, string Label, IReadOnlyList<FacetValue> Values)
{
    /// <summary>True when the counts come from a sample of the catalog (the facet's set of matches was over the budget).</summary>
    public bool Estimated { get; init; }
}

public sealed record FacetValue(string Value, string Label, int Count, bool Selected);

/// <summary>The row shapes PostgreSQL's json_build_object returns; turned into the public records above.</summary>
/// <param name="Sizes">How many matches each set had, up to one over the budget: all matches, and each selected facet's own set.</param>
/// <param name="OneRead">With one read for every set: how many courses it read, up to one over the budget.</param>
internal sealed record RawPage(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("items")] List<RawCard>? Items,
    [property: JsonPropertyName("facets")] List<RawFacet> Facets,
    [property: JsonPropertyName("sizes")] Dictionary<string, int>? Sizes,
    [property: JsonPropertyName("oneRead")] int? OneRead = null);

internal sealed record RawCard(
    string slug, string title, string provider_slug, string provider_name, string? summary, string format,
    string pacing, string level, string kind, string language, string? city, string? country, decimal? price,
    string? currency, bool free_to_audit, bool paid_unlisted, bool certificate,
    int? duration_weeks, int? duration_weeks_max, decimal? hours_per_week, decimal? hours_per_week_max,
    decimal? total_hours, decimal? total_hours_max, decimal? effort_hours,
    decimal? rating, int rating_count, List<string> skills);

internal sealed record RawFacet(string name, string value, string label, int n);
