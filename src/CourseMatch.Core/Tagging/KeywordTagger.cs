using System.Text.RegularExpressions;

namespace CourseMatch.Tagging;

/// <summary>
/// The baseline any tagger must beat: a skill is taught when its name (or its slug's words) appears in the text, at the
/// level the catalog gives the course (beginner 1, intermediate 2, advanced 3; otherwise 1). It proposes no
/// prerequisites, and is sure of every guess.
/// </summary>
public sealed class KeywordTagger(IReadOnlyList<TaggerSkill> skills) : ISkillTagger
{
    public string Name => "keyword baseline";

    private readonly List<(string Slug, Regex Pattern)> patterns = skills.Select(s => (s.Slug, Pattern(Phrases(s)))).ToList();

    /// <summary>The words that name a skill: its name and its slug's words ("discrete-math" → "discrete math").</summary>
    public static string[] Phrases(TaggerSkill skill) => new[] { skill.Name, skill.Slug.Replace('-', ' ') }.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    public static Regex Pattern(string[] phrases) =>
        new(@"\b(" + string.Join("|", phrases.Select(Regex.Escape)) + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public IReadOnlyList<Proposal> Propose(IReadOnlyList<TaggingText> courses, IReadOnlyList<float[]?> embeddings) =>
        courses.Select(Propose).ToList();

    public Proposal Propose(TaggingText course)
    {
        if (course.TooShort) return Proposal.TooLittleText;
        var text = course.Text;
        var level = LevelOf(course.Level);
        var taught = patterns.Where(p => p.Pattern.IsMatch(text)).Select(p => new SkillGuess(p.Slug, level, 1)).ToList();
        return new Proposal(taught, [], taught.Count == 0 ? 1 : 0);
    }

    private static int LevelOf(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        "intermediate" => 2,
        "advanced" => 3,
        _ => 1,
    };
}
