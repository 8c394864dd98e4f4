using CourseMatch.Catalog;

namespace CourseMatch.SkillChecks;

/// <summary>How a learner answered one item: right, wrong, or "I don't know".</summary>
public enum Response { Right, Wrong, DontKnow }

/// <summary>One answered item, as the estimate needs it: the item's level, whether a guess could be right, and the response.</summary>
/// <param name="Options">How many options a guess chooses from (4 for a choice item); 0 when a guess cannot be right (a number to type).</param>
public readonly record struct Answered(int Level, int Options, Response Response);

/// <summary>
/// The level estimate behind the skills check: a Bayesian posterior over the five levels 0–4, updated after each answer
/// with a response model that knows about guessing and "I don't know", choosing each next item's level to shrink the
/// uncertainty most, and stopping when one level is likely enough or after <see cref="MaxItems"/> items.
/// </summary>
/// <remarks>
/// <para>The model: a learner at level θ knows an item of level b with probability σ(<see cref="Slope"/>·(θ − b + ½)):
/// about 0.82 at their own level, 0.18 one level above, near 1 and 0 further away. One who knows answers right, except for
/// a small slip. One who does not says "I don't know" with probability <see cref="DontKnowRate"/>, and otherwise guesses,
/// right with probability 1/options (never right on a number to type). So a right answer to a four-option item is weak
/// evidence of knowing (a guess gets it a quarter of the time), and "I don't know" is strong evidence of not knowing,
/// never a wrong guess.</para>
/// <para>Why Bayesian over five levels rather than a staircase: with at most six items a staircase's last step is a
/// coin flip, while the posterior keeps every answer's weight and says how sure it is (the confidence shown). The
/// next level is the one whose answer is expected to leave the least entropy, so the first item lands in the middle
/// and each answer halves what is left, as a binary search would, but tolerant of one slip or lucky guess.</para>
/// </remarks>
public static class AdaptiveLevel
{
    public const int MaxItems = 6;
    /// <summary>Fewer than this many answers never settle a level: one lucky guess is not a measurement.</summary>
    public const int MinItems = 3;
    /// <summary>
    /// Stop once the most likely level has at least this posterior probability. In the simulation (CheckSimulationTests)
    /// 0.85 asked 5.4 items for an error of 0.29 levels, 0.7 asked 4.5 for 0.32 and 0.6 asked 3.8 for 0.38: 0.7 keeps a
    /// check of eight skills near five minutes for almost the accuracy of asking every item.
    /// </summary>
    public const double StopConfidence = 0.7;

    internal const double Slope = 3.0, Slip = 0.05, DontKnowRate = 0.5, KnowsButUnsure = 0.02;

    private const int Levels = Skill.MaxLevel + 1;

    /// <summary>The posterior over levels 0–4 after <paramref name="answers"/>, from a flat prior.</summary>
    public static double[] Posterior(IEnumerable<Answered> answers)
    {
        var p = Enumerable.Repeat(1.0 / Levels, Levels).ToArray();
        foreach (var a in answers)
        {
            for (var level = 0; level < Levels; level++) p[level] *= Likelihood(level, a);
            Normalise(p);
        }
        return p;
    }

    /// <summary>The probability that a learner at <paramref name="level"/> gives <paramref name="a"/>'s response to its item.</summary>
    internal static double Likelihood(int level, Answered a)
    {
        var knows = Knows(level, a.Level);
        var guessRight = a.Options > 0 ? 1.0 / a.Options : 0;
        var guesses = (1 - knows) * (1 - DontKnowRate);
        return a.Response switch
        {
            Response.Right => knows * (1 - Slip - KnowsButUnsure) + guesses * guessRight,
            Response.Wrong => knows * Slip + guesses * (1 - guessRight),
            _ => knows * KnowsButUnsure + (1 - knows) * DontKnowRate,
        };
    }

    /// <summary>How likely a learner at <paramref name="level"/> knows an item of level <paramref name="itemLevel"/>.</summary>
    internal static double Knows(int level, int itemLevel) => 1 / (1 + Math.Exp(-Slope * (level - itemLevel + 0.5)));

    /// <summary>The estimate: the posterior median (it minimises the expected error in levels) and the probability of that level.</summary>
    public static (int Level, double Confidence) Estimate(double[] posterior)
    {
        double sum = 0;
        for (var level = 0; level < Levels; level++)
        {
            sum += posterior[level];
            if (sum >= 0.5) return (level, posterior[level]);
        }
        return (Levels - 1, posterior[Levels - 1]);
    }

    /// <summary>True when the check should stop: enough answers and one level likely enough, or the item limit, or no item left.</summary>
    public static bool Done(IReadOnlyCollection<Answered> answers, bool itemsLeft)
    {
        if (answers.Count >= MaxItems || !itemsLeft) return true;
        return answers.Count >= MinItems && Posterior(answers).Max() >= StopConfidence;
    }

    /// <summary>
    /// The level (1–4) of the next item: the one whose answer leaves the least expected entropy, among the levels that
    /// still have an item (<paramref name="available"/>). Ties go to the level nearest the current estimate.
    /// </summary>
    /// <param name="options">Options of the items at each level (to weigh guessing); 4 unless told.</param>
    public static int? NextLevel(IReadOnlyCollection<Answered> answers, IReadOnlySet<int> available, Func<int, int>? options = null)
    {
        if (available.Count == 0) return null;
        var posterior = Posterior(answers);
        var (estimate, _) = Estimate(posterior);
        int? best = null;
        var bestEntropy = double.MaxValue;
        foreach (var level in available.Order())
        {
            var n = options?.Invoke(level) ?? 4;
            double expected = 0;
            foreach (var response in (Response[])[Response.Right, Response.Wrong, Response.DontKnow])
            {
                var answer = new Answered(level, n, response);
                var after = new double[Levels];
                double chance = 0;
                for (var l = 0; l < Levels; l++)
                {
                    after[l] = posterior[l] * Likelihood(l, answer);
                    chance += after[l];
                }
                if (chance <= 0) continue;
                for (var l = 0; l < Levels; l++) after[l] /= chance;
                expected += chance * Entropy(after);
            }
            if (expected < bestEntropy - 1e-9 || (Math.Abs(expected - bestEntropy) <= 1e-9 && best is int b && Math.Abs(level - estimate) < Math.Abs(b - estimate)))
                (best, bestEntropy) = (level, expected);
        }
        return best;
    }

    private static double Entropy(double[] p) => -p.Where(x => x > 0).Sum(x => x * Math.Log(x));

    private static void Normalise(double[] p)
    {
        var sum = p.Sum();
        if (sum <= 0) return;
        for (var i = 0; i < p.Length; i++) p[i] /= sum;
    }
}
