using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CourseMatch.Web.Tests.Api;

/// <summary>What the API refuses to trust: other content types, oversized bodies, floods of errors, ambiguous queries, markup to echo.</summary>
public class ApiRefusalTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private readonly HttpClient http = app.CreateClient();

    private const string Profile = """
        {"skills":{"linear-algebra":1,"python":2}, "goal":"career-switch",
         "budget":{"amount":500,"currency":"USD","strict":true}, "format":"any",
         "location":{"city":"New York","country":"US","radiusKm":50}, "hoursPerWeek":6,
         "startWithinWeeks":12, "pacing":"any", "language":"en", "wantsCertificate":false}
        """;

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static StringContent Typed(string body, string? mediaType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = mediaType is null ? null : MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task RecommendationsAcceptOnlyJsonOtherwise415(string? mediaType)
    {
        var problem = await Problem(await http.PostAsync("/api/recommendations", Typed(Profile, mediaType)), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(415, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task BodylessPostsWithoutContentTypeAre415()
    {
        await Problem(await http.PostAsync("/api/recommendations", null), HttpStatusCode.UnsupportedMediaType);
        await Problem(await http.PostAsync("/api/plans/doesnotexist/feedback", null), HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task FeedbackAcceptsOnlyJsonOtherwise415(string mediaType)
    {
        var response = await http.PostAsync("/api/plans/doesnotexist/feedback", Typed("""{"slug":"x","kind":"saved"}""", mediaType));
        await Problem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData("application/vnd.coursematch+json")]
    public async Task JsonMediaTypesAreAccepted(string mediaType)
    {
        var response = await http.PostAsync("/api/recommendations", Typed(Profile, mediaType));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>A body of unknown length: StreamContent over a stream that cannot say its length is sent chunked.</summary>
    internal static StreamContent ChunkedJson(int bytes)
    {
        var json = Encoding.UTF8.GetBytes("{\"goal\":\"" + new string('x', bytes) + "\"}");
        var content = new StreamContent(new UnknownLengthStream(new MemoryStream(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Null(content.Headers.ContentLength);
        return content;
    }

    [Fact]
    public async Task ChunkedFiveMegabyteBodyGets413ProblemDetails()
    {
        var response = await http.PostAsync("/api/recommendations", ChunkedJson(5 * 1024 * 1024));
        var problem = await Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ChunkedOversizedFeedbackGets413()
    {
        var response = await http.PostAsync("/api/plans/doesnotexist/feedback", ChunkedJson(200 * 1024));
        await Problem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task DeclaredOversizedBodyGets413()
    {
        var response = await http.PostAsync("/api/recommendations", Typed("{\"goal\":\"" + new string('x', 100_000) + "\"}", "application/json"));
        await Problem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task FieldErrorsAreCappedAtTwentyWithACountOfTheRest()
    {
        var skills = string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"s{i}\":1"));
        var response = await http.PostAsync("/api/recommendations", Typed("{\"goal\":\"curiosity\",\"skills\":{" + skills + "}}", "application/json"));
        var problem = await Problem(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.EnumerateObject().Count() <= 20);
        Assert.Equal(3000 - 19, problem.GetProperty("moreErrors").GetInt32());
        Assert.Contains("2,981 more", errors.GetProperty("$")[0].GetString());
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 8 * 1024);
    }

    [Fact]
    public async Task FiftyThousandUnknownSkillsGiveASmallAnswer()
    {
        var skills = string.Join(",", Enumerable.Range(0, 50_000).Select(i => $"\"{i}\":1"));
        var response = await http.PostAsync("/api/recommendations", Typed("{\"skills\":{" + skills + "}}", "application/json"));
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, response.StatusCode.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 8 * 1024);
    }

    [Theory]
    [InlineData("hoursPerWeek", "2.5", "hoursPerWeek", "hoursPerWeek must be a whole number.")]
    [InlineData("hoursPerWeek", "\"six\"", "hoursPerWeek", "hoursPerWeek must be a whole number.")]
    [InlineData("skills", """{"python":"lots"}""", "skills.python", "skills.python must be a whole number from 0 to 4.")]
    [InlineData("budget", """{"amount":"cheap"}""", "budget.amount", "budget.amount must be a number.")]
    [InlineData("budget", "12", "budget", "budget must be an object with amount, currency and strict.")]
    [InlineData("location", """{"city":7}""", "location.city", "location.city must be text.")]
    [InlineData("wantsCertificate", "\"yes\"", "wantsCertificate", "wantsCertificate must be true or false.")]
    public async Task AWrongTypeIsReportedAgainstItsField(string property, string value, string field, string message)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(Profile)!.AsObject();
        body[property] = System.Text.Json.Nodes.JsonNode.Parse(value);
        var problem = await Problem(await http.PostAsync("/api/recommendations", Typed(body.ToJsonString(), "application/json")), HttpStatusCode.BadRequest);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Theory]
    [InlineData("q=a&q=b", "q")]
    [InlineData("sort=price&sort=rating", "sort")]
    [InlineData("page=1&page=2", "page")]
    [InlineData("pageSize=5&pageSize=10", "pageSize")]
    public async Task ASingleValuedParameterGivenTwiceIs400NamingIt(string query, string parameter)
    {
        var problem = await Problem(await http.GetAsync("/api/courses?" + query), HttpStatusCode.BadRequest);
        Assert.Equal($"{parameter} was given 2 times; give it once.", problem.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task RepeatedAndCommaSeparatedFiltersUseEveryValue()
    {
        async Task<int> Total(string query) =>
            (await http.GetFromJsonAsync<JsonElement>("/api/courses?" + query)).GetProperty("total").GetInt32();
        var online = await Total("format=online");
        var repeated = await Total("format=online&format=in-person");
        Assert.True(repeated > online);
        Assert.Equal(repeated, await Total("format=online,in-person"));
    }

    [Fact]
    public async Task TheCatalogPageShowsARepeatedParameterInsteadOf400()
    {
        var response = await http.GetAsync("/courses?q=algebra&q=calculus");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("q was given 2 times; give it once.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MarkupInInputIsNeverEchoedRaw()
    {
        const string script = "<script>alert(1)</script>";
        var answers = new List<HttpResponseMessage>
        {
            await http.PostAsync("/api/recommendations", Typed("{\"goal\":\"" + script + "\",\"skills\":{\"" + script + "\":1}}", "application/json")),
            await http.GetAsync("/api/courses?sort=" + Uri.EscapeDataString(script) + "&format=" + Uri.EscapeDataString(script)),
            await http.GetAsync("/api/courses/" + Uri.EscapeDataString(script)),
        };
        foreach (var response in answers)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\\u003Cscript", text);
        }
    }

    [Fact]
    public async Task LongEchoedValuesAreCut()
    {
        var goal = new string('g', 5000);
        var response = await http.PostAsync("/api/recommendations", Typed("{\"goal\":\"" + goal + "\",\"skills\":{\"" + goal + "\":1}}", "application/json"));
        var problem = await Problem(response, HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("goal")[0].GetString()!;
        Assert.Contains(new string('g', 40) + "…'", message);
        Assert.DoesNotContain(new string('g', 41), message);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 4 * 1024);
    }

    [Fact]
    public async Task AnUnknownApiRouteIs404ProblemDetailsNotThePage()
    {
        var problem = await Problem(await http.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task OpenApiListsTheRecommendationAndCatalogEndpoints()
    {
        var doc = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/recommendations", out var recommend));
        Assert.True(recommend.GetProperty("post").GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(paths.TryGetProperty("/api/plans/{token}/feedback", out _));
        var search = paths.GetProperty("/api/courses").GetProperty("get");
        var names = search.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("q", names, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("pageSize", names, StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Reads through a stream but will not tell its length, so HttpClient must send it chunked.</summary>
internal sealed class UnknownLengthStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
