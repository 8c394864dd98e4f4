using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;

namespace CourseMatch.Web.Tests.Match;

/// <summary>The questionnaire and plan pages as the server first sends them (prerendered, before any circuit).</summary>
public class PlanPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private readonly HttpClient http = app.CreateClient();

    [Fact]
    public async Task QuestionnaireOpensOnTheSkillsStepWithTheCatalogsDescriptors()
    {
        var response = await http.GetAsync("/match");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains("Step 1 of 3", doc.QuerySelector(".progress .label")!.TextContent);
        Assert.Equal(8, doc.QuerySelectorAll("fieldset.skill").Length);
        Assert.Contains("vectors", doc.QuerySelector("label[for=skill-linear-algebra-1]")!.TextContent);
    }

    [Fact]
    public async Task WithoutJavaScriptTheQuestionnaireSaysWhatToDo()
    {
        var doc = new HtmlParser().ParseDocument(await http.GetStringAsync("/match"));
        var message = doc.QuerySelector("noscript .notice")!;
        Assert.Equal("The questionnaire needs JavaScript; turn it on, or browse the catalog at /courses.", message.TextContent);
        Assert.NotNull(message.QuerySelector("a[href='/courses']"));
    }

    [Fact]
    public async Task APlanPageShowsTheStoredPlan()
    {
        var body = """
            {"skills":{"linear-algebra":1}, "goal":"curiosity", "format":"online", "hoursPerWeek":6, "language":"en"}
            """;
        var created = await http.PostAsync("/api/recommendations", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var plan = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var token = plan.GetProperty("token").GetString()!;

        var response = await http.GetAsync($"/plans/{token}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var firstFree = plan.GetProperty("tracks").GetProperty("free")[0].GetProperty("title").GetString();
        Assert.Equal(firstFree, doc.QuerySelector(".track-free ol.picks h4")!.TextContent);
        Assert.Equal("You asked for online courses only.", doc.QuerySelector(".track-inPerson .empty")!.TextContent);
        Assert.Equal(plan.GetProperty("path").GetArrayLength(), doc.QuerySelectorAll("ol.path-list li").Length);
        Assert.EndsWith($"/plans/{token}", doc.QuerySelector(".share a.url")!.TextContent);
    }

    [Fact]
    public async Task AnUnknownPlanIsNotFound()
    {
        var response = await http.GetAsync("/plans/no-such-plan");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("could not find", await response.Content.ReadAsStringAsync());
    }
}
