namespace CourseMatch.Recommendations;

/// <summary>Scores feature vectors; higher is better. Implementations must be safe to call from many threads.</summary>
public sealed record ActiveRanker(string Kind, int? ModelVersionId, Func<IReadOnlyList<float[]>, float[]> Score)
{
    public const string ModelKind = "model";
    public const string RubricKind = "rubric";

    public static readonly ActiveRanker RubricRanker =
        new(RubricKind, null, rows => rows.Select(r => Rubric.Score(r)).ToArray());
}

/// <summary>Gives the ranker to use now: the active model version, or the rubric when none can be loaded.</summary>
public interface IRankerSource
{
    ValueTask<ActiveRanker> GetAsync(CancellationToken ct = default);

    /// <summary>Makes the next <see cref="GetAsync"/> check which ranker is active now (after a promotion or rollback); a source that never changes ignores it.</summary>
    void Invalidate() { }
}

/// <summary>Always the rubric (used where no model registry is wired, and as the fallback).</summary>
public sealed class RubricOnly : IRankerSource
{
    public ValueTask<ActiveRanker> GetAsync(CancellationToken ct = default) => ValueTask.FromResult(ActiveRanker.RubricRanker);
}
