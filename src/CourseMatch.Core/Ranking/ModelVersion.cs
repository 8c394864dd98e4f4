namespace CourseMatch.Ranking;

public enum ModelStatus { Candidate, Active, Retired }

/// <summary>A trained ranking model with its measurements. At most one is Active.</summary>
public class ModelVersion
{
    public int Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public ModelStatus Status { get; set; }
    /// <summary>Trainer settings, as JSON (<see cref="StoredSettings"/>: enough to regenerate the held-out groups).</summary>
    public string Settings { get; set; } = "{}";
    /// <summary>
    /// NDCG@k of the model and the baselines on the same held-out groups, as JSON (<see cref="RankingMetrics"/>;
    /// plus a "promotion" object with the comparison it was promoted on).
    /// </summary>
    public string Metrics { get; set; } = "{}";
    /// <summary>Label sources and their counts, as JSON (<see cref="LabelSourceCounts"/>).</summary>
    public string LabelSources { get; set; } = "{}";
    /// <summary>The ML.NET model zip with its input schema (<see cref="RankerModel.ToBytes"/>).</summary>
    public byte[] Model { get; set; } = [];
    public DateTimeOffset? PromotedAt { get; set; }
}
