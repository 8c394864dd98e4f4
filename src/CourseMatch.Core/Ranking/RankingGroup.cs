using System.Text;

namespace CourseMatch.Ranking;

/// <summary>Where a group's labels came from. Every metric names one of these.</summary>
public static class LabelSource
{
    /// <summary>Synthetic learners sampled from <see cref="Personas"/>, graded by the <see cref="LearnerSimulator"/>.</summary>
    public const string Synthetic = "synthetic";
    /// <summary>Real feedback (advisor pins and exclusions, enrolments, saves, dismissals) mapped by <see cref="FeedbackLabels"/>.</summary>
    public const string Real = "real";

    public static string Describe(string source) => source switch
    {
        Synthetic => "synthetic labels (learner simulator, docs/decisions/0006)",
        Real => "real feedback labels",
        _ => source,
    };
}

/// <summary>
/// One query group for learning to rank: one learner's candidates, the feature vector of each (in
/// <see cref="Recommendations.FeatureVector"/> order), and a grade 0–4 for each. <paramref name="Key"/> is stable
/// ("synthetic:{seed}:{i}" or "real:{recommendationId}") and decides the held-out split.
/// </summary>
public sealed record RankingGroup(string Key, string Source, IReadOnlyList<int> CourseIds, IReadOnlyList<float[]> Features, IReadOnlyList<int> Labels)
{
    public int Count => Labels.Count;

    /// <summary>
    /// What decides the held-out side: the key itself, except that the tracks of one real plan share the plan's
    /// key ("real:{recommendationId}"), so one learner's plan is never half trained on and half measured.
    /// </summary>
    public string SplitKey { get; init; } = Key;
}

/// <summary>
/// The deterministic train / held-out split: a group is held out when a stable hash (FNV-1a) of its key falls
/// in the first <c>percent</c> of 100 buckets. The same key is always on the same side, whatever else changes.
/// </summary>
public static class HoldoutSplit
{
    public const int DefaultPercent = 20;

    public static bool IsHeldOut(string key, int percent = DefaultPercent) => Bucket(key) < percent;

    /// <summary>Whether the group is held out, decided by its <see cref="RankingGroup.SplitKey"/> (a real plan's tracks go together).</summary>
    public static bool IsHeldOut(RankingGroup group, int percent = DefaultPercent) => IsHeldOut(group.SplitKey, percent);

    public static int Bucket(string key)
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(key)) hash = (hash ^ b) * 16777619;
        return (int)(hash % 100);
    }

    public static (List<RankingGroup> Train, List<RankingGroup> HeldOut) Split(IEnumerable<RankingGroup> groups, int percent = DefaultPercent)
    {
        var train = new List<RankingGroup>();
        var heldOut = new List<RankingGroup>();
        foreach (var g in groups) (IsHeldOut(g, percent) ? heldOut : train).Add(g);
        return (train, heldOut);
    }
}
