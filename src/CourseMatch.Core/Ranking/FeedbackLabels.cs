using CourseMatch.Recommendations;
using Npgsql;

namespace CourseMatch.Ranking;

/// <summary>
/// Real feedback as graded training rows (docs/decisions/0006-learner-simulator-and-labels.md).
/// One group per shown plan (recommendation); a course of the plan is a row only when someone reacted to it;
/// the row's features are the vector the ranker saw (<see cref="RecommendationItem.Features"/>).
/// </summary>
public static class FeedbackLabels
{
    /// <summary>The grade each kind of feedback gives a course.</summary>
    public static int Grade(FeedbackKind kind) => kind switch
    {
        FeedbackKind.AdvisorPinned => 4,
        FeedbackKind.Enrolled => 4,
        FeedbackKind.Saved => 3,
        FeedbackKind.Helpful => 3,
        FeedbackKind.AdvisorReordered => 2,
        FeedbackKind.NotHelpful => 1,
        FeedbackKind.Dismissed => 0,
        FeedbackKind.AdvisorExcluded => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Several reactions to one course in one plan become one grade: an advisor's latest pin or exclusion wins
    /// (advisors curate); otherwise an enrolment (a fact, not an opinion); otherwise the latest reaction.
    /// </summary>
    public static int Resolve(IReadOnlyList<FeedbackKind> kindsInOrder)
    {
        if (kindsInOrder.Count == 0) throw new ArgumentException("No feedback to resolve.", nameof(kindsInOrder));
        for (var i = kindsInOrder.Count - 1; i >= 0; i--)
            if (kindsInOrder[i] is FeedbackKind.AdvisorPinned or FeedbackKind.AdvisorExcluded) return Grade(kindsInOrder[i]);
        if (kindsInOrder.Contains(FeedbackKind.Enrolled)) return Grade(FeedbackKind.Enrolled);
        return Grade(kindsInOrder[^1]);
    }

    public sealed record Stats(int FeedbackRows, int LabeledRows, int Groups, int SkippedWithoutFeatures, int SkippedSmallGroups);

    /// <summary>
    /// Reads all feedback that belongs to a shown plan and whose plan item kept its features. A plan needs at
    /// least two graded courses to say anything about order; smaller ones are counted and skipped.
    /// </summary>
    public static async Task<(List<RankingGroup> Groups, Stats Stats)> LoadGroupsAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT f.recommendation_id, f.course_id, f.kind, ri.features
            FROM feedback f
            LEFT JOIN LATERAL (SELECT i.features FROM recommendation_items i
                               WHERE i.recommendation_id = f.recommendation_id AND i.course_id = f.course_id
                               ORDER BY i.id LIMIT 1) ri ON true
            ORDER BY f.recommendation_id NULLS LAST, f.course_id, f.created_at, f.id
            """);
        var byPlan = new SortedDictionary<int, SortedDictionary<int, (List<FeedbackKind> Kinds, float[] Features)>>();
        int rows = 0, skipped = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                rows++;
                var features = r.IsDBNull(3) ? null : r.GetFieldValue<float[]>(3);
                if (r.IsDBNull(0) || features is null || features.Length != FeatureVector.Count)
                {
                    skipped++;
                    continue;
                }
                var kind = Enum.Parse<FeedbackKind>(r.GetString(2));
                var plan = byPlan.TryGetValue(r.GetInt32(0), out var p) ? p : byPlan[r.GetInt32(0)] = new();
                var courseId = r.GetInt32(1);
                if (!plan.TryGetValue(courseId, out var entry)) plan[courseId] = entry = ([], features);
                entry.Kinds.Add(kind);
            }
        }

        var groups = new List<RankingGroup>();
        int labeled = 0, small = 0;
        foreach (var (planId, courses) in byPlan)
        {
            if (courses.Count < 2)
            {
                small++;
                continue;
            }
            groups.Add(new RankingGroup($"real:{planId}", LabelSource.Real,
                [.. courses.Keys], [.. courses.Values.Select(c => c.Features)], [.. courses.Values.Select(c => Resolve(c.Kinds))]));
            labeled += courses.Count;
        }
        return (groups, new Stats(rows, labeled, groups.Count, skipped, small));
    }
}
