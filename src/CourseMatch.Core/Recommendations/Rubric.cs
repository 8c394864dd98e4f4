namespace CourseMatch.Recommendations;

/// <summary>
/// The transparent fallback ranker: a short weighted sum over the same features the model sees.
/// Weights favour closing the learner's gaps with courses they are ready for, at a price and pace that fit.
/// </summary>
public static class Rubric
{
    public static readonly (int Feature, float Weight)[] Weights =
    [
        (FeatureVector.SkillGapCoverage, 3.0f),
        (FeatureVector.PrerequisiteReadiness, 2.0f),
        (FeatureVector.Redundancy, -1.5f),
        (FeatureVector.LevelOvershoot, -1.0f),
        (FeatureVector.PriceToBudget, -0.8f),
        (FeatureVector.FormatMatch, 1.0f),
        (FeatureVector.PacingMatch, 0.5f),
        (FeatureVector.LocationMatch, 0.5f),
        (FeatureVector.WeeklyFit, 0.8f),
        (FeatureVector.StartFit, 0.5f),
        (FeatureVector.GoalFit, 0.8f),
        (FeatureVector.CertificateMatch, 0.5f),
        (FeatureVector.Rating, 0.4f),
        (FeatureVector.Popularity, 0.3f),
        (FeatureVector.LevelFit, 0.7f),
    ];

    public static float Score(ReadOnlySpan<float> features)
    {
        float s = 0;
        foreach (var (feature, weight) in Weights) s += features[feature] * weight;
        return s;
    }

    /// <summary>The popularity baseline the evaluation compares against: ratings count, then rating.</summary>
    public static float Popularity(ReadOnlySpan<float> features) => features[FeatureVector.Popularity] + 0.1f * features[FeatureVector.Rating];
}
