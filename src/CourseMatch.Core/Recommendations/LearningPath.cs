using CourseMatch.Catalog;

namespace CourseMatch.Recommendations;

/// <summary>Orders picks so that each course's prerequisites come before it.</summary>
public static class LearningPath
{
    public const int MaxSteps = 8;

    /// <summary>
    /// A course goes after (a) any picked course it names as a prerequisite and (b) any picked course that
    /// raises a skill it expects from below the expected level to it. Among courses that are ready, easier
    /// and better-scored ones come first. Skill-derived orderings that would form a cycle are dropped.
    /// </summary>
    /// <param name="foundation">With targets: how foundational a course's step is (lower first), so the path starts with the
    /// most foundational wanted gap before easier-looking but less basic courses.</param>
    public static List<CandidateCourse> Order(IReadOnlyList<(CandidateCourse Course, double Score)> picks, IReadOnlyDictionary<string, int> learnerLevels,
        Func<CandidateCourse, int>? foundation = null)
    {
        var chosen = picks.OrderByDescending(p => p.Score).Take(MaxSteps).ToList();
        var ids = chosen.Select(p => p.Course.Id).ToHashSet();
        var before = chosen.ToDictionary(p => p.Course.Id, _ => new HashSet<int>()); // course → courses that must come first

        foreach (var (b, _) in chosen)
        {
            foreach (var id in b.RequiredCourseIds.Where(ids.Contains)) before[b.Id].Add(id);
            foreach (var (a, _) in chosen.Where(x => x.Course.Id != b.Id))
            {
                var helps = b.Requires.Any(r => learnerLevels.GetValueOrDefault(r.Key) < r.Value && a.Teaches.GetValueOrDefault(r.Key) >= r.Value);
                if (helps && !DependsOn(before, a.Id, b.Id)) before[b.Id].Add(a.Id);
            }
        }

        var score = chosen.ToDictionary(p => p.Course.Id, p => p.Score);
        var byId = chosen.ToDictionary(p => p.Course.Id, p => p.Course);
        var ordered = new List<CandidateCourse>();
        var done = new HashSet<int>();
        while (ordered.Count < chosen.Count)
        {
            var ready = chosen.Select(p => p.Course.Id).Where(id => !done.Contains(id) && before[id].All(done.Contains)).ToList();
            // Prerequisite courses form no cycles (the catalog rejects them), so this only guards against bad data.
            if (ready.Count == 0) ready = chosen.Select(p => p.Course.Id).Where(id => !done.Contains(id)).ToList();
            var next = ready.OrderBy(id => foundation?.Invoke(byId[id]) ?? 0).ThenBy(id => LevelRank(byId[id].Level)).ThenByDescending(id => score[id]).First();
            done.Add(next);
            ordered.Add(byId[next]);
        }
        return ordered;
    }

    /// <summary>
    /// The learner's lowest current level among the wanted skills the course raises (a course starting calculus from 0
    /// comes before one taking linear algebra from 2 to 3); courses raising nothing wanted last.
    /// </summary>
    public static int Foundation(Learners.LearnerProfile learner, CandidateCourse course) =>
        course.Teaches.Where(t => learner.Gain(t.Key, t.Value) > 0)
            .Select(t => learner.Level(t.Key)).DefaultIfEmpty(Skill.MaxLevel + 1).Min();

    private static bool DependsOn(Dictionary<int, HashSet<int>> before, int course, int on)
    {
        var stack = new Stack<int>([course]);
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            if (c == on) return true;
            if (!seen.Add(c)) continue;
            foreach (var b in before[c]) stack.Push(b);
        }
        return false;
    }

    // "All levels" sorts with intermediate: after the beginner material, before the advanced.
    private static int LevelRank(CourseLevel level) => level switch
    {
        CourseLevel.Beginner => 0,
        CourseLevel.Intermediate or CourseLevel.All => 1,
        CourseLevel.Advanced => 2,
    };
}
