using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Ranking;
using CourseMatch.Recommendations;
using Npgsql;

namespace CourseMatch.SkillChecks;

/// <summary>What plans gain from measured levels: the ranking's NDCG@5 against the learner simulator's judgement of each
/// course for the learner's <b>true</b> levels, ranked from self-rated, measured and true levels, and how many plans change.</summary>
public sealed record CheckImpactResult(int Learners, double NdcgSelfRated, double NdcgMeasured, double NdcgTrue, double PlansChanged, double SkillsOff);

/// <summary>
/// Simulated learners (the ranker's personas, their sampled levels taken as the truth) rate themselves by the stated bias
/// model and take the check on the real item bank (<see cref="CheckSimulation"/>); each version of their answers is
/// ranked by the rubric over the same pool of candidates, and graded by the simulator for the true levels.
/// </summary>
public static class CheckImpact
{
    public const int K = 5;

    public static async Task<CheckImpactResult> MeasureAsync(NpgsqlDataSource db, Candidates candidates,
        IReadOnlyDictionary<string, List<(int Level, int Options)>> bank, int learners, int seed, CancellationToken ct = default)
    {
        var rng = new Random(seed);
        var taxonomy = await SkillTaxonomy.LoadAsync(db, ct);
        var simulator = new LearnerSimulator();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        double self = 0, measured = 0, truth = 0, changed = 0, off = 0, skills = 0;
        var counted = 0;
        for (var n = 0; n < learners; n++)
        {
            var real = Personas.Pick(rng).Sample(rng, taxonomy);
            var rated = With(real, s => CheckSimulation.SelfRating(real.Level(s), rng));
            var checkedLevels = With(real, s => bank.TryGetValue(s, out var items) ? CheckSimulation.TakeCheck(items, real.Level(s), rng).Level : rated.Level(s));
            foreach (var s in taxonomy.Slugs)
            {
                skills++;
                if (rated.Level(s) != real.Level(s)) off++;
            }

            var context = await LearnerContext.ResolveAsync(db, real, taxonomy, ct);
            var pool = new Dictionary<int, CandidateCourse>();
            foreach (var profile in new[] { real, rated, checkedLevels })
                foreach (var c in await candidates.FindAsync(profile, context, today, ct)) pool.TryAdd(c.Id, c);
            var courses = pool.Values.OrderBy(c => c.Id).ToList();
            if (courses.Count == 0) continue;
            var grades = courses.Select(c => simulator.Grade(real, c, today)).ToList();
            if (grades.All(g => g == 0)) continue;

            List<int> Top(LearnerProfile p) => [.. Order(p, courses, today).Take(K)];
            double Ndcg(LearnerProfile p) => Ranking.Ndcg.At([.. Order(p, courses, today).Select(i => grades[i])], K) ?? 0;
            self += Ndcg(rated);
            measured += Ndcg(checkedLevels);
            truth += Ndcg(real);
            if (!Top(rated).SequenceEqual(Top(checkedLevels))) changed++;
            counted++;
        }
        return new CheckImpactResult(counted, self / counted, measured / counted, truth / counted, changed / counted, off / skills);
    }

    /// <summary>Candidate indexes in the order a plan would rank them for <paramref name="p"/>: courses that take it nowhere it wants go last.</summary>
    private static IEnumerable<int> Order(LearnerProfile p, List<CandidateCourse> courses, DateOnly today) =>
        Enumerable.Range(0, courses.Count)
            .Select(i => (i, Score: p.Gains(courses[i].Teaches) ? Rubric.Score(FeatureVector.Compute(p, courses[i], today)) : float.MinValue))
            .OrderByDescending(x => x.Score).ThenBy(x => courses[x.i].Id).Select(x => x.i);

    private static LearnerProfile With(LearnerProfile p, Func<string, int> level)
    {
        var copy = p.Copy();
        copy.Skills = p.Skills.ToDictionary(s => s.Key, s => level(s.Key));
        return copy;
    }
}
