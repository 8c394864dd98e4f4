namespace CourseMatch.SkillChecks;

/// <summary>One skill's figures in the simulation: the check's error and the self-rating's, on the same learners.</summary>
public sealed record SimulationRow(string Skill, int Learners, double CheckMae, double CheckExact, double SelfMae, double SelfExact, double MeanItems, int MostItems);

/// <summary>A simulated learner's true level, what they would say of themselves, and what the check measured.</summary>
public sealed record SimulatedLearner(string Skill, int TrueLevel, int SelfRating, int Measured, int Items);

/// <summary>
/// Learners with known true levels take the check, so its error can be measured against the truth and against what the
/// same learners would have said of themselves.
/// </summary>
/// <remarks>
/// <para>The simulated learners answer by a model stated here, deliberately not the estimator's own
/// (<see cref="AdaptiveLevel"/>): a learner at level t knows an item of level b with probability σ(2.5·(t − b + ½)) (a
/// flatter curve than the estimator assumes), slips on 8% of what they know, and when they do not know, says "I don't
/// know" with a probability of their own (between 0.2 and 0.8: some always guess) and otherwise guesses uniformly among
/// the options (a typed number is never guessed right).</para>
/// <para>The self-rating baseline: beginners (true 0–1) rate themselves one level higher, experts (3–4) one lower, level 2
/// as it is; then 30% are off by one more either way; clamped to 0–4.</para>
/// </remarks>
public static class CheckSimulation
{
    public const double TrueSlope = 2.5, TrueSlip = 0.08;

    /// <summary>Every skill's learners: <paramref name="perLevel"/> at each true level 0–4, each taking the check on that skill's items.</summary>
    public static List<SimulatedLearner> Learners(IReadOnlyDictionary<string, List<(int Level, int Options)>> bank, int perLevel, int seed)
    {
        var rng = new Random(seed);
        var learners = new List<SimulatedLearner>();
        foreach (var (skill, items) in bank.OrderBy(b => b.Key, StringComparer.Ordinal))
            for (var truth = 0; truth <= Catalog.Skill.MaxLevel; truth++)
                for (var n = 0; n < perLevel; n++)
                {
                    var (measured, asked) = TakeCheck(items, truth, rng);
                    learners.Add(new SimulatedLearner(skill, truth, SelfRating(truth, rng), measured, asked));
                }
        return learners;
    }

    public static List<SimulationRow> Table(IEnumerable<SimulatedLearner> learners) =>
        [.. learners.GroupBy(l => l.Skill).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.Key, [.. g])).Append(Row("all skills", [.. learners]))];

    private static SimulationRow Row(string skill, List<SimulatedLearner> g) => new(skill, g.Count,
        g.Average(l => Math.Abs(l.Measured - l.TrueLevel)), g.Average(l => l.Measured == l.TrueLevel ? 1.0 : 0),
        g.Average(l => Math.Abs(l.SelfRating - l.TrueLevel)), g.Average(l => l.SelfRating == l.TrueLevel ? 1.0 : 0),
        g.Average(l => l.Items), g.Max(l => l.Items));

    /// <summary>One check as <see cref="SkillChecker"/> runs it: the next level from the estimator, an unasked item at it, until done.</summary>
    internal static (int Level, int Items) TakeCheck(List<(int Level, int Options)> items, int truth, Random rng)
    {
        var dontKnowRate = 0.2 + 0.6 * rng.NextDouble();
        var left = Enumerable.Range(0, items.Count).ToList();
        var answers = new List<Answered>();
        while (!AdaptiveLevel.Done(answers, left.Count > 0))
        {
            var levels = left.Select(i => items[i].Level).ToHashSet();
            if (AdaptiveLevel.NextLevel(answers, levels, level => left.Where(i => items[i].Level == level).Max(i => items[i].Options)) is not int next) break;
            var atLevel = left.Where(i => items[i].Level == next).ToList();
            var pick = atLevel[rng.Next(atLevel.Count)];
            left.Remove(pick);
            var (level, options) = items[pick];
            answers.Add(new Answered(level, options, Respond(truth, level, options, dontKnowRate, rng)));
        }
        return (AdaptiveLevel.Estimate(AdaptiveLevel.Posterior(answers)).Level, answers.Count);
    }

    private static Response Respond(int truth, int itemLevel, int options, double dontKnowRate, Random rng)
    {
        var knows = rng.NextDouble() < 1 / (1 + Math.Exp(-TrueSlope * (truth - itemLevel + 0.5)));
        if (knows) return rng.NextDouble() < TrueSlip ? Response.Wrong : Response.Right;
        if (rng.NextDouble() < dontKnowRate) return Response.DontKnow;
        return options > 0 && rng.Next(options) == 0 ? Response.Right : Response.Wrong;
    }

    internal static int SelfRating(int truth, Random rng)
    {
        var rated = truth + (truth <= 1 ? 1 : truth >= 3 ? -1 : 0);
        var r = rng.NextDouble();
        if (r < 0.15) rated--;
        else if (r < 0.30) rated++;
        return Math.Clamp(rated, 0, Catalog.Skill.MaxLevel);
    }
}
