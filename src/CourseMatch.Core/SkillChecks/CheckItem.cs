using CourseMatch.Catalog;

namespace CourseMatch.SkillChecks;

public enum ItemKind { Choice, Number }

/// <summary>
/// One question of the skills check: a self-contained item at a known level of one skill, testing one of its level
/// descriptors. Its prompt, choices and explanation are restricted markup (<see cref="ItemMarkup"/>): text, code and MathML.
/// </summary>
public class CheckItem
{
    public int Id { get; set; }
    /// <summary>A stable name across imports and exports ("linear-algebra-1-matrix-product").</summary>
    public required string Key { get; set; }
    public int SkillId { get; set; }
    public Skill Skill { get; set; } = null!;
    /// <summary>1–4: the lowest level at which a learner reliably answers it right.</summary>
    public int Level { get; set; }
    /// <summary>The level descriptor it tests, as it read when the item was written.</summary>
    public string Descriptor { get; set; } = "";
    public ItemKind Kind { get; set; }
    public required string Prompt { get; set; }
    /// <summary>The options of a choice item, in the order shown; empty for a number item.</summary>
    public string[] Choices { get; set; } = [];
    /// <summary>The right option's index (choice) or the number (number), as invariant text.</summary>
    public required string Answer { get; set; }
    /// <summary>How far a typed number may be from <see cref="Answer"/> and still be right.</summary>
    public decimal Tolerance { get; set; }
    public string Explanation { get; set; } = "";
    /// <summary>Retired items are never asked again; they stay for the history of the checks that asked them.</summary>
    public bool Retired { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>How many options a guess picks from (0: a typed number cannot be guessed).</summary>
    public int Options => Kind == ItemKind.Choice ? Choices.Length : 0;
}
