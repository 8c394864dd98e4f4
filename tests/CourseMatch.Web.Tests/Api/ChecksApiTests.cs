using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Tests.Api;

/// <summary>/api/checks: one answer per request to the item asked, scored on the server, bad input named and harmless.</summary>
public class ChecksApiTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private readonly HttpClient http = app.CreateClient();

    private Task<HttpResponseMessage> Post(string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<JsonElement> StartAsync(string skill = "calculus")
    {
        var response = await Post("/api/checks", $$"""{"skill":"{{skill}}","selfRating":2}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<(string Field, string Message)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var first = errors.EnumerateObject().First();
        return (first.Name, first.Value[0].GetString()!);
    }

    private async Task<int> AnswersStoredAsync(string token)
    {
        await using var db = app.Db.Context();
        return (await db.SkillChecks.SingleAsync(c => c.Token == token)).Answers.Count;
    }

    [Fact]
    public async Task AStartedCheckShowsTheFirstItemWithoutItsAnswerAndTakesOneAnswer()
    {
        var check = await StartAsync();
        var token = check.GetProperty("token").GetString()!;
        var item = check.GetProperty("current");
        Assert.False(item.TryGetProperty("answer", out _));
        Assert.Equal(0, check.GetProperty("asked").GetInt32());

        var answered = await Post($"/api/checks/{token}/answers", $$"""{"itemId":{{item.GetProperty("id").GetInt32()}},"dontKnow":true}""");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var next = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, next.GetProperty("asked").GetInt32());

        var read = await http.GetFromJsonAsync<JsonElement>($"/api/checks/{token}");
        Assert.Equal(next.GetProperty("current").GetProperty("id").GetInt32(), read.GetProperty("current").GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("""{"skill":"baking"}""", "skill", "'baking' is not one of the skills")]
    [InlineData("""{"skill":"calculus","selfRating":9}""", "selfRating", "from 0 to 4")]
    [InlineData("""{"skill":["calculus"]}""", "skill", "skill has the wrong type.")]
    public async Task ABadStartIsNamedAndStoresNothing(string body, string field, string message)
    {
        int before;
        await using (var db = app.Db.Context()) before = await db.SkillChecks.CountAsync();
        var (f, m) = await ProblemAsync(await Post("/api/checks", body));
        Assert.Equal(field, f);
        Assert.Contains(message, m);
        await using (var db = app.Db.Context()) Assert.Equal(before, await db.SkillChecks.CountAsync());
    }

    [Fact]
    public async Task TamperedDoubleAndBulkAnswersAreRefusedAndNothingIsStoredWrongly()
    {
        var check = await StartAsync("statistics");
        var token = check.GetProperty("token").GetString()!;
        var id = check.GetProperty("current").GetProperty("id").GetInt32();
        var path = $"/api/checks/{token}/answers";

        Assert.Equal("itemId", (await ProblemAsync(await Post(path, $$"""{"itemId":{{id + 99999}},"answer":"1"}"""))).Field);
        Assert.Equal("answer", (await ProblemAsync(await Post(path, $$"""{"itemId":{{id}},"answer":"1","dontKnow":true}"""))).Field);
        Assert.Equal("answer", (await ProblemAsync(await Post(path, $$"""{"itemId":{{id}}}"""))).Field);
        // Ten thousand answers in one request are over the body limit; a few in a list are not an answer.
        var bulk = "[" + string.Join(",", Enumerable.Repeat($$"""{"itemId":{{id}},"dontKnow":true}""", 10_000)) + "]";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(path, bulk)).StatusCode);
        var few = "[" + string.Join(",", Enumerable.Repeat($$"""{"itemId":{{id}},"dontKnow":true}""", 3)) + "]";
        Assert.Equal("$", (await ProblemAsync(await Post(path, few))).Field);
        Assert.Equal(0, await AnswersStoredAsync(token));

        Assert.Equal(HttpStatusCode.OK, (await Post(path, $$"""{"itemId":{{id}},"dontKnow":true}""")).StatusCode);
        var again = await ProblemAsync(await Post(path, $$"""{"itemId":{{id}},"dontKnow":true}"""));
        Assert.Contains("already answered", again.Message);
        Assert.Equal(1, await AnswersStoredAsync(token));

        Assert.Equal(HttpStatusCode.NotFound, (await Post("/api/checks/nope/answers", $$"""{"itemId":{{id}},"dontKnow":true}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/checks/nope")).StatusCode);
    }

    [Fact]
    public async Task AnswersMustBeJson()
    {
        var response = await http.PostAsync("/api/checks", new StringContent("skill=calculus", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
