using CourseMatch.Catalog;

namespace CourseMatch.Tests.Catalog;

public class CatalogQueryParsingTests
{
    private static (CatalogQuery Query, Dictionary<string, string[]> Errors) Parse(params (string Key, string Value)[] pairs) =>
        CatalogQuery.Parse(name => pairs.Where(p => p.Key == name).Select(p => (string?)p.Value).ToList());

    [Fact]
    public void KebabCaseFacetValuesParse()
    {
        var (q, errors) = Parse(("format", "in-person"), ("format", "online"), ("pacing", "self-paced"), ("level", "advanced"), ("sort", "price-desc"));
        Assert.Empty(errors);
        Assert.Equal([CourseFormat.InPerson, CourseFormat.Online], q.Formats);
        Assert.Equal([Pacing.SelfPaced], q.Pacings);
        Assert.Equal(CatalogSort.PriceDesc, q.Sort);
    }

    [Theory]
    [InlineData("format", "teleport")]
    [InlineData("level", "7")]
    [InlineData("sort", "cheapest")]
    [InlineData("priceBand", "lots")]
    [InlineData("duration", "forever")]
    [InlineData("page", "-1")]
    [InlineData("page", "abc")]
    [InlineData("pageSize", "100000")]
    [InlineData("provider", "<script>")]
    public void BadValuesAreReportedByParameterName(string name, string value)
    {
        var (_, errors) = Parse((name, value));
        Assert.True(errors.ContainsKey(name), $"expected an error for {name}");
        Assert.NotEmpty(errors[name][0]);
    }

    [Fact]
    public void OverlongSearchTextIsReportedAndCut()
    {
        var (q, errors) = Parse(("q", new string('a', 10_000)));
        Assert.Contains("q", errors.Keys);
        Assert.Equal(CatalogQuery.MaxQueryLength, q.Q!.Length);
    }

    [Fact]
    public void QueryRoundTripsThroughQueryString()
    {
        var (q, _) = Parse(("q", "linear algebra"), ("format", "hybrid"), ("skill", "calculus"), ("priceBand", "100-500"), ("page", "2"));
        var pairs = q.ToQueryPairs().ToList();
        var (again, errors) = CatalogQuery.Parse(name => pairs.Where(p => p.Key == name).Select(p => (string?)p.Value).ToList());
        Assert.Empty(errors);
        Assert.Equal(q.Q, again.Q);
        Assert.Equal(q.Formats, again.Formats);
        Assert.Equal(q.Skills, again.Skills);
        Assert.Equal(q.PriceBands, again.PriceBands);
        Assert.Equal(2, again.Page);
    }

    [Fact]
    public void NumbersAreNotAcceptedAsEnumNames()
    {
        Assert.False(EnumText.TryParse<CourseFormat>("1", out _));
        Assert.True(EnumText.TryParse<CourseFormat>("In-Person", out var f));
        Assert.Equal(CourseFormat.InPerson, f);
    }

    [Fact]
    public void VerbatimIsTrueOrFalseAndKeptInLinks()
    {
        var (q, errors) = Parse(("q", "machne lerning"), ("verbatim", "TRUE"));
        Assert.Empty(errors);
        Assert.True(q.Verbatim);
        Assert.Contains(new KeyValuePair<string, string>("verbatim", "true"), q.ToQueryPairs());
        Assert.False(Parse(("verbatim", "false")).Query.Verbatim);

        var (bad, problems) = Parse(("verbatim", "maybe"));
        Assert.False(bad.Verbatim);
        Assert.Equal(["'maybe' is not true or false."], problems["verbatim"]);
    }
}
