using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using Bunit;
using CourseMatch.Accounts;
using CourseMatch.Ranking;
using CourseMatch.Web.Features.Admin.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Admin;

/// <summary>The NDCG chart, its numbers table and the label sources, rendered from given metrics.</summary>
public class ModelsPageChartTests : BunitContext
{
    private static readonly RankerNdcg Model = new(RankingMetrics.Model, 0.61, 0.72, 0.80, 0.86);
    private static readonly RankerNdcg Active = new("active (v3)", 0.55, 0.66, 0.74, 0.81);
    private static readonly RankerNdcg Rubric = new(RankingMetrics.RubricRanker, 0.42, 0.51, 0.58, 0.66);
    private static readonly RankerNdcg Popularity = new(RankingMetrics.Popularity, 0.20, 0.25, 0.31, 0.40);
    private static readonly LabelSetMetrics Set = new(LabelSource.Synthetic, 48, 1_234, [Model, Active, Rubric, Popularity]);

    private static string F3(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    [Fact]
    public void EveryBarAndTableCellShowsTheNumberItStandsFor()
    {
        var series = VersionRow.Series(7, isActive: false, Set, activeId: 3);
        var cut = Render<NdcgChart>(p => p.Add(x => x.Series, series).Add(x => x.Caption, "synthetic labels: 48 held-out learner groups"));

        Assert.Equal(["Version 7", "Active version 3", "Rubric", "Popularity"], cut.FindAll("table.numbers tbody th").Select(th => th.TextContent));
        Assert.Equal(16, cut.FindAll("rect.bar").Count);
        foreach (var (name, values) in new[] { ("Version 7", Model), ("Active version 3", Active), ("Rubric", Rubric), ("Popularity", Popularity) })
        {
            var row = cut.FindAll("table.numbers tbody tr").Single(r => r.QuerySelector("th")!.TextContent == name);
            Assert.Equal(Ndcg.Ks.Select(k => F3(values.At(k))), row.QuerySelectorAll("td").Select(td => td.TextContent));
            foreach (var k in Ndcg.Ks)
            {
                var bar = cut.FindAll("rect.bar").Single(b => b.GetAttribute("data-series") == name && b.GetAttribute("data-k") == k.ToString(CultureInfo.InvariantCulture));
                Assert.Equal(F3(values.At(k)), bar.GetAttribute("data-value"));
                Assert.Equal($"{name}, NDCG@{k}: {F3(values.At(k))}", bar.QuerySelector("title")!.TextContent);
            }
        }

        // Bar heights are proportional to the values: at @5 the model's bar is 0.80/0.58 of the rubric's.
        double Height(string name, int k) => double.Parse(cut.FindAll("rect.bar")
            .Single(b => b.GetAttribute("data-series") == name && b.GetAttribute("data-k") == k.ToString(CultureInfo.InvariantCulture))
            .GetAttribute("height")!, CultureInfo.InvariantCulture);
        Assert.Equal(0.80 / 0.58, Height("Version 7", 5) / Height("Rubric", 5), 2);
        Assert.True(Height("Active version 3", 10) > Height("Popularity", 10));

        // Screen readers get the whole chart as text; sighted users a legend and the axis labels.
        var title = cut.Find("svg > title").TextContent;
        Assert.Contains("Version 7: @1 0.610, @3 0.720, @5 0.800, @10 0.860", title);
        Assert.Equal(["Version 7", "Active version 3", "Rubric", "Popularity"], cut.FindAll(".legend > span").Select(s => s.TextContent.Trim()));
        Assert.Equal(["NDCG@1", "NDCG@3", "NDCG@5", "NDCG@10"], cut.FindAll("svg text.k").Select(t => t.TextContent));
    }

    [Fact]
    public void TheActiveModelIsNamedForWhatItWasWhenMeasured()
    {
        // Measured at training against version 3, which is no longer the active one: said so, and the page must re-measure.
        Assert.Equal("Version 3 (active at training)", VersionRow.Series(7, false, Set, activeId: 5)[1].Name);
        var row = new VersionRow(7, ModelStatus.Candidate, DateTimeOffset.UtcNow, null, new StoredSettings(), new RankingMetrics(Set, null, 0), null);
        Assert.True(row.NeedsComparisonWith(5));
        Assert.False(row.NeedsComparisonWith(3));
        Assert.False(row.NeedsComparisonWith(null));

        // The active version itself is not compared with itself.
        Assert.Equal(["Version 7 (active)", "Rubric", "Popularity"], VersionRow.Series(7, true, Set, activeId: 7).Select(s => s.Name));
    }

    [Fact]
    public void LabelSourcesShowGroupsRowsWeightAndGrades()
    {
        var labels = new LabelSourceCounts(480, 9_600, 25, 300, 5, 420, 12,
            new Dictionary<int, int> { [0] = 5_000, [1] = 2_000, [2] = 1_500, [3] = 800, [4] = 300 }, new Dictionary<string, int> { ["career-switcher"] = 200 });
        var cut = Render<LabelSourcesTable>(p => p.Add(x => x.Labels, labels));

        Assert.Equal(["480", "9,600"], cut.FindAll("tr.synthetic td.num").Select(td => td.TextContent));
        Assert.Equal(["25", "300"], cut.FindAll("tr.real td.num").Select(td => td.TextContent));
        Assert.Contains("weight ×5 per row; 420 feedback rows read, 12 without features skipped", cut.Find("tr.real").TextContent);
        Assert.Equal(["5,000", "2,000", "1,500", "800", "300"], cut.FindAll("td[data-grade]").Select(td => td.TextContent));
    }
}

/// <summary>The page behind sign-in, and the background training it starts.</summary>
public class ModelsPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    [Fact]
    public async Task AnAdminSeesTheModelsPageAndAnAdvisorIsRefused()
    {
        var admin = await app.SignedInClientAsync(Roles.Admin);
        var response = await admin.GetAsync("/admin/models");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Ranking models", doc.QuerySelector("h1")!.TextContent);
        Assert.NotNull(doc.QuerySelector("input#learners[min='50'][max='5000']"));

        var advisor = await app.SignedInClientAsync(Roles.Advisor);
        var refused = await advisor.GetAsync("/admin/models");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/denied", refused.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task TrainingRunsInTheBackgroundOneAtATimeAndTheNewVersionIsListed()
    {
        var jobs = app.Services.GetRequiredService<TrainingJobs>();
        var seen = new List<TrainingJobState>();
        jobs.Changed += s => { lock (seen) seen.Add(s); };

        var options = new TrainingOptions { SyntheticLearners = 60, Ranker = new RankerSettings { Iterations = 30 } };
        Assert.True((await jobs.TryStartAsync(options, "admin@example.test")).Started);
        var (again, busy) = await jobs.TryStartAsync(options, "other@example.test");
        Assert.False(again);
        Assert.Contains("A training run started by admin@example.test on instance", busy);
        Assert.Contains("still going", busy);
        await jobs.Current.WaitAsync(TimeSpan.FromMinutes(3));

        var done = jobs.State;
        Assert.Null(done.Error);
        Assert.False(done.Running);
        Assert.Equal(100, done.Percent);
        Assert.NotNull(done.VersionId);
        Assert.StartsWith($"Version {done.VersionId} trained: NDCG@5", done.Outcome);
        List<int> percents;
        lock (seen) percents = seen.Select(s => s.Percent).ToList();
        Assert.True(percents.Count >= 4, "progress was reported along the way");
        Assert.Equal(percents.Order(), percents);

        await using (var db = app.Db.Context())
        {
            var audit = await db.AuditEntries.SingleAsync(a => a.Entity == "ModelVersion" && a.Action == "Trained" && a.EntityId == done.VersionId.ToString());
            Assert.Equal("admin@example.test", audit.Actor);
        }

        var admin = await app.SignedInClientAsync(Roles.Admin);
        var doc = new HtmlParser().ParseDocument(await admin.GetStringAsync("/admin/models"));
        var row = doc.QuerySelector($"table.versions tr[data-version='{done.VersionId}']");
        Assert.NotNull(row);
        Assert.Equal("Candidate", row.QuerySelector(".status")!.TextContent);
        Assert.Matches(@"^0\.\d{3}$", row.QuerySelector("td.model")!.TextContent);
        // The newest version is shown in detail: its chart and its label sources.
        Assert.Equal($"Version {done.VersionId} Candidate", doc.QuerySelector("#selected-title")!.TextContent.Trim());
        Assert.NotEmpty(doc.QuerySelectorAll(".selected-version rect.bar"));
        Assert.NotNull(doc.QuerySelector(".selected-version tr.synthetic"));
    }
}
