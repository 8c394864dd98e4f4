using CourseMatch.Catalog;
using CourseMatch.Web.Components.Shared;
using CourseMatch.Web.Features.Catalog;

namespace CourseMatch.Web.Tests.Components;

/// <summary>Every value a page can show has words of its own (a missing one is also a build error, CS8509).</summary>
public class LabelTests
{
    [Fact]
    public void EveryFormatPacingAndLevelHasItsOwnLabel()
    {
        AssertLabels(Enum.GetValues<CourseFormat>().Select(v => v.Label()));
        AssertLabels(Enum.GetValues<Pacing>().Select(v => v.Label()));
        AssertLabels(Enum.GetValues<CourseLevel>().Select(v => v.Label()));
    }

    [Fact]
    public void DurationsShowRangesWithAnEnDashAndSingleNumbersAsBefore()
    {
        Assert.Equal("6–8 weeks · 2–4 h/week · 1–2 hours in all", Display.Duration(6, 8, 2, 4, 1, 2));
        Assert.Equal("1 week · 2.5 h/week · 1 hour in all", Display.Duration(1, null, 2.5m, null, 1, null));
        Assert.Equal("1–2 weeks", Display.Duration(1, 2, null, null, null, null));
        Assert.Equal("Duration not listed", Display.Duration(null, null, null, null, null, null));
    }

    [Fact]
    public void APaidCourseWithoutAListedPriceIsToldApartFromAnUnknownPrice()
    {
        Assert.Equal("Paid (price not listed)", Display.Price(null, "USD", freeToAudit: false, paidUnlisted: true));
        Assert.Equal("Price not listed", Display.Price(null, null, freeToAudit: false, paidUnlisted: false));
        Assert.Equal("Free to audit; paid certificate (price not listed)", Display.Price(null, null, freeToAudit: true, paidUnlisted: true));
        Assert.Equal("$49 USD", Display.Price(49, "USD", freeToAudit: false, paidUnlisted: false));
    }

    [Fact]
    public void CountsAgreeWithTheirNoun()
    {
        Assert.Equal("1 course", Display.Count(1, "course"));
        Assert.Equal("0 courses", Display.Count(0, "course"));
        Assert.Equal("12,000 courses", Display.Count(12_000, "course"));
        Assert.Equal("4.8 / 5 (1 rating)", Display.Rating(4.8m, 1));
        Assert.Equal("4.8 / 5 (10,000 ratings)", Display.Rating(4.8m, 10_000));
    }

    [Fact]
    public void EstimatesAreRoundedToTwoSignificantFigures()
    {
        Assert.Equal("310,000", Display.About(311_764));
        Assert.Equal("1,000,000", Display.About(998_412));
        Assert.Equal("48,000", Display.About(48_213));
        Assert.Equal("1,900", Display.About(1_949));
        Assert.Equal("57", Display.About(57));
    }

    [Fact]
    public void EveryFacetValueOfAnEnumOrBandIsWorded()
    {
        var facets = new List<Facet>
        {
            Facet("format", Enum.GetValues<CourseFormat>().Select(v => v.ToKebab())),
            Facet("pacing", Enum.GetValues<Pacing>().Select(v => v.ToKebab())),
            Facet("level", Enum.GetValues<CourseLevel>().Select(v => v.ToKebab())),
            Facet("price", Enum.GetValues<PriceFilter>().Select(v => v.ToKebab())),
            Facet("priceBand", Bands.Price.Select(b => b.Key)),
            Facet("duration", Bands.Duration.Select(b => b.Key)),
        };
        foreach (var facet in CatalogLabels.Facets(facets))
        {
            Assert.NotEqual(facet.Name, facet.Label);
            Assert.All(facet.Values, v => Assert.NotEqual(v.Value, v.Label));
            AssertLabels(facet.Values.Select(v => v.Label));
        }
        Assert.Equal(["Under 100", "100 – 500", "500 – 2,000", "Over 2,000"],
            CatalogLabels.Facets([Facet("priceBand", Bands.Price.Select(b => b.Key))])[0].Values.Select(v => v.Label));
    }

    [Fact]
    public void BandsCoverEveryAmountOnceAndInOrder()
    {
        foreach (var bands in new[] { Bands.Price.Select(b => (b.From, b.Below)).ToList(), Bands.Duration.Select(b => (b.From, b.Below)).ToList() })
        {
            Assert.Null(bands[0].From);
            Assert.Null(bands[^1].Below);
            for (var i = 1; i < bands.Count; i++) Assert.Equal(bands[i - 1].Below, bands[i].From);
        }
        Assert.Equal(Enum.GetValues<PriceBand>(), Bands.Price.Select(b => b.Value));
        Assert.Equal(Enum.GetValues<DurationBand>(), Bands.Duration.Select(b => b.Value));
    }

    private static Facet Facet(string name, IEnumerable<string> values) =>
        new(name, name, values.Select(v => new FacetValue(v, v, 1, false)).ToList());

    private static void AssertLabels(IEnumerable<string> labels)
    {
        var list = labels.ToList();
        Assert.All(list, l => Assert.False(string.IsNullOrWhiteSpace(l)));
        Assert.Equal(list.Count, list.Distinct().Count());
    }
}
