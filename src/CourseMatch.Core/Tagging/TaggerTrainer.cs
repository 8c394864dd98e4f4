using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace CourseMatch.Tagging;

/// <summary>Training settings; the same settings and labels give the same model.</summary>
public sealed record TaggerSettings
{
    public int Seed { get; init; } = 20_261_201;
    /// <summary>L2 weight of the skill classifiers (a few hundred courses meet 400 features).</summary>
    public float ClassifierL2 { get; init; } = 0.1f;
    public float LevelL2 { get; init; } = 0.5f;
}

/// <summary>
/// Trains the tagger from labelled courses already encoded (no database): per skill, ML.NET's L-BFGS logistic
/// regression for "taught" and for "required"; SDCA regressions for the levels. One thread each, so runs repeat exactly.
/// </summary>
public static class TaggerTrainer
{
    private sealed class BinaryRow { public bool Label; public float[] Features = []; }
    private sealed class LevelRow { public float Label; public float[] Features = []; }

    /// <summary>The texts whose embeddings anchor each skill: its name, then its level descriptors 0–4.</summary>
    public static IReadOnlyList<string> AnchorTexts(TaggerSkill skill) => [skill.Name, .. skill.LevelDescriptors.Select(d => $"{skill.Name}: {d}")];

    public static float[][][] Anchors(IReadOnlyList<TaggerSkill> skills, TextEmbedder embedder)
    {
        var texts = skills.SelectMany(AnchorTexts).ToList();
        var vectors = embedder.Encode(texts);
        var result = new float[skills.Count][][];
        for (int s = 0, i = 0; s < skills.Count; s++)
        {
            var count = AnchorTexts(skills[s]).Count;
            result[s] = vectors[i..(i + count)];
            i += count;
        }
        return result;
    }

    public static SkillTagger Train(IReadOnlyList<TaggerSkill> skills, float[][][] anchors,
        IReadOnlyList<(LabelledCourse Course, float[] Embedding)> training, TaggerSettings settings,
        Dictionary<string, double>? taughtAt = null, Dictionary<string, double>? requiredAt = null)
    {
        var ml = new MLContext(settings.Seed);
        var phrases = skills.Select(KeywordTagger.Phrases).ToArray();
        var featurizer = new TaggerFeatures(anchors, phrases);
        var features = training.Select(t => featurizer.Course(t.Embedding, t.Course.Text)).ToList();
        var taught = new Dictionary<string, LinearModel>(StringComparer.Ordinal);
        var required = new Dictionary<string, LinearModel>(StringComparer.Ordinal);
        var taughtLevels = new List<LevelRow>();
        var requiredLevels = new List<LevelRow>();
        for (var s = 0; s < skills.Count; s++)
        {
            var slug = skills[s].Slug;
            if (Classifier(ml, features, training.Select(t => t.Course.Labels.Taught.ContainsKey(slug)).ToList(), settings) is { } t) taught[slug] = t;
            if (Classifier(ml, features, training.Select(t => t.Course.Labels.Required.ContainsKey(slug)).ToList(), settings) is { } r) required[slug] = r;
            foreach (var (course, embedding) in training)
            {
                if (course.Labels.Taught.TryGetValue(slug, out var level))
                    taughtLevels.Add(new LevelRow { Label = level, Features = featurizer.Level(embedding, course.Text, s) });
                if (course.Labels.Required.TryGetValue(slug, out var min))
                    requiredLevels.Add(new LevelRow { Label = min, Features = featurizer.Level(embedding, course.Text, s) });
            }
        }
        return new SkillTagger(new TaggerParameters
        {
            Skills = skills.Select(s => s.Slug).ToArray(),
            Anchors = anchors,
            Phrases = phrases,
            Taught = taught,
            Required = required,
            TaughtLevel = Regression(ml, taughtLevels, featurizer.LevelCount, settings),
            RequiredLevel = Regression(ml, requiredLevels, featurizer.LevelCount, settings),
            TaughtAt = taughtAt ?? [],
            RequiredAt = requiredAt ?? [],
        });
    }

    /// <summary>A logistic regression for one yes/no question, or null when the labels never say yes (or never no).</summary>
    private static LinearModel? Classifier(MLContext ml, List<float[]> features, List<bool> labels, TaggerSettings settings)
    {
        if (labels.All(l => l) || !labels.Any(l => l)) return null;
        var rows = features.Zip(labels, (x, y) => new BinaryRow { Label = y, Features = x }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows, Schema<BinaryRow>(features[0].Length));
        var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = settings.ClassifierL2, NumberOfThreads = 1, EnforceNonNegativity = false,
        }).Fit(data).Model;
        return new LinearModel(model.SubModel.Weights.ToArray(), model.SubModel.Bias, (float)model.Calibrator.Slope, (float)model.Calibrator.Offset);
    }

    /// <summary>A linear regression of levels; with no examples, a constant level 1.</summary>
    private static LinearModel Regression(MLContext ml, List<LevelRow> rows, int count, TaggerSettings settings)
    {
        if (rows.Count == 0) return new LinearModel(new float[count], 1);
        var data = ml.Data.LoadFromEnumerable(rows, Schema<LevelRow>(count));
        var model = ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
        {
            L2Regularization = settings.LevelL2, NumberOfThreads = 1, MaximumNumberOfIterations = 200, Shuffle = false,
        }).Fit(data).Model;
        return new LinearModel(model.Weights.ToArray(), model.Bias);
    }

    private static SchemaDefinition Schema<T>(int count)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, count);
        return schema;
    }
}

/// <summary>Per-skill probability cuts chosen on predictions of courses the predicting model did not see.</summary>
public static class TaggerCuts
{
    /// <summary>For each skill, the cut (0.10–0.90) with the best F1 over the given probabilities; 0.5 when the labels never say yes.</summary>
    public static Dictionary<string, double> Best(IReadOnlyList<string> skills, IReadOnlyList<double[]> probabilities, IReadOnlyList<IReadOnlyDictionary<string, int>> truth)
    {
        var cuts = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var s = 0; s < skills.Count; s++)
        {
            var (best, bestF1) = (SkillTagger.DefaultCut, -1.0);
            if (!truth.Any(t => t.ContainsKey(skills[s]))) { cuts[skills[s]] = best; continue; }
            for (var cut = 0.10; cut <= 0.901; cut += 0.05)
            {
                int tp = 0, fp = 0, fn = 0;
                for (var i = 0; i < probabilities.Count; i++)
                {
                    var yes = probabilities[i][s] >= cut;
                    var real = truth[i].ContainsKey(skills[s]);
                    if (yes && real) tp++; else if (yes) fp++; else if (real) fn++;
                }
                var f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
                if (f1 > bestF1 + 1e-9) (best, bestF1) = (Math.Round(cut, 2), f1);
            }
            cuts[skills[s]] = best;
        }
        return cuts;
    }
}
