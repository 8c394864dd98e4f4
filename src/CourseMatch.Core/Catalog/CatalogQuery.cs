namespace CourseMatch.Catalog;

public enum CatalogSort { Relevance, Price, PriceDesc, Duration, Rating, Newest }

public enum PriceFilter { Free, Paid }

/// <summary>
/// A catalog search as it travels in the query string. Parsing collects one message per bad
/// parameter, so a page can show them and the API can answer 400 naming each parameter.
/// </summary>
public sealed record CatalogQuery
{
    public const int MaxQueryLength = Limits.SearchText;
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    public string? Q { get; init; }
    public IReadOnlyList<CourseFormat> Formats { get; init; } = [];
    public IReadOnlyList<PriceFilter> Prices { get; init; } = [];
    public IReadOnlyList<PriceBand> PriceBands { get; init; } = [];
    public IReadOnlyList<DurationBand> Durations { get; init; } = [];
    public IReadOnlyList<CourseLevel> Levels { get; init; } = [];
    public IReadOnlyList<string> Providers { get; init; } = [];
    public IReadOnlyList<string> Skills { get; init; } = [];
    public IReadOnlyList<string> Languages { get; init; } = [];
    public IReadOnlyList<Pacing> Pacings { get; init; } = [];
    public CatalogSort Sort { get; init; } = CatalogSort.Relevance;
    /// <summary>Search the words as typed, without spelling correction ("search instead for").</summary>
    public bool Verbatim { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    public bool HasText => !string.IsNullOrWhiteSpace(Q);

    public static readonly IReadOnlyDictionary<CatalogSort, string> SortNames = new Dictionary<CatalogSort, string>
    {
        [CatalogSort.Relevance] = "relevance", [CatalogSort.Price] = "price", [CatalogSort.PriceDesc] = "price-desc",
        [CatalogSort.Duration] = "duration", [CatalogSort.Rating] = "rating", [CatalogSort.Newest] = "newest",
    };

    /// <summary>Parses query-string values. Unknown parameters are ignored; bad values are reported by parameter name.</summary>
    public static (CatalogQuery Query, Dictionary<string, string[]> Errors) Parse(Func<string, IReadOnlyList<string?>> get)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string name, string message) => errors[name] = [message];

        string? q = get("q").LastOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
        if (q is { Length: > MaxQueryLength })
        {
            Fail("q", $"The search text is {q.Length} characters long; at most {MaxQueryLength} are allowed.");
            q = q[..MaxQueryLength];
        }
        if (q is not null && q.Any(ch => char.IsControl(ch)))
        {
            q = new string(q.Select(ch => char.IsControl(ch) ? ' ' : ch).ToArray()).Trim();
        }

        List<T> Enums<T>(string name) where T : struct, Enum
        {
            var list = new List<T>();
            foreach (var raw in Values(get, name))
            {
                if (EnumText.TryParse<T>(raw, out var v)) { if (!list.Contains(v)) list.Add(v); }
                else Fail(name, $"'{Echoed.Short(raw)}' is not a valid {name}; use one of: {string.Join(", ", EnumText.Names<T>())}.");
            }
            return list;
        }

        List<T> Banded<T>(string name, IReadOnlyList<Band<T>> bands) where T : struct, Enum
        {
            var list = new List<T>();
            foreach (var raw in Values(get, name))
            {
                if (Bands.Find(bands, raw) is { } band) { if (!list.Contains(band.Value)) list.Add(band.Value); }
                else Fail(name, $"'{Echoed.Short(raw)}' is not a valid {name}; use one of: {string.Join(", ", bands.Select(b => b.Key))}.");
            }
            return list;
        }

        List<string> Identifiers(string name, int maxLength)
        {
            var list = new List<string>();
            foreach (var raw in Values(get, name))
            {
                var v = raw.ToLowerInvariant();
                if (v.Length <= maxLength && Slugs.IsValid(v))
                { if (!list.Contains(v)) list.Add(v); }
                else Fail(name, $"'{Echoed.Short(raw)}' is not a valid {name} identifier.");
            }
            return list;
        }

        int Int(string name, int fallback, int min, int max)
        {
            var raw = get(name).LastOrDefault(v => !string.IsNullOrWhiteSpace(v));
            if (raw is null) return fallback;
            if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n))
            { Fail(name, $"'{Echoed.Short(raw)}' is not a whole number."); return fallback; }
            if (n < min || n > max) { Fail(name, $"{name} must be between {min} and {max}."); return Math.Clamp(n, min, max); }
            return n;
        }

        var sortRaw = get("sort").LastOrDefault(v => !string.IsNullOrWhiteSpace(v));
        var sort = CatalogSort.Relevance;
        if (sortRaw is not null)
        {
            var hit = SortNames.FirstOrDefault(kv => string.Equals(kv.Value, sortRaw, StringComparison.OrdinalIgnoreCase));
            if (hit.Value is not null) sort = hit.Key;
            else Fail("sort", $"'{Echoed.Short(sortRaw)}' is not a valid sort; use one of: {string.Join(", ", SortNames.Values)}.");
        }

        var verbatimRaw = get("verbatim").LastOrDefault(v => !string.IsNullOrWhiteSpace(v));
        var verbatim = string.Equals(verbatimRaw, "true", StringComparison.OrdinalIgnoreCase);
        if (verbatimRaw is not null && !verbatim && !string.Equals(verbatimRaw, "false", StringComparison.OrdinalIgnoreCase))
            Fail("verbatim", $"'{Echoed.Short(verbatimRaw)}' is not true or false.");

        var query = new CatalogQuery
        {
            Q = string.IsNullOrWhiteSpace(q) ? null : q,
            Verbatim = verbatim,
            Formats = Enums<CourseFormat>("format"),
            Prices = Enums<PriceFilter>("price"),
            PriceBands = Banded("priceBand", Bands.Price),
            Durations = Banded("duration", Bands.Duration),
            Levels = Enums<CourseLevel>("level"),
            Providers = Identifiers("provider", Limits.ReferenceSlug),
            Skills = Identifiers("skill", Limits.ReferenceSlug),
            Languages = Identifiers("language", Limits.LanguageTag),
            Pacings = Enums<Pacing>("pacing"),
            Sort = sort,
            PageSize = Int("pageSize", DefaultPageSize, 1, MaxPageSize),
        };
        query = query with { Page = Int("page", 1, 1, CatalogSearch.MaxResultDepth / Math.Max(1, query.PageSize)) };
        // A single-valued parameter given twice is ambiguous: say so instead of silently picking one.
        foreach (var name in (string[])["q", "sort", "page", "pageSize", "verbatim"])
            if (get(name).Count is > 1 and var times) Fail(name, $"{name} was given {times} times; give it once.");
        return (query, errors);
    }

    private static IEnumerable<string> Values(Func<string, IReadOnlyList<string?>> get, string name) =>
        get(name).Where(v => !string.IsNullOrWhiteSpace(v))
                 .SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                 .Take(50);

    /// <summary>The query as query-string pairs, for links that keep the current search.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToQueryPairs()
    {
        if (HasText) yield return new("q", Q!);
        foreach (var v in Formats) yield return new("format", v.ToKebab());
        foreach (var v in Prices) yield return new("price", v.ToKebab());
        foreach (var v in PriceBands) yield return new("priceBand", Bands.Of(Bands.Price, v).Key);
        foreach (var v in Durations) yield return new("duration", Bands.Of(Bands.Duration, v).Key);
        foreach (var v in Levels) yield return new("level", v.ToKebab());
        foreach (var v in Providers) yield return new("provider", v);
        foreach (var v in Skills) yield return new("skill", v);
        foreach (var v in Languages) yield return new("language", v);
        foreach (var v in Pacings) yield return new("pacing", v.ToKebab());
        if (Sort != CatalogSort.Relevance) yield return new("sort", SortNames[Sort]);
        if (Verbatim) yield return new("verbatim", "true");
        if (PageSize != DefaultPageSize) yield return new("pageSize", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Page != 1) yield return new("page", Page.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
