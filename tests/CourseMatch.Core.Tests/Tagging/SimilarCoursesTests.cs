using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Tagging;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Tagging;

/// <summary>"Courses like this": nearest stored embeddings among published courses, or shared skills when a course has none.</summary>
public class SimilarCoursesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string LinearAlgebra = "Linear algebra: vectors, matrices, determinants, eigenvalues and eigenvectors, with worked exercises.";
    private const string Baking = "Baking sourdough bread at home: starters, hydration, shaping loaves and scoring the crust.";

    /// <summary>A new course teaching the given skills (slug → level), with its text encoded and stored when <paramref name="encode"/>.</summary>
    private async Task<int> CourseAsync(string slug, string text, CourseStatus status = CourseStatus.Published, CourseLevel level = CourseLevel.Beginner,
        bool encode = true, params string[] skills)
    {
        await using var db = fixture.Db.Context();
        var ids = await db.Skills.Where(s => skills.Contains(s.Slug)).Select(s => s.Id).ToListAsync();
        var course = new Course
        {
            Slug = slug, Title = $"Probe {slug}", Provider = await db.Providers.FirstAsync(), Description = text, Status = status, Level = level,
            SkillsStatus = SkillsStatus.Confirmed, Skills = ids.Select(id => new CourseSkill { SkillId = id, Level = 2 }).ToList(),
        };
        db.Courses.Add(course);
        await db.SaveChangesAsync();
        if (encode)
        {
            var vector = fixture.Db.Get<TextEmbedder>().Encode([text])[0];
            db.CourseEmbeddings.Add(new CourseEmbedding { CourseId = course.Id, TextHash = CourseTagging.Hash(text), Vector = vector });
            await db.SaveChangesAsync();
        }
        return course.Id;
    }

    private SimilarCourses Fresh(TimeSpan recheck) => new(fixture.Db.Get<ReadDatabase>()) { RecheckEvery = recheck };

    [Fact]
    public async Task NearestEmbeddingsComeFirstWithSharedSkillsAndLevelAndNeverTheCourseADraftOrAnArchivedOne()
    {
        var subject = await CourseAsync("sim-subject", LinearAlgebra, skills: ["linear-algebra", "python"]);
        var near = await CourseAsync("sim-near", "Matrices and vectors: eigenvalues, determinants and linear maps for beginners.", skills: ["linear-algebra"]);
        var far = await CourseAsync("sim-far", Baking, level: CourseLevel.Advanced);
        var draft = await CourseAsync("sim-draft", LinearAlgebra, CourseStatus.Draft, skills: ["linear-algebra"]);
        var archived = await CourseAsync("sim-archived", LinearAlgebra, CourseStatus.Archived, skills: ["linear-algebra"]);

        var similar = await fixture.Db.Get<SimilarCourses>().ForAsync(subject);

        Assert.InRange(similar.Count, 2, SimilarCourses.MaxShown);
        var ids = similar.Select(s => s.Id).ToList();
        Assert.DoesNotContain(subject, ids);
        Assert.DoesNotContain(draft, ids);
        Assert.DoesNotContain(archived, ids);
        Assert.Equal(near, ids[0]);
        Assert.True(ids.IndexOf(near) < ids.IndexOf(far));
        Assert.Equal(["Linear algebra"], similar[0].SharedSkills);
        Assert.True(similar[0].SameLevel);
        var baking = similar.Single(s => s.Id == far);
        Assert.Empty(baking.SharedSkills);
        Assert.False(baking.SameLevel);
    }

    [Fact]
    public async Task TheIndexPicksUpNewEmbeddingsWhenItRechecksAndNotBefore()
    {
        var subject = await CourseAsync("reload-subject", "Probability: random variables, expectation, variance and the central limit theorem.");
        var patient = Fresh(TimeSpan.FromHours(1));
        var eager = Fresh(TimeSpan.Zero);
        var before = (await eager.ForAsync(subject)).Select(s => s.Id).ToList();
        await patient.ForAsync(subject);

        var twin = await CourseAsync("reload-twin", "Probability theory: random variables, expectation, variance, the central limit theorem.");

        Assert.DoesNotContain(twin, before);
        Assert.Equal(twin, (await eager.ForAsync(subject))[0].Id);
        Assert.DoesNotContain(twin, (await patient.ForAsync(subject)).Select(s => s.Id));
    }

    [Fact]
    public async Task WithoutAnEmbeddingCoursesSharingTheMostTaughtSkillsComeFirstSameLevelBeforeOthers()
    {
        var subject = await CourseAsync("fallback-subject", "Short.", encode: false, skills: ["discrete-math", "optimization"]);
        var both = await CourseAsync("fallback-both", "Short.", encode: false, skills: ["discrete-math", "optimization"]);
        await CourseAsync("fallback-one", "Short.", encode: false, skills: ["optimization"]);
        await CourseAsync("fallback-advanced", "Short.", level: CourseLevel.Advanced, encode: false, skills: ["discrete-math", "optimization"]);
        var draft = await CourseAsync("fallback-draft", "Short.", CourseStatus.Draft, encode: false, skills: ["discrete-math", "optimization"]);

        var similar = await fixture.Db.Get<SimilarCourses>().ForAsync(subject);

        var ids = similar.Select(s => s.Id).ToList();
        Assert.DoesNotContain(subject, ids);
        Assert.DoesNotContain(draft, ids);
        Assert.Equal(both, ids[0]);
        Assert.Equal(["Discrete mathematics", "Optimization"], similar[0].SharedSkills);
        Assert.All(similar.SkipWhile(s => s.SameLevel), s => Assert.False(s.SameLevel));
        var sameLevel = similar.TakeWhile(s => s.SameLevel).Select(s => s.SharedSkills.Count).ToList();
        Assert.Equal(sameLevel.OrderDescending(), sameLevel);
        Assert.All(similar, s => Assert.NotEmpty(s.SharedSkills));
    }

    [Fact]
    public async Task TheSameCourseInAnotherSourcesWordsIsALookAlikeButAnotherCourseOnTheTopicIsNot()
    {
        var curated = await CourseAsync("twin-curated",
            "Introduction to Machine Learning with Python: supervised learning, linear and logistic regression, decision trees, cross-validation and model evaluation with scikit-learn.");
        var imported = await CourseAsync("twin-imported",
            "Intro to machine learning in Python. Supervised learning: linear and logistic regression, decision trees, cross validation, evaluating models with scikit-learn.",
            CourseStatus.Draft);
        var sameFeed = await CourseAsync("twin-same-feed",
            "Introduction to Machine Learning with Python: supervised learning, linear and logistic regression, decision trees, cross-validation and evaluating models in scikit-learn.");
        var otherCourse = await CourseAsync("twin-other",
            "Deep learning with PyTorch: neural networks, backpropagation, convolutional networks for images and training on GPUs.", CourseStatus.Draft);
        await using (var db = fixture.Db.Context())
        {
            db.CourseSources.AddRange(
                new global::CourseMatch.Curation.CourseSource { CourseId = imported, Feed = "aggregator", ExternalKey = "ml-101" },
                new global::CourseMatch.Curation.CourseSource { CourseId = sameFeed, Feed = "aggregator", ExternalKey = "ml-101-b" });
            await db.SaveChangesAsync();
        }
        var alike = await Fresh(TimeSpan.Zero).LookAlikesAsync([imported, otherCourse]);

        var twin = Assert.Single(alike).Value;
        Assert.Equal(imported, Assert.Single(alike).Key);
        Assert.Equal((curated, "Probe twin-curated", (string?)null), (twin.Id, twin.Title, twin.Feed));
        Assert.True(twin.Similarity >= SimilarCourses.LookAlikeSimilarity);
        // The one from the same feed is nearer still, but a feed keys each of its courses once: two rows, two courses.
        Assert.NotEqual(sameFeed, twin.Id);
    }
}
