using CourseMatch.Ranking;

namespace CourseMatch.Tagging;

public enum ProposalStatus
{
    /// <summary>Waiting for review.</summary>
    Pending,
    /// <summary>Above the auto-apply threshold: written to the course as inferred, still open for review.</summary>
    Applied,
    Accepted,
    Corrected,
    Rejected,
    /// <summary>Replaced by a newer proposal (the course's text changed, or a newer tagger ran).</summary>
    Superseded,
}

/// <summary>A level and the tagger's confidence in the skill (0–1), as a proposal stores them.</summary>
public sealed record LevelGuess(int Level, double Confidence);

/// <summary>
/// What a tagger proposed for a course, and what a person decided. A decided proposal is a label: accepted, it says the
/// proposal was right; corrected, <see cref="FinalTaught"/> and <see cref="FinalRequired"/> say what is; rejected, the
/// course teaches none of the proposed skills.
/// </summary>
public class SkillProposal
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public Catalog.Course Course { get; set; } = null!;
    /// <summary>The tagger model that proposed it; null for the keyword baseline.</summary>
    public int? TaggerModelId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public Dictionary<string, LevelGuess> Taught { get; set; } = [];
    public Dictionary<string, LevelGuess> Required { get; set; } = [];
    public double OutsideConfidence { get; set; }
    public double Confidence { get; set; }
    public bool NotEnoughText { get; set; }
    /// <summary>Saved learners below a proposed level in one of the proposed skills when it was made: whom reviewing it helps.</summary>
    public int Reach { get; set; }
    public ProposalStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Dictionary<string, int>? FinalTaught { get; set; }
    public Dictionary<string, int>? FinalRequired { get; set; }

    public bool IsOpen => Status is ProposalStatus.Pending or ProposalStatus.Applied;
}

/// <summary>A course's text embedding, kept so tagging again and "courses like this" do not encode it again.</summary>
public class CourseEmbedding
{
    public int CourseId { get; set; }
    public string Encoder { get; set; } = TextEmbedder.ModelName;
    /// <summary>SHA-256 of the text that was encoded: a changed text is encoded again.</summary>
    public string TextHash { get; set; } = "";
    public float[] Vector { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>A trained skill tagger with its evaluation beside the keyword baseline. At most one is Active.</summary>
public class TaggerModel
{
    public int Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public ModelStatus Status { get; set; }
    /// <summary><see cref="TaggerSettings"/> as JSON.</summary>
    public string Settings { get; set; } = "{}";
    /// <summary><see cref="TaggerEvaluation"/> as JSON.</summary>
    public string Metrics { get; set; } = "{}";
    /// <summary><see cref="TaggerParameters"/> as JSON.</summary>
    public string Parameters { get; set; } = "{}";
    /// <summary>Proposals at or above this confidence are applied as inferred; the admin may change it.</summary>
    public double AutoApplyThreshold { get; set; }
    public DateTimeOffset? PromotedAt { get; set; }
}
