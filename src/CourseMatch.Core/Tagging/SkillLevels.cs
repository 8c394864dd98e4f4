using System.Globalization;

namespace CourseMatch.Tagging;

/// <summary>
/// A course's skills as the tagger sees them, by skill slug: taught (level reached, 1–4) and required (minimum level).
/// No skills taught means the course is outside the taxonomy.
/// </summary>
public sealed record SkillLevels(IReadOnlyDictionary<string, int> Taught, IReadOnlyDictionary<string, int> Required)
{
    public static readonly SkillLevels Outside = new(new Dictionary<string, int>(), new Dictionary<string, int>());

    public bool IsOutside => Taught.Count == 0;

    /// <summary>Reads the catalog's "skill:level; skill:level" form (as in <see cref="Curation.CourseRecord"/>); throws on anything else.</summary>
    public static Dictionary<string, int> ParseList(string? text)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in (text ?? "").Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bits = part.Split(':', 2, StringSplitOptions.TrimEntries);
            if (bits.Length != 2 || !int.TryParse(bits[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) || level is < 1 or > Catalog.Skill.MaxLevel)
                throw new FormatException($"\"{part}\" is not skill:level with a level of 1–4.");
            if (!result.TryAdd(bits[0], level)) throw new FormatException($"{bits[0]} is listed twice.");
        }
        return result;
    }

    public static string Format(IReadOnlyDictionary<string, int> levels) =>
        string.Join("; ", levels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}:{l.Value}"));
}

/// <summary>The skills of the taxonomy as the tagger needs them: slug, name and the five level descriptors (0–4).</summary>
public sealed record TaggerSkill(string Slug, string Name, IReadOnlyList<string> LevelDescriptors);

/// <summary>One guessed skill with its level and how sure the tagger is (0–1).</summary>
public sealed record SkillGuess(string Skill, int Level, double Confidence);

/// <summary>
/// What a tagger proposes for a course: skills taught and prerequisites with levels and confidences, or outside the
/// taxonomy (no skill taught) with how sure it is of that, or not enough text to say.
/// </summary>
public sealed record Proposal(IReadOnlyList<SkillGuess> Taught, IReadOnlyList<SkillGuess> Required, double OutsideConfidence, bool NotEnoughText = false)
{
    public static readonly Proposal TooLittleText = new([], [], 0, NotEnoughText: true);

    public bool IsOutside => !NotEnoughText && Taught.Count == 0;

    /// <summary>
    /// How sure the tagger is of the proposal as a whole: of its least sure skill taught, or of "outside". Auto-apply and
    /// the review queue's order use it.
    /// </summary>
    public double Confidence => NotEnoughText ? 0 : Taught.Count == 0 ? OutsideConfidence : Taught.Min(t => t.Confidence);

    public SkillLevels Levels => new(Taught.ToDictionary(t => t.Skill, t => t.Level, StringComparer.Ordinal),
        Required.ToDictionary(t => t.Skill, t => t.Level, StringComparer.Ordinal));
}

/// <summary>A tagger: the trained one and the keyword baseline answer the same question.</summary>
public interface ISkillTagger
{
    string Name { get; }
    /// <summary>Proposals for courses, in order; <paramref name="embeddings"/> are the courses' text embeddings (a tagger may ignore them).</summary>
    IReadOnlyList<Proposal> Propose(IReadOnlyList<TaggingText> courses, IReadOnlyList<float[]?> embeddings);
}
