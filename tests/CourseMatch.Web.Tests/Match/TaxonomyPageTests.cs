using System.Net;
using System.Text;
using AngleSharp.Html.Parser;
using CourseMatch.Curation;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Match;

/// <summary>The questionnaire asks for the skills the catalog has now, not a list compiled into the app.</summary>
public class TaxonomyPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    [Fact]
    public async Task ASkillAddedInTheAdminAppearsInTheQuestionnaireWithItsLevelsWithoutARestart()
    {
        var http = app.CreateClient();
        Assert.DoesNotContain("Graph theory", await http.GetStringAsync("/match"));

        var form = new SkillForm
        {
            Slug = "graph-theory", Name = "Graph theory", Category = "math",
            Levels = ["Has not met graphs.", "Can draw a graph from a table of edges.", "Can run breadth-first search by hand.",
                      "Can prove that a tree with n nodes has n − 1 edges.", "Can design a new spectral graph algorithm."],
        };
        Assert.True((await app.Services.GetRequiredService<SkillEditor>().CreateAsync(form, "admin@example.test")).Ok);

        var doc = new HtmlParser().ParseDocument(await http.GetStringAsync("/match"));
        var fieldset = doc.QuerySelectorAll("fieldset.skill").Single(f => f.QuerySelector("legend")!.TextContent.Contains("Graph theory"));
        for (var level = 0; level <= 4; level++)
            Assert.Contains(form.Levels[level]!, fieldset.QuerySelector($"label[for=skill-graph-theory-{level}]")!.TextContent);

        // The API takes the new skill too, and still refuses one that does not exist.
        var ok = await http.PostAsync("/api/recommendations", Json("""{"skills":{"graph-theory":2},"goal":"academic","format":"online"}"""));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var refused = await http.PostAsync("/api/recommendations", Json("""{"skills":{"knot-theory":2},"goal":"academic","format":"online"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("skills.knot-theory", await refused.Content.ReadAsStringAsync());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
