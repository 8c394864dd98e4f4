using CourseMatch.Recommendations;
using Npgsql;

namespace CourseMatch.Ranking;

/// <summary>
/// Real feedback as graded training rows (docs/decisions/0006-learner-simulator-and-labels.md, 0009-advisor-workspace.md).
/// One group per track of a shown plan (the ranker orders each track on its own, and an advisor's pin says
/// "first in this track", not "above every free course"); the row's features are the vector the ranker saw
/// (<see cref="RecommendationItem.Features"/>). In a plan an advisor adjusted, every pick is a row: the advisor
/// looked at all of them, so a pick left alone says "acceptable here". In other plans a pick is a row only when
/// the learner reacted to it.
/// </summary>
public static class FeedbackLabels
{
    /// <summary>The grade each kind of feedback gives a course on its own.</summary>
    public static int Grade(FeedbackKind kind) => kind switch
    {
        FeedbackKind.AdvisorPinned => 4,
        FeedbackKind.Enrolled => 4,
        FeedbackKind.Saved => 3,
        FeedbackKind.Helpful => 3,
        // Neutral: the advisor touched the pick without judging it (the direction of a move is read from the plan).
        FeedbackKind.AdvisorReordered or FeedbackKind.AdvisorUnpinned or FeedbackKind.AdvisorRestored or FeedbackKind.AdvisorNoted => AcceptedAsShown,
        // An undo on its own takes the learner back to no opinion (Resolve drops it with what it undid).
        FeedbackKind.Unsaved or FeedbackKind.Undismissed => AcceptedAsShown,
        FeedbackKind.NotHelpful => 1,
        FeedbackKind.Dismissed => 0,
        FeedbackKind.AdvisorExcluded => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A pick an advisor reviewed and left where it was.</summary>
    public const int AcceptedAsShown = 2;
    public const int MovedUp = 3;
    public const int MovedDown = 1;

    public static bool IsAdvisor(FeedbackKind kind) => kind >= FeedbackKind.AdvisorPinned;

    /// <summary>
    /// Several reactions to one course in one plan become one grade: an advisor's latest pin or exclusion wins
    /// (advisors curate); otherwise an enrolment (a fact, not an opinion); otherwise the latest reaction.
    /// </summary>
    public static int Resolve(IReadOnlyList<FeedbackKind> kindsInOrder)
    {
        if (kindsInOrder.Count == 0) throw new ArgumentException("No feedback to resolve.", nameof(kindsInOrder));
        kindsInOrder = WithoutUndone(kindsInOrder);
        if (kindsInOrder.Count == 0) return AcceptedAsShown;
        for (var i = kindsInOrder.Count - 1; i >= 0; i--)
            if (kindsInOrder[i] is FeedbackKind.AdvisorPinned or FeedbackKind.AdvisorExcluded) return Grade(kindsInOrder[i]);
        if (kindsInOrder.Contains(FeedbackKind.Enrolled)) return Grade(FeedbackKind.Enrolled);
        return Grade(kindsInOrder[^1]);
    }

    /// <summary>
    /// The reactions that still stand: an Unsaved cancels every Saved before it and an Undismissed every
    /// Dismissed before it, and the undo itself goes too, so a learner who clicked Save by mistake and undid it
    /// says nothing about the pick (not "liked, then neutral").
    /// </summary>
    public static List<FeedbackKind> WithoutUndone(IEnumerable<FeedbackKind> kindsInOrder)
    {
        var kept = new List<FeedbackKind>();
        foreach (var kind in kindsInOrder)
        {
            if (kind == FeedbackKind.Unsaved) kept.RemoveAll(k => k == FeedbackKind.Saved);
            else if (kind == FeedbackKind.Undismissed) kept.RemoveAll(k => k == FeedbackKind.Dismissed);
            else kept.Add(kind);
        }
        return kept;
    }

    /// <summary>
    /// The grade of a pick in a plan an advisor adjusted, from where the plan stands now (so an undone pin or
    /// a restored exclusion no longer counts): excluded 0, pinned 4; then the learner's own reaction; then a
    /// pick the advisor placed (moved, or unpinned where a pin put it), up 3 or down 1; a pick left alone 2.
    /// </summary>
    public static int AdvisedGrade(bool excluded, bool pinned, int rank, int position, IReadOnlyList<FeedbackKind> kindsInOrder)
    {
        if (excluded) return Grade(FeedbackKind.AdvisorExcluded);
        if (pinned) return Grade(FeedbackKind.AdvisorPinned);
        var learner = WithoutUndone(kindsInOrder.Where(k => !IsAdvisor(k)));
        if (learner.Count > 0) return Resolve(learner);
        // Placed by the advisor: moved, or pinned and later unpinned where the pin put it (the learner still sees it there).
        var placed = kindsInOrder.Contains(FeedbackKind.AdvisorReordered) || kindsInOrder.Contains(FeedbackKind.AdvisorPinned);
        if (placed && position != rank) return position < rank ? MovedUp : MovedDown;
        return AcceptedAsShown;
    }

    /// <param name="SkippedSmallGroups">Plan tracks that say nothing about order: fewer than two graded picks, or all graded alike.</param>
    public sealed record Stats(int FeedbackRows, int LabeledRows, int Groups, int SkippedWithoutFeatures, int SkippedSmallGroups);

    /// <summary>
    /// Reads every plan someone reacted to, with the features each pick kept, as one group per track. A track
    /// needs at least two picks graded differently to say anything about order; others are counted and skipped.
    /// </summary>
    public static async Task<(List<RankingGroup> Groups, Stats Stats)> LoadGroupsAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        int rows, skipped;
        await using (var count = db.CreateCommand("SELECT count(*)::int, count(*) FILTER (WHERE recommendation_id IS NULL)::int FROM feedback"))
        await using (var r = await count.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (rows, skipped) = (r.GetInt32(0), r.GetInt32(1));
        }

        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT ON (i.recommendation_id, i.course_id)
                   i.recommendation_id, i.course_id, i.features, i.rank, i.position, i.pinned, i.excluded, i.track,
                   coalesce((SELECT array_agg(f.kind ORDER BY f.created_at, f.id) FROM feedback f
                             WHERE f.recommendation_id = i.recommendation_id AND f.course_id = i.course_id), '{}') AS kinds
            FROM recommendation_items i
            WHERE EXISTS (SELECT 1 FROM feedback f WHERE f.recommendation_id = i.recommendation_id)
            ORDER BY i.recommendation_id, i.course_id, i.id
            """);
        var byPlan = new SortedDictionary<int, List<(int CourseId, float[]? Features, int Rank, int Position, bool Pinned, bool Excluded, Track Track, List<FeedbackKind> Kinds)>>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var planId = r.GetInt32(0);
                var features = r.IsDBNull(2) ? null : r.GetFieldValue<float[]>(2);
                // Undone reactions go before anything counts them: a pick whose only reaction was undone is no row.
                var kinds = WithoutUndone(r.GetFieldValue<string[]>(8).Select(Enum.Parse<FeedbackKind>));
                if (!byPlan.TryGetValue(planId, out var plan)) byPlan[planId] = plan = [];
                plan.Add((r.GetInt32(1), features, r.GetInt32(3), r.GetInt32(4), r.GetBoolean(5), r.GetBoolean(6), Enum.Parse<Track>(r.GetString(7)), kinds));
            }
        }

        var groups = new List<RankingGroup>();
        int labeled = 0, small = 0;
        foreach (var (planId, items) in byPlan)
        {
            // An advisor who adjusted any pick reviewed the whole plan: every pick of every track is a row.
            var advised = items.Any(i => i.Kinds.Any(IsAdvisor));
            foreach (var track in items.GroupBy(i => i.Track).OrderBy(t => t.Key))
            {
                var graded = new List<(int CourseId, float[] Features, int Grade)>();
                foreach (var i in track.OrderBy(i => i.CourseId))
                {
                    if (!advised && i.Kinds.Count == 0) continue;
                    if (i.Features is null || i.Features.Length != FeatureVector.Count)
                    {
                        skipped += i.Kinds.Count;
                        continue;
                    }
                    graded.Add((i.CourseId, i.Features, advised ? AdvisedGrade(i.Excluded, i.Pinned, i.Rank, i.Position, i.Kinds) : Resolve(i.Kinds)));
                }
                if (graded.Count < 2 || graded.All(g => g.Grade == graded[0].Grade))
                {
                    if (graded.Count > 0) small++;
                    continue;
                }
                groups.Add(new RankingGroup($"real:{planId}:{RecommendationService.TrackKey(track.Key)}", LabelSource.Real,
                    [.. graded.Select(g => g.CourseId)], [.. graded.Select(g => g.Features)], [.. graded.Select(g => g.Grade)])
                {
                    SplitKey = $"real:{planId}",
                });
                labeled += graded.Count;
            }
        }
        return (groups, new Stats(rows, labeled, groups.Count, skipped, small));
    }
}
