using System.Text;
using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Learners;
using CourseMatch.Ranking;
using CourseMatch.Tagging;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using CourseMatch.Recommendations;
using Xunit.Abstractions;

namespace CourseMatch.Tests.Tagging;

/// <summary>One database with a tagger trained once (the encoder and the training take several seconds) for the tagging tests.</summary>
public sealed class TrainedTaggerFixture : IAsyncLifetime
{
    public TestDb Db { get; private set; } = null!;
    public TaggerTrainingResult Trained { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Trained = await Db.Get<TaggerTraining>().TrainAsync();
    }

    public Task DisposeAsync() => Db.DisposeAsync().AsTask();
}

public class TaggerTests(TrainedTaggerFixture fixture, ITestOutputHelper output) : IClassFixture<TrainedTaggerFixture>
{
    private const string Admin = "admin@example.test";
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Tagging", "Fixtures", name);

    [Fact]
    public void TheLabelledSetIsBigEnoughAndCoversEverySkillInEveryFold()
    {
        var set = LabelledSet.Load();
        Assert.True(set.Count >= 300, $"{set.Count} labelled courses");
        Assert.Equal(set.Count, set.Select(s => s.Id).Distinct().Count());
        Assert.True(set.Count(s => s.Labels.IsOutside) >= 60, "courses outside the taxonomy");
        foreach (var skill in new[] { "linear-algebra", "calculus", "probability", "statistics", "discrete-math", "optimization", "python", "machine-learning" })
            for (var fold = 0; fold < LabelledSet.Folds; fold++)
                Assert.Contains(set, s => s.Fold == fold && s.Labels.Taught.ContainsKey(skill));
        Assert.All(set, s => Assert.InRange(s.Fold ?? -1, 0, LabelledSet.Folds - 1));
    }

    [Fact]
    public void TheTrainedTaggerBeatsTheKeywordBaselineOnTheHeldOutFolds()
    {
        var e = fixture.Trained.Evaluation;
        output.WriteLine(TaggerReport.Table(e));
        Assert.Equal(LabelledSet.Load().Count(LabelledSet.IsHeldOut), e.HeldOut);
        // Never trained on the held-out folds: what it trained on is the other folds and the catalog's confirmed courses.
        Assert.Equal(LabelledSet.Load().Count(l => !LabelledSet.IsHeldOut(l)), e.TrainingBySource[LabelOrigin.LabelledSet]);
        Assert.True(e.Model.MicroF1 > e.Baseline.MicroF1, $"micro-F1 {e.Model.MicroF1:0.000} vs baseline {e.Baseline.MicroF1:0.000}");
        Assert.True(e.Model.MacroF1 > e.Baseline.MacroF1, $"macro-F1 {e.Model.MacroF1:0.000} vs baseline {e.Baseline.MacroF1:0.000}");
    }

    [Fact]
    public async Task VersionsAreListedNewestFirstAndAnUnreadableEvaluationIsNoneRatherThanAFailure()
    {
        int empty, wrong;
        await using (var db = fixture.Db.Context())
        {
            var a = new TaggerModel { Status = ModelStatus.Retired, Metrics = "{}" };
            var b = new TaggerModel { Status = ModelStatus.Retired, Metrics = """{"model": 3}""" };
            db.TaggerModels.AddRange(a, b);
            await db.SaveChangesAsync();
            (empty, wrong) = (a.Id, b.Id);
        }

        var versions = await fixture.Db.Get<TaggerTraining>().VersionsAsync();
        Assert.Equal(versions.Select(v => v.Id).OrderDescending(), versions.Select(v => v.Id));
        var trained = versions.Single(v => v.Id == fixture.Trained.ModelId);
        Assert.Equal(fixture.Trained.Evaluation.Model.MicroF1, trained.Evaluation!.Model.MicroF1);
        Assert.Equal(fixture.Trained.Evaluation.Baseline.MacroF1, trained.Evaluation.Baseline.MacroF1);
        Assert.Null(versions.Single(v => v.Id == empty).Evaluation);
        Assert.Null(versions.Single(v => v.Id == wrong).Evaluation);
    }

    [Fact]
    public async Task TheSameLabelsTrainTheSameTagger()
    {
        var again = await fixture.Db.Get<TaggerTraining>().TrainAsync();
        await using var db = fixture.Db.Context();
        var models = await db.TaggerModels.Where(m => m.Id == fixture.Trained.ModelId || m.Id == again.ModelId).ToListAsync();
        Assert.Equal(2, models.Count);
        Assert.Equal(models[0].Parameters, models[1].Parameters);
        Assert.Equal(fixture.Trained.Threshold, again.Threshold);
        Assert.False(again.Promoted); // one is active already: a new model waits as a candidate

        // Promoting the candidate retires the active one; rolling back brings that one back.
        var training = fixture.Db.Get<TaggerTraining>();
        var promoted = await training.PromoteAsync(again.ModelId, Admin);
        Assert.True(promoted.Promoted, promoted.Reason);
        Assert.Equal(again.ModelId, (await training.ActiveAsync())!.Value.Model.Id);
        Assert.False((await training.PromoteAsync(again.ModelId, Admin)).Promoted); // already active
        var rolledBack = await training.RollbackAsync(Admin);
        Assert.True(rolledBack.RolledBack, rolledBack.Reason);
        Assert.Equal(fixture.Trained.ModelId, (await training.ActiveAsync())!.Value.Model.Id);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("🙂🙂🙂", "🚀")]
    [InlineData("Intro", null)]
    [InlineData("<b></b>", "<p>&nbsp;</p>")]
    public async Task TooLittleTextIsSaidSoNotGuessed(string title, string? description)
    {
        var text = new TaggingText(title, null, null, null, null, description);
        Assert.True(text.TooShort);
        Assert.True(new KeywordTagger([]).Propose(text).NotEnoughText);
        var active = await fixture.Db.Get<TaggerTraining>().ActiveAsync();
        Assert.True(Assert.Single(active!.Value.Tagger.Propose([text], [null])).NotEnoughText);
    }

    [Fact]
    public async Task HugeHtmlEmojiAndForeignDescriptionsGetAProposal()
    {
        var active = await fixture.Db.Get<TaggerTraining>().ActiveAsync();
        Assert.NotNull(active);
        var embedder = fixture.Db.Get<TextEmbedder>();
        var huge = string.Concat(Enumerable.Repeat("<p>Linear <b>algebra</b> &amp; matrices 🙂 </p>", 30_000)); // about 1.4 MB
        var texts = new[]
        {
            new TaggingText("Linear Algebra Bootcamp", "Test U", "course", "beginner", null, huge),
            new TaggingText("Aprendizaje automático con Python", "Universidad Test", "course", "beginner", null, "Modelos de regresión y clasificación con scikit-learn, validación cruzada y redes neuronales."),
            new TaggingText("📊 Statistics 101 📈", null, null, null, null, "<script>alert(1)</script><ul><li>means</li><li>variance</li><li>hypothesis tests</li></ul>"),
        };
        Assert.True(texts[0].Text.Length <= TaggingText.MaxChars);
        Assert.DoesNotContain("<b>", texts[0].Text);
        var proposals = active.Value.Tagger.Propose(texts, embedder.Encode(texts.Select(t => t.Text).ToList()));
        Assert.All(proposals, p => Assert.False(p.NotEnoughText));
        Assert.Contains(proposals[0].Taught, t => t.Skill == "linear-algebra");
    }

    [Fact]
    public async Task AnImportedCourseIsTaggedAndReachesAPersonaPlanMarkedInferred()
    {
        // An imported French school: nothing in the demo catalog is taught in French, so a French-speaking beginner's
        // plan can only hold these courses, and only once their skills are known.
        var (mapping, problem) = MappingDocument.Parse(await File.ReadAllTextAsync(Fixture("untagged-french-school.mapping.json")));
        Assert.Null(problem);
        await using var stream = File.OpenRead(Fixture("untagged-french-school.csv"));
        var file = await ImportFile.ReadAsync(stream, "untagged-french-school.csv");
        var imported = await fixture.Db.Get<CatalogImport>().CommitAsync(file, new ImportRequest { Mapping = mapping, CreateProviders = true }, Admin);
        Assert.True(imported.Committed, imported.FileError ?? string.Join("; ", imported.BadRows.Select(b => b.Message)));

        var learner = new ProfileInput { Goal = "career-switch", Format = "online", HoursPerWeek = 6, BudgetAmount = 0, BudgetCurrency = "EUR", Language = "fr" };
        learner.Skills["python"] = 1;
        var before = (await fixture.Db.Recommender().RecommendAsync(learner)).Plan!;
        Assert.DoesNotContain(AllPicks(before), p => p.Slug.StartsWith("ecole-", StringComparison.Ordinal));

        // The admin trusts this tagger enough to apply every proposal it makes (the threshold is theirs to set).
        var training = fixture.Db.Get<TaggerTraining>();
        Assert.Null(await training.SetThresholdAsync(fixture.Trained.ModelId, 0));
        var outcome = await fixture.Db.Get<CourseTagging>().TagAsync(new TagRequest { Feed = "ecole-numerique" });
        Assert.True(outcome.Ok, outcome.Problem);
        Assert.Equal(5, outcome.Courses);
        Assert.Equal(5, outcome.Applied);
        Assert.True(outcome.Outside >= 1, "the Excel course teaches none of the taxonomy");

        await using (var db = fixture.Db.Context())
        {
            var python = await db.Courses.Include(c => c.Skills).ThenInclude(s => s.Skill).SingleAsync(c => c.Slug == "ecole-ecole-101");
            Assert.Equal(SkillsStatus.Inferred, python.SkillsStatus);
            Assert.Contains(python.Skills, s => s.Skill.Slug == "python");
            var excel = await db.Courses.Include(c => c.Skills).SingleAsync(c => c.Slug == "ecole-ecole-104");
            Assert.Empty(excel.Skills);
            Assert.Equal(5, await db.CourseEmbeddings.CountAsync(e => db.CourseSources.Any(s => s.CourseId == e.CourseId && s.Feed == "ecole-numerique")));
        }

        var after = (await fixture.Db.Recommender().RecommendAsync(learner)).Plan!;
        var pick = Assert.Single(AllPicks(after).Where(p => p.Slug.StartsWith("ecole-", StringComparison.Ordinal)).Take(1));
        output.WriteLine($"{pick.Title}: {string.Join(" · ", pick.Reasons)}");
        Assert.Contains("Skills inferred from its description, not yet reviewed", pick.Reasons);
        Assert.Contains(pick.Reasons, r => r.StartsWith("Probably teaches", StringComparison.Ordinal));
        Assert.DoesNotContain(AllPicks(after), p => p.Slug == "ecole-ecole-104");

        // Tagging again finds nothing new to read: the embeddings are kept and nothing is untagged.
        var again = await fixture.Db.Get<CourseTagging>().TagAsync(new TagRequest { Feed = "ecole-numerique" });
        Assert.Equal(0, again.Courses);
        Assert.Null(await training.SetThresholdAsync(fixture.Trained.ModelId, fixture.Trained.Threshold));
    }

    [Fact]
    public async Task ABackgroundRunProposesLikeAForegroundOneAndEncodesTheSameVectors()
    {
        var embedder = fixture.Db.Get<TextEmbedder>();
        string[] texts = ["Regression and classification with scikit-learn", "Eigenvalues, eigenvectors and the SVD", "Pivot tables in Excel"];
        var foreground = embedder.Encode(texts);
        var background = await embedder.EncodeInBackgroundAsync(texts);
        // The background copy of the model runs every operator on one thread: the sums may round differently, no more.
        Assert.All(foreground.Zip(background), v => Assert.True(TextEmbedder.Cosine(v.First, v.Second) > 0.9999f));

        var record = new CourseRecord
        {
            Slug = "background-ml", Title = "Machine Learning in Practice", Provider = "khan-academy", Kind = "course", Url = "https://example.test/background-ml",
            Summary = "Supervised learning with Python: linear and logistic regression, decision trees, cross-validation and model evaluation.",
            Format = "online", Pacing = "self-paced", Price = "0", Currency = "USD", Level = "intermediate", Language = "en", Status = "draft",
        };
        var saved = await fixture.Db.Get<CourseEditor>().SaveAsync(null, record, null, Admin);
        Assert.True(saved.IsSaved, string.Join("; ", saved.Errors));
        var tagging = fixture.Db.Get<CourseTagging>();
        tagging.StartInBackground(new TagRequest { CourseIds = [saved.Current!.Id] });
        await tagging.BackgroundDone;

        Assert.True(tagging.LastOutcome is { Ok: true, Courses: 1, Proposed: 1 }, tagging.LastOutcome?.Problem ?? $"{tagging.LastOutcome}");
        await using var db = fixture.Db.Context();
        var proposal = await db.SkillProposals.SingleAsync(p => p.CourseId == saved.Current.Id && (p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Applied));
        Assert.Contains("machine-learning", proposal.Taught.Keys);
        Assert.True(await db.CourseEmbeddings.AnyAsync(e => e.CourseId == saved.Current.Id));
    }

    [Fact]
    public async Task TrainingAndThresholdChangesAreAuditedWithWhoDidThem()
    {
        var training = fixture.Db.Get<TaggerTraining>();
        var id = fixture.Trained.ModelId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Null(await training.SetThresholdAsync(fixture.Trained.ModelId, 0.8, Admin));
        Assert.Equal("There is no tagger model 99999.", await training.SetThresholdAsync(99_999, 0.8, Admin));
        try
        {
            await using var db = fixture.Db.Context();
            var entries = await db.AuditEntries.Where(a => a.Entity == "TaggerModel" && a.EntityId == id).OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(["Trained", "Promoted"], entries.Take(2).Select(e => e.Action));
            var threshold = entries.Last(e => e.Action == "Threshold set");
            Assert.Equal(Admin, threshold.Actor);
            Assert.Contains("0.800", threshold.Summary);
        }
        finally { await training.SetThresholdAsync(fixture.Trained.ModelId, fixture.Trained.Threshold); }
    }

    private static IEnumerable<PlanItem> AllPicks(PlanDocument plan) => plan.Tracks.InPerson.Concat(plan.Tracks.Online).Concat(plan.Tracks.Free);
}
