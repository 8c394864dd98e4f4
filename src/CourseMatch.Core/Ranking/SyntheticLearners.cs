using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Npgsql;

namespace CourseMatch.Ranking;

/// <summary>
/// Synthetic training groups: learner i of a run is drawn from <see cref="Personas"/> with its own
/// <see cref="Random"/> seeded from (seed, i), its candidates come from the real catalog through the same
/// <see cref="Candidates"/> query the app uses, its features from <see cref="FeatureVector"/>, its labels from the
/// <see cref="LearnerSimulator"/>. So any single learner can be regenerated alone (the held-out ones, say).
/// </summary>
public sealed class SyntheticLearners(NpgsqlDataSource db, Candidates candidates)
{
    public sealed record Learner(int Index, Persona Persona, LearnerProfile Profile, RankingGroup Group);

    public static string Key(int seed, int index) => $"synthetic:{seed}:{index}";

    /// <summary>Learner <paramref name="index"/>'s own generator (not HashCode.Combine: that differs per process).</summary>
    public static Random RandomFor(int seed, int index) => new(unchecked(seed * 1_000_003 + index * 7_919 + 17) & int.MaxValue);

    /// <summary>
    /// Learners 0..count−1 (those <paramref name="include"/> accepts, all when null). Learners with fewer than two
    /// candidates are left out: order cannot matter for them.
    /// </summary>
    public async Task<List<Learner>> GenerateAsync(int count, int seed, DateOnly today,
        LearnerSimulator? simulator = null, Func<int, bool>? include = null, CancellationToken ct = default)
    {
        simulator ??= new LearnerSimulator();
        var results = new Learner?[count];
        var taxonomy = await SkillTaxonomy.LoadAsync(db, ct);
        var indices = Enumerable.Range(0, count).Where(i => include?.Invoke(i) ?? true);
        await Parallel.ForEachAsync(indices, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount * 2), CancellationToken = ct },
            async (i, token) =>
            {
                var rng = RandomFor(seed, i);
                var persona = Personas.Pick(rng);
                var profile = persona.Sample(rng, taxonomy);
                var context = await LearnerContext.ResolveAsync(db, profile, taxonomy, token);
                var found = await candidates.FindAsync(profile, context, today, token);
                if (found.Count < 2) return;
                found.Sort((a, b) => a.Id.CompareTo(b.Id)); // a fixed order, whatever order the query returned
                var features = found.Select(c => FeatureVector.Compute(profile, c, today)).ToArray();
                var labels = found.Select(c => simulator.Grade(profile, c, today, rng)).ToArray();
                results[i] = new Learner(i, persona, profile, new RankingGroup(Key(seed, i), LabelSource.Synthetic, [.. found.Select(c => c.Id)], features, labels));
            });
        return [.. results.OfType<Learner>()];
    }
}
