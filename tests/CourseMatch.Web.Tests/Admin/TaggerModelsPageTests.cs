using System.Globalization;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Bunit;
using CourseMatch.Accounts;
using CourseMatch.Ranking;
using CourseMatch.Tagging;
using CourseMatch.Web.Features.Admin.Models;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CourseMatch.Web.Tests.Admin;

/// <summary>
/// The app on its own database with one tagger trained through the page's background job: training encodes the
/// labelled set and takes tens of seconds, so the tests of this class share the one run.
/// </summary>
public sealed class TrainedTaggerApp : WebAppFactory
{
    public TaggerJobState Trained { get; private set; } = null!;
    public bool SecondStartRefused { get; private set; }
    public string SecondStartMessage { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var jobs = Services.GetRequiredService<TaggerJobs>();
        var (started, message) = await jobs.TryStartAsync("admin@example.test");
        if (!started) throw new InvalidOperationException(message);
        (var again, SecondStartMessage) = await jobs.TryStartAsync("other@example.test");
        SecondStartRefused = !again;
        await jobs.Current.WaitAsync(TimeSpan.FromMinutes(5));
        Trained = jobs.State;
    }

    /// <summary>A bUnit context on this app's database, signed in as an admin.</summary>
    public BunitContext Page()
    {
        var ctx = new BunitContext();
        ctx.Services.AddCourseMatchCore(Db.Source);
        ctx.Services.AddSingleton(Services.GetRequiredService<TaggerJobs>());
        ctx.AddAuthorization().SetAuthorized("admin@example.test").SetRoles(Roles.Admin);
        return ctx;
    }
}

public class TaggerModelsPageTests(TrainedTaggerApp app) : IClassFixture<TrainedTaggerApp>
{
    /// <summary>The first render loads the text encoder before the versions, and each action goes to the database: on a busy machine more than bUnit's default second.</summary>
    internal static readonly TimeSpan Loading = TimeSpan.FromSeconds(30);


    private static string F3(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>The tagger part as at /admin/models?kind=tagger&amp;tagger={id}: the version comes from the address.</summary>
    private static IRenderedComponent<TaggerModels> Show(BunitContext ctx, int id)
    {
        var nav = ctx.Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo($"/admin/models?kind=tagger&tagger={id}");
        return ctx.Render<TaggerModels>();
    }

    private async Task<TaggerModel> ModelAsync(int id)
    {
        await using var db = app.Db.Context();
        return await db.TaggerModels.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    [Fact]
    public async Task ATrainedTaggerIsListedWithItsFiguresBesideTheKeywordBaseline()
    {
        Assert.True(app.SecondStartRefused, "a second training may not start while one runs");
        Assert.Contains("still going", app.SecondStartMessage);
        Assert.Null(app.Trained.Error);
        var id = Assert.IsType<int>(app.Trained.ModelId);
        Assert.StartsWith($"Tagger model {id} trained: micro-F1 0.", app.Trained.Outcome);

        var model = await ModelAsync(id);
        var e = TaggerTraining.EvaluationOf(model)!;
        var admin = await app.SignedInClientAsync(Roles.Admin);
        var doc = new HtmlParser().ParseDocument(await admin.GetStringAsync($"/admin/models?kind=tagger&tagger={id}"));
        Assert.Equal("Skill tagger", doc.QuerySelector("h1")!.TextContent);

        var row = doc.QuerySelector($"table.tagger-versions tr[data-tagger='{id}']")!;
        Assert.Equal(model.Status.ToString(), row.QuerySelector(".status")!.TextContent);
        Assert.Equal(F3(e.Model.MicroF1), row.QuerySelector("td.micro")!.TextContent);
        Assert.Equal(F3(e.Baseline.MicroF1), row.QuerySelector("td.micro-baseline")!.TextContent);
        Assert.Equal(F3(e.Model.MacroF1), row.QuerySelector("td.macro")!.TextContent);
        Assert.Equal(F3(e.Baseline.MacroF1), row.QuerySelector("td.macro-baseline")!.TextContent);
        Assert.Equal(TaggerModels.Threshold(model.AutoApplyThreshold), row.QuerySelector("td.threshold")!.TextContent);

        // The chart: this version's bar beside the baseline's, each carrying its number.
        Assert.Equal(F3(e.Model.MicroF1), doc.QuerySelector($"rect.bar[data-version='{id}'][data-series='tagger']")!.GetAttribute("data-value"));
        Assert.Equal(F3(e.Baseline.MicroF1), doc.QuerySelector($"rect.bar[data-version='{id}'][data-series='baseline']")!.GetAttribute("data-value"));

        // The selected version in detail: every measure for both, every skill, and what it trained on.
        var detail = doc.QuerySelector(".selected-tagger")!;
        var recall = detail.QuerySelector("tr[data-measure='recall']")!;
        Assert.Equal([F3(e.Model.Recall), F3(e.Baseline.Recall)], recall.QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Equal(11, detail.QuerySelectorAll("table.tagger-scores tbody tr").Length);
        Assert.Equal(e.Model.PerSkill.Select(s => s.Skill), detail.QuerySelectorAll("table.per-skill tbody tr").Select(r => r.GetAttribute("data-skill")));
        Assert.Equal(e.TrainingBySource[LabelOrigin.LabelledSet].ToString("#,0", CultureInfo.InvariantCulture),
            detail.QuerySelector("table.label-sources tr[data-source='LabelledSet'] td")!.TextContent);
    }

    [Theory]
    [InlineData("abc", "Auto-apply threshold: give a number between 0 and 1")]
    [InlineData("1.5", "Auto-apply threshold: 1.5 is not between 0 and 1")]
    [InlineData("-0.2", "Auto-apply threshold: -0.2 is not between 0 and 1")]
    public async Task ABadThresholdIsNamedAndChangesNothing(string typed, string message)
    {
        var id = app.Trained.ModelId!.Value;
        var before = (await ModelAsync(id)).AutoApplyThreshold;
        await using var ctx = app.Page();
        var cut = Show(ctx, id);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("input#tagger-threshold")), Loading);

        cut.Find("input#tagger-threshold").Change(typed);
        cut.Find("form.threshold").Submit();
        cut.WaitForAssertion(() => Assert.StartsWith(message, cut.Find("#tagger-threshold-error").TextContent.Trim().TrimStart('!')), Loading);
        Assert.Equal("true", cut.Find("input#tagger-threshold").GetAttribute("aria-invalid"));
        Assert.Equal(before, (await ModelAsync(id)).AutoApplyThreshold);
    }

    [Fact]
    public async Task AGoodThresholdIsSaved()
    {
        var id = app.Trained.ModelId!.Value;
        var before = (await ModelAsync(id)).AutoApplyThreshold;
        try
        {
            await using var ctx = app.Page();
            var cut = Show(ctx, id);
            cut.WaitForAssertion(() => Assert.NotNull(cut.Find("input#tagger-threshold")), Loading);
            cut.Find("input#tagger-threshold").Change("0.85");
            cut.Find("form.threshold").Submit();
            cut.WaitForAssertion(() => Assert.Contains("at or above confidence 0.85", cut.Find(".result.done").TextContent), Loading);
            Assert.Equal(0.85, (await ModelAsync(id)).AutoApplyThreshold);
            Assert.Equal("0.85", cut.Find($"tr[data-tagger='{id}'] td.threshold").TextContent);
        }
        finally { await app.Db.Get<TaggerTraining>().SetThresholdAsync(id, before); }
    }

    [Fact]
    public async Task PromotingACandidateThatDoesNotBeatTheBaselineIsRefusedWithTheReason()
    {
        // A candidate whose evaluation is the baseline's own: it does not beat it, and promotion must say so.
        var trained = await ModelAsync(app.Trained.ModelId!.Value);
        var e = TaggerTraining.EvaluationOf(trained)!;
        var weak = e with { Model = e.Baseline with { Tagger = e.Model.Tagger } };
        int id;
        await using (var db = app.Db.Context())
        {
            var row = new TaggerModel
            {
                Status = ModelStatus.Candidate, Settings = trained.Settings, Parameters = trained.Parameters, AutoApplyThreshold = 0.9,
                Metrics = JsonSerializer.Serialize(weak, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            };
            db.TaggerModels.Add(row);
            await db.SaveChangesAsync();
            id = row.Id;
        }

        await using var ctx = app.Page();
        var cut = Show(ctx, id);
        cut.WaitForAssertion(() => Assert.Contains($"Tagger model {id}", cut.Find("#selected-tagger-title").TextContent), Loading);
        cut.Find("button.promote-tagger").Click();
        cut.WaitForAssertion(() => Assert.Contains($"Promote tagger model {id}?", cut.Find("#tagger-promote-question").TextContent), Loading);
        cut.FindAll("button").Single(b => b.TextContent == $"Yes, promote tagger model {id}").Click();
        cut.WaitForAssertion(() => Assert.Contains("does not beat the keyword baseline", cut.Find(".result.refused").TextContent), Loading);
        Assert.Equal(ModelStatus.Candidate, (await ModelAsync(id)).Status);
        Assert.Equal("Candidate", cut.Find($"tr[data-tagger='{id}'] .status").TextContent);
    }

    [Fact]
    public async Task RollingBackWithNothingToGoBackToIsRefusedAndTheActiveTaggerStays()
    {
        var id = app.Trained.ModelId!.Value;
        await using var ctx = app.Page();
        var cut = Show(ctx, id);
        cut.WaitForAssertion(() => Assert.Contains($"Tagger model {id} is active", cut.Find(".active-now").TextContent), Loading);
        cut.FindAll("button").Single(b => b.TextContent == "Roll back…").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#tagger-rollback-question")), Loading);
        cut.FindAll("button").Single(b => b.TextContent == "Yes, roll back").Click();
        cut.WaitForAssertion(() => Assert.Contains("first ever promoted", cut.Find(".result.refused").TextContent), Loading);
        Assert.Equal(ModelStatus.Active, (await ModelAsync(id)).Status);
    }
}

/// <summary>The tagger part of the page before any tagger exists, and when the text encoder cannot load.</summary>
public class TaggerModelsEmptyPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private static readonly TimeSpan Loading = TaggerModelsPageTests.Loading;

    [Fact]
    public async Task WithoutATaggerThePageSaysSoAndOffersTraining()
    {
        var admin = await app.SignedInClientAsync(Roles.Admin);
        var doc = new HtmlParser().ParseDocument(await admin.GetStringAsync("/admin/models?kind=tagger"));
        Assert.Contains("No skill tagger has been trained yet", doc.QuerySelector(".no-tagger")!.TextContent);
        var train = doc.QuerySelector("button.train-tagger")!;
        Assert.Equal("Train a tagger", train.TextContent);
        Assert.False(train.HasAttribute("disabled"));
        Assert.Null(doc.QuerySelector("table.tagger-versions"));
        Assert.Equal("page", doc.QuerySelector("nav.kinds a[href='/admin/models?kind=tagger']")!.GetAttribute("aria-current"));
    }

    [Fact]
    public async Task WhenTheEncoderCannotLoadThePageSaysSoAndDoesNotOfferTraining()
    {
        await using var ctx = new BunitContext();
        ctx.Services.AddCourseMatchCore(app.Db.Source);
        ctx.Services.AddSingleton(new TextEmbedder(NullLogger<TextEmbedder>.Instance, () => throw new FileNotFoundException("model.onnx is missing")));
        ctx.Services.AddSingleton(app.Services.GetRequiredService<TaggerJobs>());
        ctx.AddAuthorization().SetAuthorized("admin@example.test").SetRoles(Roles.Admin);

        var cut = ctx.Render<TaggerModels>();
        cut.WaitForAssertion(() => Assert.Equal(
            "The text encoder could not load: FileNotFoundException: model.onnx is missing; courses keep their confirmed skills, and no skills are proposed or trained until it loads.",
            cut.Find(".encoder[role=alert]").TextContent), Loading);
        Assert.True(cut.Find("button.train-tagger").HasAttribute("disabled"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find(".no-tagger")), Loading);
    }
}
