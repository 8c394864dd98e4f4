using System.Globalization;
using CourseMatch.Catalog;
using CourseMatch.Web.Components.Shared;

namespace CourseMatch.Web.Features.Catalog;

/// <summary>How the catalog's facets read on the page and in the API: Core counts values, this words them.</summary>
public static class CatalogLabels
{
    public static IReadOnlyList<Facet> Facets(IReadOnlyList<Facet> facets) => facets.Select(f =>
    {
        var values = f.Values.Select(v => v with { Label = Value(f.Name, v.Value, v.Label) }).ToList();
        // Bands keep their numeric order; the few enum values read best alphabetically by their words.
        if (f.Name is "format" or "price" or "level" or "pacing") values = values.OrderBy(v => v.Label, StringComparer.Ordinal).ToList();
        return f with { Label = Title(f.Name), Values = values };
    }).ToList();

    public static string Title(string facet) => facet switch
    {
        "format" => "Format", "price" => "Price", "priceBand" => "Price band", "duration" => "Duration", "level" => "Level",
        "skill" => "Skill", "provider" => "Provider", "language" => "Language", "pacing" => "Pacing",
        _ => facet,
    };

    private static string Value(string facet, string value, string name) => facet switch
    {
        "format" => EnumText.TryParse<CourseFormat>(value, out var f) ? f.Label() : value,
        "pacing" => EnumText.TryParse<Pacing>(value, out var p) ? p.Label() : value,
        "level" => EnumText.TryParse<CourseLevel>(value, out var l) ? l.Label() : value,
        "price" => EnumText.TryParse<PriceFilter>(value, out var pf) ? (pf == PriceFilter.Free ? "Free" : "Paid") : value,
        "priceBand" => Bands.Find(Bands.Price, value) is { } pb ? Band(pb.From, pb.Below, "") : value,
        "duration" => Bands.Find(Bands.Duration, value) is { } db ? Band(db.From, db.Below, " hours") : value,
        "language" => Languages.Name(value),
        _ => name,
    };

    /// <summary>"Under 100", "100 – 500", "Over 2,000 hours": a band read from its bounds.</summary>
    public static string Band(decimal? from, decimal? below, string unit) => (from, below) switch
    {
        (null, decimal b) => $"Under {N(b)}{unit}",
        (decimal f, null) => $"Over {N(f)}{unit}",
        (decimal f, decimal b) => $"{N(f)} – {N(b)}{unit}",
        _ => "Any",
    };

    private static string N(decimal d) => d.ToString("#,0", CultureInfo.InvariantCulture);
}
