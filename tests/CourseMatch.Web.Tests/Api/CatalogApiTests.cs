using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CourseMatch.Web.Tests.Api;

public class CatalogApiTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private readonly HttpClient http = app.CreateClient();

    private async Task<JsonElement> Json(string url)
    {
        var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task CoursesReturnTotalItemsAndFacets()
    {
        var body = await Json("/api/courses?format=online&pageSize=5");
        Assert.True(body.GetProperty("total").GetInt32() > 5);
        Assert.Equal(5, body.GetProperty("items").GetArrayLength());
        Assert.All(body.GetProperty("items").EnumerateArray(), i => Assert.Equal("online", i.GetProperty("format").GetString()));
        var facets = body.GetProperty("facets").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains("skill", facets);
        Assert.Contains("provider", facets);
    }

    private static int FacetCount(JsonElement body, string facet, string value) =>
        body.GetProperty("facets").EnumerateArray().Single(f => f.GetProperty("name").GetString() == facet)
            .GetProperty("values").EnumerateArray().Where(v => v.GetProperty("value").GetString() == value)
            .Select(v => v.GetProperty("count").GetInt32()).SingleOrDefault();

    [Fact]
    public async Task TickingAFormatKeepsTheOtherFormatsAndTheirCountsAndASecondOneWidens()
    {
        var all = await Json("/api/courses");
        var online = await Json("/api/courses?format=online");
        var both = await Json("/api/courses?format=online&format=in-person");

        Assert.False(online.GetProperty("countsAreEstimates").GetBoolean());
        var inPerson = FacetCount(all, "format", "in-person");
        Assert.True(inPerson > 0);
        // Within the format facet, values are alternatives: In person keeps its count while Online is ticked.
        Assert.Equal(inPerson, FacetCount(online, "format", "in-person"));
        Assert.Equal(FacetCount(all, "format", "online"), online.GetProperty("total").GetInt32());
        Assert.Equal(online.GetProperty("total").GetInt32() + inPerson, both.GetProperty("total").GetInt32());
        // Across facets, filters narrow: the level counts are those of online courses.
        var onlineAdvanced = await Json("/api/courses?format=online&level=advanced");
        Assert.Equal(FacetCount(online, "level", "advanced"), onlineAdvanced.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TypoStillFindsLinearAlgebra()
    {
        var body = await Json("/api/courses?q=linar+algebra");
        Assert.Equal("linear algebra", body.GetProperty("correctedQuery").GetString());
        Assert.Contains(body.GetProperty("items").EnumerateArray(), i => i.GetProperty("title").GetString()!.Contains("Linear Algebra"));
    }

    [Theory]
    [InlineData("page=-1", "page")]
    [InlineData("pageSize=100000", "pageSize")]
    [InlineData("format=teleport", "format")]
    [InlineData("level=9", "level")]
    [InlineData("sort=random", "sort")]
    [InlineData("priceBand=cheap", "priceBand")]
    [InlineData("page=%F0%9F%A7%AE", "page")]
    [InlineData("verbatim=maybe", "verbatim")]
    public async Task BadParametersAnswer400NamingTheParameter(string query, string parameter)
    {
        var response = await http.GetAsync("/api/courses?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out var messages));
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
    }

    [Fact]
    public async Task AMisspelledSearchIsCorrectedUnlessAskedForVerbatim()
    {
        var corrected = await http.GetFromJsonAsync<JsonElement>("/api/courses?q=machne+lerning");
        Assert.Equal("machine learning", corrected.GetProperty("correctedQuery").GetString());
        var asTyped = await http.GetFromJsonAsync<JsonElement>("/api/courses?q=machne+lerning&verbatim=true");
        Assert.Equal(JsonValueKind.Null, asTyped.GetProperty("correctedQuery").ValueKind);
    }

    [Fact]
    public async Task TenThousandCharacterQueryIsRejectedNamingQ()
    {
        var response = await http.GetAsync("/api/courses?q=" + new string('x', 10_000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _));
    }

    [Theory]
    [InlineData("%22")]
    [InlineData("%26")]
    [InlineData("%3A*")]
    [InlineData("%5C")]
    [InlineData("%F0%9F%A7%AE")]
    [InlineData("a%27%20OR%201%3D1%20--")]
    public async Task HostileSearchTextGetsAnAnswerNotAnError(string q)
    {
        var response = await http.GetAsync("/api/courses?q=" + q);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CourseBySlugHasEverything()
    {
        var first = (await Json("/api/courses?skill=linear-algebra&pageSize=1")).GetProperty("items")[0].GetProperty("slug").GetString();
        var course = await Json($"/api/courses/{first}");
        Assert.Equal(first, course.GetProperty("slug").GetString());
        Assert.True(course.GetProperty("skills").GetArrayLength() > 0);
        Assert.True(course.TryGetProperty("source", out _));
        Assert.True(course.GetProperty("provider").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task ACourseGivesTheUpperEndsOfItsRangesAndWhetherItIsPaidWithThePriceUnlisted()
    {
        await using (var db = app.Db.Context())
        {
            db.Courses.Add(new CourseMatch.Catalog.Course
            {
                Slug = "api-range-probe", Title = "API Range Probe", Provider = db.Providers.First(),
                DurationWeeks = 6, DurationWeeksMax = 8, HoursPerWeek = 2, HoursPerWeekMax = 4.5m, PaidUnlisted = true,
            });
            await db.SaveChangesAsync();
        }

        var course = await Json("/api/courses/api-range-probe");
        var card = (await Json("/api/courses?q=API%20Range%20Probe&pageSize=1")).GetProperty("items")[0];

        Assert.Equal((6, 8, 2m, 4.5m), (course.GetProperty("durationWeeks").GetInt32(), course.GetProperty("durationWeeksMax").GetInt32(),
            course.GetProperty("hoursPerWeek").GetDecimal(), course.GetProperty("hoursPerWeekMax").GetDecimal()));
        Assert.Equal(JsonValueKind.Null, course.GetProperty("totalHoursMax").ValueKind);
        Assert.Equal((JsonValueKind.Null, true), (course.GetProperty("price").ValueKind, course.GetProperty("paidUnlisted").GetBoolean()));
        Assert.Equal(("api-range-probe", 8, true), (card.GetProperty("slug").GetString(), card.GetProperty("durationWeeksMax").GetInt32(), card.GetProperty("paidUnlisted").GetBoolean()));
    }

    [Fact]
    public async Task UnknownSlugIs404ProblemDetails()
    {
        var response = await http.GetAsync("/api/courses/no-such-course");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("no-such-course", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SkillsCarryFiveLevelDescriptors()
    {
        var skills = await Json("/api/skills");
        Assert.Equal(8, skills.GetArrayLength());
        Assert.All(skills.EnumerateArray(), s => Assert.Equal(5, s.GetProperty("levels").GetArrayLength()));
    }

    [Fact]
    public async Task ProvidersListHasCourseCounts()
    {
        var providers = await Json("/api/providers");
        Assert.True(providers.GetArrayLength() >= 15);
        Assert.Contains(providers.EnumerateArray(), p => p.GetProperty("courses").GetInt32() > 0);
    }

    [Fact]
    public async Task HealthReportsTheDatabase()
    {
        var health = await Json("/health");
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("primary").GetProperty("status").GetString());
        var replica = health.GetProperty("checks").GetProperty("replica");
        Assert.Equal("Healthy", replica.GetProperty("status").GetString());
        Assert.Contains("No standby is configured", replica.GetProperty("description").GetString());
        // Liveness asks nothing of the database; readiness asks the primary only.
        var live = await Json("/health/live");
        Assert.Empty(live.GetProperty("checks").EnumerateObject());
        var ready = await Json("/health/ready");
        var serving = Assert.Single(ready.GetProperty("checks").EnumerateObject());
        Assert.Equal(("serving", "Healthy"), (serving.Name, serving.Value.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task OpenApiDescribesTheCatalogEndpoints()
    {
        var doc = await Json("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/courses", out _));
        Assert.True(paths.TryGetProperty("/api/courses/{slug}", out _));
    }

    [Fact]
    public async Task ResponsesCarrySecurityHeaders()
    {
        var response = await http.GetAsync("/api/skills");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
    }
}
