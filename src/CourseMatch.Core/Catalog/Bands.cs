using System.Globalization;

namespace CourseMatch.Catalog;

/// <summary>Price bands, compared with the course's listed amount.</summary>
public enum PriceBand { Under100, From100To500, From500To2000, Over2000 }

/// <summary>Duration bands over total effort in hours.</summary>
public enum DurationBand { UnderTenHours, TenToFiftyHours, FiftyTo150Hours, Over150Hours }

/// <summary>One band: its name in URLs and JSON, and its bounds (from inclusive, below exclusive; null = open).</summary>
public sealed record Band<T>(T Value, string Key, decimal? From, decimal? Below) where T : struct, Enum
{
    /// <summary>The band as a SQL condition on <paramref name="column"/>; the bounds are our constants, never input.</summary>
    public string Condition(string column) => (From, Below) switch
    {
        (null, decimal b) => $"{column} < {Sql(b)}",
        (decimal f, null) => $"{column} >= {Sql(f)}",
        (decimal f, decimal b) => $"({column} >= {Sql(f)} AND {column} < {Sql(b)})",
        _ => "TRUE",
    };

    private static string Sql(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The one definition of the catalog's price and duration bands. The filter SQL, the facet SQL, the query-string
/// parser and the labels on the page all read these tables, so a band is changed in one place.
/// </summary>
public static class Bands
{
    public static readonly IReadOnlyList<Band<PriceBand>> Price =
    [
        new(PriceBand.Under100, "under-100", null, 100),
        new(PriceBand.From100To500, "100-500", 100, 500),
        new(PriceBand.From500To2000, "500-2000", 500, 2000),
        new(PriceBand.Over2000, "over-2000", 2000, null),
    ];

    public static readonly IReadOnlyList<Band<DurationBand>> Duration =
    [
        new(DurationBand.UnderTenHours, "under-10h", null, 10),
        new(DurationBand.TenToFiftyHours, "10-50h", 10, 50),
        new(DurationBand.FiftyTo150Hours, "50-150h", 50, 150),
        new(DurationBand.Over150Hours, "over-150h", 150, null),
    ];

    public static Band<T> Of<T>(IReadOnlyList<Band<T>> bands, T value) where T : struct, Enum =>
        bands.First(b => EqualityComparer<T>.Default.Equals(b.Value, value));

    /// <summary>The band named <paramref name="key"/> in a URL or facet (any case), or null.</summary>
    public static Band<T>? Find<T>(IReadOnlyList<Band<T>> bands, string key) where T : struct, Enum =>
        bands.FirstOrDefault(b => string.Equals(b.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Where the band named <paramref name="key"/> stands in its table (bands list low to high); past the end when unknown.</summary>
    public static int Order<T>(IReadOnlyList<Band<T>> bands, string key) where T : struct, Enum
    {
        for (var i = 0; i < bands.Count; i++)
            if (bands[i].Key == key) return i;
        return bands.Count;
    }
}
