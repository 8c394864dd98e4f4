using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CourseMatch.Web.Tests.Api;

public class RecommendationsApiTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private readonly HttpClient http = app.CreateClient();

    private static JsonObject Profile() => JsonNode.Parse("""
        {"skills":{"linear-algebra":1,"python":2}, "goal":"career-switch",
         "budget":{"amount":5000,"currency":"USD","strict":true}, "format":"any",
         "location":{"city":"New York","country":"US","radiusKm":50}, "hoursPerWeek":6,
         "startWithinWeeks":12, "pacing":"any", "language":"en", "wantsCertificate":false}
        """)!.AsObject();

    private Task<HttpResponseMessage> Post(string json) =>
        http.PostAsync("/api/recommendations", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task RecommendationReturnsTheDocumentedShape()
    {
        var response = await Post(Profile().ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(plan.GetProperty("token").GetString()));
        Assert.Contains(plan.GetProperty("ranker").GetString(), new[] { "model", "rubric" });
        Assert.True(plan.TryGetProperty("modelVersion", out _));
        var tracks = plan.GetProperty("tracks");
        foreach (var name in new[] { "inPerson", "online", "free" }) Assert.Equal(JsonValueKind.Array, tracks.GetProperty(name).ValueKind);
        var first = tracks.GetProperty("free")[0];
        foreach (var field in new[] { "slug", "title", "provider", "rank", "score", "reasons" }) Assert.True(first.TryGetProperty(field, out _), field);
        Assert.True(plan.GetProperty("path").GetArrayLength() > 0);

        var again = await http.GetFromJsonAsync<JsonElement>($"/api/plans/{plan.GetProperty("token").GetString()}");
        Assert.Equal(tracks.GetProperty("free").GetRawText(), again.GetProperty("tracks").GetProperty("free").GetRawText());
    }

    [Fact]
    public async Task ATargetRoleOrHandSetLevelsAreTakenAndNamedInTheReasons()
    {
        var body = Profile();
        body["target"] = JsonNode.Parse("""{"role":"data-analyst","levels":{"machine-learning":null}}""");
        var response = await Post(body.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();
        var reasons = plan.GetProperty("tracks").EnumerateObject().SelectMany(t => t.Value.EnumerateArray())
            .SelectMany(i => i.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)).ToList();
        Assert.Contains(reasons, r => r.Contains("(Data analyst)"));
    }

    [Fact]
    public async Task SkillsNotGivenCountAsZeroAndLocationIsOptionalOnline()
    {
        var response = await Post("""{"goal":"curiosity","format":"online"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("skills", """{"linear-algebra":9}""", "skills.linear-algebra")]
    [InlineData("skills", """{"astrology":2}""", "skills.astrology")]
    [InlineData("skills", """{"python":"lots"}""", "skills.python")]
    [InlineData("goal", "\"fame\"", "goal")]
    [InlineData("format", "\"teleport\"", "format")]
    [InlineData("budget", """{"amount":-5,"currency":"USD","strict":true}""", "budget.amount")]
    [InlineData("budget", """{"amount":"cheap","currency":"USD"}""", "budget.amount")]
    [InlineData("budget", """{"amount":100,"currency":"dollars"}""", "budget.currency")]
    [InlineData("budget", """{"amount":100,"currency":"XQZ"}""", "budget.currency")]
    [InlineData("hoursPerWeek", "0", "hoursPerWeek")]
    [InlineData("hoursPerWeek", "2.5", "hoursPerWeek")]
    [InlineData("startWithinWeeks", "-1", "startWithinWeeks")]
    [InlineData("pacing", "\"whenever\"", "pacing")]
    [InlineData("language", "\"english\"", "language")]
    [InlineData("wantsCertificate", "\"yes\"", "wantsCertificate")]
    [InlineData("location", """{"city":"Atlantis","country":"US","radiusKm":50}""", "location.city")]
    [InlineData("location", """{"city":"London","country":"GBR","radiusKm":50}""", "location.country")]
    [InlineData("location", """{"city":"London","country":"GB","radiusKm":0}""", "location.radiusKm")]
    [InlineData("target", """{"role":"astronaut"}""", "target.role")]
    [InlineData("target", """{"levels":{"calculus":5}}""", "target.levels.calculus")]
    [InlineData("target", """{"levels":{"astrology":2}}""", "target.levels.astrology")]
    [InlineData("target", """{"levels":{"calculus":"lots"}}""", "target.levels.calculus")]
    [InlineData("target", """{"levels":{"calculus":null,"python":null}}""", "target")]
    [InlineData("target", "\"data scientist\"", "target")]
    public async Task EveryInvalidFieldIsNamedIn400ProblemDetails(string property, string value, string errorKey)
    {
        var body = Profile();
        body[property] = JsonNode.Parse(value);
        var response = await Post(body.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(errorKey, out _), $"expected errors.{errorKey} in {problem}");
    }

    [Fact]
    public async Task InPersonWithoutLocationIsRejected()
    {
        var body = Profile();
        body["format"] = "in-person";
        body.Remove("location");
        var problem = await (await Post(body.ToJsonString())).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("location.city", out _));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public async Task MalformedBodiesGet400NotAnError(string body)
    {
        var response = await Post(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RejectedAnswersStoreNothing()
    {
        var before = await app.Db.ScalarAsync<long>("SELECT count(*) FROM learner_profiles");
        var body = Profile();
        body["hoursPerWeek"] = 500;
        await Post(body.ToJsonString());
        Assert.Equal(before, await app.Db.ScalarAsync<long>("SELECT count(*) FROM learner_profiles"));
    }

    [Fact]
    public async Task UnknownPlanTokenIs404()
    {
        var response = await http.GetAsync("/api/plans/doesnotexist");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task FeedbackIsStoredAndBadFeedbackNamesTheField()
    {
        var plan = await (await Post(Profile().ToJsonString())).Content.ReadFromJsonAsync<JsonElement>();
        var token = plan.GetProperty("token").GetString();
        var slug = plan.GetProperty("tracks").GetProperty("free")[0].GetProperty("slug").GetString();

        var ok = await http.PostAsJsonAsync($"/api/plans/{token}/feedback", new { slug, kind = "saved" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(1, await app.Db.ScalarAsync<long>($"SELECT count(*) FROM feedback f JOIN recommendations r ON r.id = f.recommendation_id WHERE r.token = '{token}' AND f.kind = 'Saved'"));

        var bad = await http.PostAsJsonAsync($"/api/plans/{token}/feedback", new { slug, kind = "adore" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("kind", out _));
    }

    [Fact]
    public async Task SavedAndDismissedCanBeUndoneAndTheUndoIsStoredAsFeedback()
    {
        var plan = await (await Post(Profile().ToJsonString())).Content.ReadFromJsonAsync<JsonElement>();
        var token = plan.GetProperty("token").GetString();
        var free = plan.GetProperty("tracks").GetProperty("free");
        var (saved, dismissed) = (free[0].GetProperty("slug").GetString(), free[1].GetProperty("slug").GetString());
        Task<HttpResponseMessage> Send(string? slug, string kind) => http.PostAsJsonAsync($"/api/plans/{token}/feedback", new { slug, kind });

        Assert.Equal(HttpStatusCode.NoContent, (await Send(saved, "saved")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(dismissed, "dismissed")).StatusCode);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await http.GetStringAsync($"/plans/{token}"));
        Assert.Equal(2, page.QuerySelectorAll(".track-free button.undo").Length);

        Assert.Equal(HttpStatusCode.NoContent, (await Send(saved, "unsaved")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(dismissed, "undismissed")).StatusCode);
        Assert.Equal(2, await app.Db.ScalarAsync<long>($"SELECT count(*) FROM feedback f JOIN recommendations r ON r.id = f.recommendation_id WHERE r.token = '{token}' AND f.kind IN ('Unsaved', 'Undismissed')"));
        page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await http.GetStringAsync($"/plans/{token}"));
        Assert.Empty(page.QuerySelectorAll(".track-free button.undo"));
        Assert.Empty(page.QuerySelectorAll(".track-free li.dismissed"));

        // Nothing left to undo: refused, naming the field.
        var again = await Send(saved, "unsaved");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var errors = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("no save to undo", errors.GetProperty("kind")[0].GetString());
    }
}
