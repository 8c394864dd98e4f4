using Bunit;
using CourseMatch.Catalog;
using CourseMatch.Web.Features.Catalog;

namespace CourseMatch.Web.Tests.Components;

public class CatalogComponentTests : BunitContext
{
    private static CourseCard Card(decimal? price = 0, CourseFormat format = CourseFormat.Online, string? city = null) => new(
        Slug: "khan-linear-algebra", Title: "Linear Algebra", ProviderSlug: "khan-academy", ProviderName: "Khan Academy",
        Summary: "Vectors and matrices.", Format: format, Pacing: Pacing.SelfPaced, Level: CourseLevel.Beginner, Kind: CourseKind.Course,
        Language: "en", City: city, Country: city is null ? null : "US", Price: price, Currency: "USD", FreeToAudit: false, PaidUnlisted: false,
        Certificate: false, DurationWeeks: null, DurationWeeksMax: null, HoursPerWeek: null, HoursPerWeekMax: null, TotalHours: null,
        TotalHoursMax: null, EffortHours: null, Rating: null, RatingCount: 0, Skills: ["Linear algebra"]);

    [Fact]
    public void CourseCardLinksToTheCourseAndSaysFree()
    {
        var cut = Render<CourseCardView>(p => p.Add(x => x.Course, Card()));
        Assert.Equal("/courses/khan-linear-algebra", cut.Find("h3 a").GetAttribute("href"));
        Assert.Contains("Free", cut.Find(".price").TextContent);
        Assert.Contains("Online", cut.Find(".badge").TextContent);
        Assert.Empty(cut.FindAll("input[name=c]"));
    }

    [Fact]
    public void CourseCardShowsPlaceAndPriceForInPersonCourses()
    {
        var cut = Render<CourseCardView>(p => p.Add(x => x.Course, Card(3950, CourseFormat.InPerson, "New York")).Add(x => x.CompareForm, "compare"));
        Assert.Contains("$3,950 USD", cut.Find(".price").TextContent);
        Assert.Contains("New York, US", cut.Markup);
        Assert.Equal("In person", cut.Find(".badge").TextContent);
        Assert.Equal("compare", cut.Find("input[name=c]").GetAttribute("form"));
    }

    [Fact]
    public void CourseCardShowsRangesAndAPaidCourseWhosePriceIsNotListed()
    {
        var card = Card(price: null) with
        {
            PaidUnlisted = true, DurationWeeks = 6, DurationWeeksMax = 8, HoursPerWeek = 2, HoursPerWeekMax = 4, TotalHours = 12, TotalHoursMax = 32,
        };
        var cut = Render<CourseCardView>(p => p.Add(x => x.Course, card));
        Assert.Equal("Paid (price not listed)", cut.Find(".price").TextContent);
        Assert.Contains("6–8 weeks · 2–4 h/week", cut.Markup);
        Assert.DoesNotContain("hours in all", cut.Markup); // a card leaves total hours out when it has weeks
    }

    [Fact]
    public void FacetPanelTicksSelectedValuesAndLabelsEveryCheckbox()
    {
        Facet[] facets =
        [
            new("format", "Format", [new("online", "Online", 28, true), new("in-person", "In person", 3, false)]),
            new("skill", "Skill", [new("calculus", "Calculus", 8, false)]),
            new("language", "Language", []),
        ];
        var cut = Render<FacetPanel>(p => p.Add(x => x.Facets, facets));
        var boxes = cut.FindAll("input[type=checkbox]");
        Assert.Equal(3, boxes.Count);
        Assert.True(boxes[0].HasAttribute("checked"));
        Assert.False(boxes[1].HasAttribute("checked"));
        foreach (var box in boxes)
            Assert.NotNull(cut.Find($"label[for='{box.Id}']"));
        Assert.Contains("(28)", cut.Find($"label[for='{boxes[0].Id}']").TextContent);
        Assert.Equal(2, cut.FindAll("fieldset").Count); // an empty facet is not shown
    }

    [Fact]
    public void FacetPanelFoldsBehindAFiltersButtonCountingTheTickedValues()
    {
        Facet[] facets =
        [
            new("format", "Format", [new("online", "Online", 28, true), new("in-person", "In person", 3, true)]),
            new("level", "Level", [new("advanced", "Advanced", 1234, true), new("beginner", "Beginner", 8, false)]),
        ];
        var cut = Render<FacetPanel>(p => p.Add(x => x.Facets, facets));
        var details = cut.Find("details.filters");
        Assert.False(details.HasAttribute("open")); // folded until tapped on a phone; the stylesheet opens it on wide screens
        Assert.Equal("Filters (3)", details.QuerySelector("summary")!.TextContent.Trim());
        Assert.Contains("(1,234)", cut.Find("label[for='f-level-0']").TextContent);
        // Applying lands on the results.
        Assert.Equal("/courses#results", cut.Find("button[type=submit]").GetAttribute("formaction"));
        Assert.Empty(cut.FindAll(".estimated"));
    }

    [Fact]
    public void EstimatedFacetCountsSayAbout()
    {
        Facet[] facets =
        [
            new("format", "Format", [new("online", "Online", 640000, false)]) { Estimated = true },
            new("level", "Level", [new("advanced", "Advanced", 41, false)]),
        ];
        var cut = Render<FacetPanel>(p => p.Add(x => x.Facets, facets));
        Assert.Equal("Filters", cut.Find("summary").TextContent.Trim());
        Assert.Equal("Online (~about 640,000)", cut.Find("label[for='f-format-0']").TextContent.Trim());
        Assert.Equal("about ", cut.Find("label[for='f-format-0'] .visually-hidden").TextContent);
        Assert.Equal("Advanced (41)", cut.Find("label[for='f-level-0']").TextContent.Trim());
        Assert.Contains("estimates", cut.Find(".estimated").TextContent);
    }

    [Fact]
    public void PagerMarksTheCurrentPageAndLinksNeighbours()
    {
        var cut = Render<Pager>(p => p.Add(x => x.Page, 2).Add(x => x.PageCount, 5).Add(x => x.Href, n => $"/courses?page={n}"));
        Assert.Equal("2", cut.Find("[aria-current=page]").TextContent);
        Assert.Equal("/courses?page=1", cut.Find("a[rel=prev]").GetAttribute("href"));
        Assert.Equal("/courses?page=3", cut.Find("a[rel=next]").GetAttribute("href"));
    }

    [Fact]
    public void PagerIsHiddenForASinglePage()
    {
        var cut = Render<Pager>(p => p.Add(x => x.Page, 1).Add(x => x.PageCount, 1).Add(x => x.Href, n => ""));
        Assert.Empty(cut.Markup.Trim());
    }
}
