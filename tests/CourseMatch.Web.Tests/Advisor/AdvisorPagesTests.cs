using System.Net;
using AngleSharp.Html.Parser;
using CourseMatch.Accounts;
using static CourseMatch.Tests.Advising.AdvisingTestData;
using static CourseMatch.Web.Tests.Advisor.AdvisorWebTestData;

namespace CourseMatch.Web.Tests.Advisor;

/// <summary>The advisor pages as the server first sends them (prerendered, before any circuit).</summary>
public class AdvisorPagesTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    [Fact]
    public async Task TheLearnerListShowsANameWithMarkupAsEscapedText()
    {
        var advisor = await AdvisorAsync(app);
        var learner = await LearnerAsync(app.Db, advisor.Id, "<b>x</b> Tag", "tag@example.org");

        var response = await advisor.Client.GetAsync("/advisor");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("&lt;b&gt;x&lt;/b&gt; Tag", html);
        Assert.DoesNotContain("<b>x</b>", html);
        var doc = new HtmlParser().ParseDocument(html);
        var link = doc.QuerySelector($"table.learners a[href='/advisor/learners/{learner.Id}']")!;
        Assert.Equal("<b>x</b> Tag", link.TextContent);
        Assert.Empty(link.Children);
        Assert.Equal("1 learner", doc.QuerySelector("p.count")!.TextContent);
    }

    [Fact]
    public async Task TheSignedInClientOfTheFactoryReachesTheAdvisorHome()
    {
        var client = await app.SignedInClientAsync(Roles.Advisor);

        var response = await client.GetAsync("/advisor");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Your learners", doc.QuerySelector("h1")!.TextContent);
        Assert.Equal("No learners yet. Add the first one below.", doc.QuerySelector("p.count")!.TextContent);
    }

    [Theory]
    [InlineData("?archived=yes")]
    [InlineData("?archived=1")]
    [InlineData("?q=%00ada")]
    [InlineData("?q=" + "%25_%5C")]
    public async Task OddQueryStringsShowTheListInsteadOfAnError(string query)
    {
        var advisor = await AdvisorAsync(app);
        await LearnerAsync(app.Db, advisor.Id, "Ada Query");

        var response = await advisor.Client.GetAsync("/advisor" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Your learners", doc.QuerySelector("h1")!.TextContent);
        Assert.Null(doc.QuerySelector("p.notice[role=alert]"));
    }

    [Theory]
    [InlineData("older=abc&newer=1")]
    [InlineData("older=1")]
    [InlineData("")]
    public async Task ComparingWithPlanNumbersThatAreNotNumbersSaysSoInsteadOfFailing(string query)
    {
        var advisor = await AdvisorAsync(app);
        var learner = await LearnerAsync(app.Db, advisor.Id, "Fay Compare");

        var response = await advisor.Client.GetAsync($"/advisor/learners/{learner.Id}/compare?{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var alert = doc.QuerySelector("p.notice[role=alert]")!;
        Assert.Contains("older and newer must be plan numbers", alert.TextContent);
        Assert.Equal($"/advisor/learners/{learner.Id}", alert.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task ComparingPlansThatAreNotTheLearnersIsNotFound()
    {
        var advisor = await AdvisorAsync(app);
        var learner = await LearnerAsync(app.Db, advisor.Id, "Gus Compare");
        var other = await LearnerAsync(app.Db, advisor.Id, "Hal Compare");
        var (mine, _) = await PlanAsync(app.Db, advisor.Id, learner.Id);
        var (theirs, _) = await PlanAsync(app.Db, advisor.Id, other.Id);

        var response = await advisor.Client.GetAsync($"/advisor/learners/{learner.Id}/compare?older={mine}&newer={theirs}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Hal Compare", await response.Content.ReadAsStringAsync());
    }
}
