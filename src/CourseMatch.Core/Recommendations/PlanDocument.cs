namespace CourseMatch.Recommendations;

/// <summary>The plan as the API returns it (POST /api/recommendations, GET /api/plans/{token}, coursematch recommend).</summary>
public sealed record PlanDocument
{
    public required string Token { get; init; }
    /// <summary>The model version id that ranked the plan, or null when the rubric did.</summary>
    public int? ModelVersion { get; init; }
    public required string Ranker { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>The plan belongs to an advised learner: its order and notes are the advisor's.</summary>
    public bool Advised { get; init; }
    public required PlanTracks Tracks { get; init; }
    /// <summary>Why a track has no picks, keyed inPerson / online / free.</summary>
    public IReadOnlyDictionary<string, string> EmptyTracks { get; init; } = new Dictionary<string, string>();
    public required IReadOnlyList<PlanItem> Path { get; init; }
    /// <summary>Per skill: the learner's level now and the level the path reaches.</summary>
    public required IReadOnlyList<SkillProgress> Skills { get; init; }
}

public sealed record PlanTracks(IReadOnlyList<PlanItem> InPerson, IReadOnlyList<PlanItem> Online, IReadOnlyList<PlanItem> Free);

public sealed record PlanItem
{
    public required string Slug { get; init; }
    public required string Title { get; init; }
    public required string Provider { get; init; }
    public required int Rank { get; init; }
    public required double Score { get; init; }
    public required IReadOnlyList<string> Reasons { get; init; }
    public required string Track { get; init; }
    public required string Format { get; init; }
    public string? Price { get; init; }
    public string? Place { get; init; }
    /// <summary>The advisor's note on this pick, if any (plain text).</summary>
    public string? Note { get; init; }
    /// <summary>The advisor pinned this pick at its rank.</summary>
    public bool Pinned { get; init; }
}

public sealed record SkillProgress(string Slug, string Name, int Now, int Reaches);
