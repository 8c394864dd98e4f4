namespace CourseMatch.Tagging;

/// <summary>A linear model as numbers: score = w·x + b; for a classifier, probability = 1 / (1 + e^(slope·score + offset)).</summary>
public sealed record LinearModel(float[] Weights, float Bias, float Slope = 0, float Offset = 0)
{
    public float Score(ReadOnlySpan<float> x) => System.Numerics.Tensors.TensorPrimitives.Dot(Weights, x) + Bias;
    public double Probability(ReadOnlySpan<float> x) => 1 / (1 + Math.Exp(Slope * Score(x) + Offset));
}

/// <summary>
/// The trained tagger's parameters, stored as JSON with its model version: per skill a classifier for "taught" and one
/// for "required", a level model for each, and the skills' anchor embeddings (name and level descriptors) the features
/// are measured against.
/// </summary>
public sealed record TaggerParameters
{
    public string Encoder { get; init; } = TextEmbedder.ModelName;
    public required string[] Skills { get; init; }
    /// <summary>Per skill, in <see cref="Skills"/> order: the name's embedding, then the descriptors' of levels 0–4.</summary>
    public required float[][][] Anchors { get; init; }
    /// <summary>Per skill, the words that name it (its name, its slug's words).</summary>
    public required string[][] Phrases { get; init; }
    public required Dictionary<string, LinearModel> Taught { get; init; }
    public required Dictionary<string, LinearModel> Required { get; init; }
    public required LinearModel TaughtLevel { get; init; }
    public required LinearModel RequiredLevel { get; init; }
    /// <summary>Per skill, the probability from which it is proposed (taught, then required): the cut with the best F1 on the training folds.</summary>
    public Dictionary<string, double> TaughtAt { get; init; } = [];
    public Dictionary<string, double> RequiredAt { get; init; } = [];
}

/// <summary>
/// The features the trained tagger reads, from a course's text embedding: the embedding itself, how close it is to
/// each skill's name and (nearest of) its level 1–4 descriptors, whether the text names the skill (the baseline's
/// whole knowledge, as one feature among many), and the level the catalog gives the course. Level models also read how
/// close the course is to each level of the one skill, and which skill it is.
/// </summary>
public sealed class TaggerFeatures(float[][][] anchors, string[][] phrases)
{
    private readonly System.Text.RegularExpressions.Regex[] mentions = phrases.Select(KeywordTagger.Pattern).ToArray();

    public int Skills => anchors.Length;
    public int CourseCount => TextEmbedder.Dimensions + 3 * Skills + 4;
    public int LevelCount => TextEmbedder.Dimensions + (Catalog.Skill.MaxLevel + 1) + 1 + Skills + 4;

    public float[] Course(float[] embedding, TaggingText text)
    {
        var x = new float[CourseCount];
        embedding.CopyTo(x, 0);
        var i = TextEmbedder.Dimensions;
        var words = text.Text;
        for (var s = 0; s < Skills; s++)
        {
            x[i++] = TextEmbedder.Cosine(embedding, anchors[s][0]);
            var best = float.MinValue;
            for (var level = 2; level < anchors[s].Length; level++) best = Math.Max(best, TextEmbedder.Cosine(embedding, anchors[s][level]));
            x[i++] = best;
            x[i++] = mentions[s].IsMatch(words) ? 1 : 0;
        }
        x[i + CatalogLevel(text.Level)] = 1;
        return x;
    }

    public float[] Level(float[] embedding, TaggingText text, int skill)
    {
        var x = new float[LevelCount];
        embedding.CopyTo(x, 0);
        var i = TextEmbedder.Dimensions;
        for (var level = 0; level <= Catalog.Skill.MaxLevel; level++) x[i++] = TextEmbedder.Cosine(embedding, anchors[skill][level + 1]);
        x[i++] = mentions[skill].IsMatch(text.Text) ? 1 : 0;
        x[i + skill] = 1;
        x[i + Skills + CatalogLevel(text.Level)] = 1;
        return x;
    }

    private static int CatalogLevel(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        "beginner" or "introductory" => 0,
        "intermediate" => 1,
        "advanced" => 2,
        _ => 3,
    };
}

/// <summary>The trained tagger: linear models over the text embedding and the skills' anchors.</summary>
public sealed class SkillTagger(TaggerParameters parameters) : ISkillTagger
{
    public const double DefaultCut = 0.5;
    private readonly TaggerFeatures features = new(parameters.Anchors, parameters.Phrases);

    public string Name => "embedding tagger";
    public TaggerParameters Parameters => parameters;

    public IReadOnlyList<Proposal> Propose(IReadOnlyList<TaggingText> courses, IReadOnlyList<float[]?> embeddings)
    {
        var result = new List<Proposal>(courses.Count);
        for (var c = 0; c < courses.Count; c++)
            result.Add(courses[c].TooShort || embeddings[c] is not { } e ? Proposal.TooLittleText : Propose(courses[c], e));
        return result;
    }

    /// <summary>Per skill, the probabilities that the course teaches it and requires it (a skill without a classifier: 0).</summary>
    public (double[] Taught, double[] Required) Probabilities(TaggingText text, float[] embedding)
    {
        var x = features.Course(embedding, text);
        var taught = new double[parameters.Skills.Length];
        var required = new double[parameters.Skills.Length];
        for (var s = 0; s < parameters.Skills.Length; s++)
        {
            taught[s] = parameters.Taught.TryGetValue(parameters.Skills[s], out var t) ? t.Probability(x) : 0;
            required[s] = parameters.Required.TryGetValue(parameters.Skills[s], out var r) ? r.Probability(x) : 0;
        }
        return (taught, required);
    }

    public Proposal Propose(TaggingText text, float[] embedding)
    {
        var (pTaught, pRequired) = Probabilities(text, embedding);
        var taught = new List<SkillGuess>();
        var required = new List<SkillGuess>();
        var notTaught = 1.0;
        for (var s = 0; s < parameters.Skills.Length; s++)
        {
            var slug = parameters.Skills[s];
            var taughtAt = parameters.TaughtAt.GetValueOrDefault(slug, DefaultCut);
            // How sure "not taught" is: the skill's distance below its cut, as a probability-like share.
            notTaught = Math.Min(notTaught, pTaught[s] >= taughtAt ? 0 : 1 - pTaught[s] / taughtAt * 0.5);
            if (pTaught[s] >= taughtAt) taught.Add(new SkillGuess(slug, Round(parameters.TaughtLevel.Score(features.Level(embedding, text, s))), Sure(pTaught[s], taughtAt)));
            if (pRequired[s] >= parameters.RequiredAt.GetValueOrDefault(slug, DefaultCut))
                required.Add(new SkillGuess(slug, Round(parameters.RequiredLevel.Score(features.Level(embedding, text, s))), Sure(pRequired[s], parameters.RequiredAt.GetValueOrDefault(slug, DefaultCut))));
        }
        // A course that teaches a skill requires less of it than it teaches, or nothing.
        required = required.Select(r => taught.FirstOrDefault(t => t.Skill == r.Skill) is { } t && r.Level >= t.Level ? r with { Level = t.Level - 1 } : r)
            .Where(r => r.Level >= 1).ToList();
        return new Proposal(taught, required, notTaught);
    }

    /// <summary>A probability above the skill's cut as a confidence: 0.5 at the cut, 1 at certainty.</summary>
    private static double Sure(double p, double cut) => cut >= 1 ? 0.5 : 0.5 + 0.5 * (p - cut) / (1 - cut);

    private static int Round(float level) => Math.Clamp((int)MathF.Round(level), 1, Catalog.Skill.MaxLevel);
}
