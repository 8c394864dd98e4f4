namespace CourseMatch.Ranking;

public enum ModelStatus { Candidate, Active, Retired }

/// <summary>A trained ranking model with its measurements. At most one is Active.</summary>
public class ModelVersion
{
    public int Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public ModelStatus Status { get; set; }
    /// <summary>Trainer settings, as JSON.</summary>
    public string Settings { get; set; } = "{}";
    /// <summary>NDCG@k of the model and the baselines on the same held-out groups, as JSON.</summary>
    public string Metrics { get; set; } = "{}";
    /// <summary>Label sources and their counts, as JSON.</summary>
    public string LabelSources { get; set; } = "{}";
    public byte[] Model { get; set; } = [];
    public DateTimeOffset? PromotedAt { get; set; }
}
