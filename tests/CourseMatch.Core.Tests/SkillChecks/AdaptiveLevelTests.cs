using CourseMatch.SkillChecks;

namespace CourseMatch.Tests.SkillChecks;

/// <summary>The estimator behind the skills check, without a database: where it ends for learners whose answers are certain.</summary>
public class AdaptiveLevelTests
{
    /// <summary>Four four-option items at each level 1–4, as the item bank guarantees.</summary>
    private static readonly List<(int Level, int Options)> Bank = [.. Enumerable.Range(1, 4).SelectMany(level => Enumerable.Repeat((level, 4), 4))];

    /// <summary>Runs a check the way the checker does, with <paramref name="respond"/> answering each item by its level.</summary>
    private static (int Level, double Confidence, List<int> Asked) Run(Func<int, Response> respond)
    {
        var left = Enumerable.Range(0, Bank.Count).ToList();
        var answers = new List<Answered>();
        var asked = new List<int>();
        while (!AdaptiveLevel.Done(answers, left.Count > 0))
        {
            var next = AdaptiveLevel.NextLevel(answers, left.Select(i => Bank[i].Level).ToHashSet())!.Value;
            var pick = left.First(i => Bank[i].Level == next);
            left.Remove(pick);
            asked.Add(next);
            answers.Add(new Answered(next, 4, respond(next)));
        }
        var (level, confidence) = AdaptiveLevel.Estimate(AdaptiveLevel.Posterior(answers));
        return (level, confidence, asked);
    }

    [Fact]
    public void APerfectLearnerEndsAtFourWithinSixItems()
    {
        var (level, confidence, asked) = Run(_ => Response.Right);
        Assert.Equal(4, level);
        Assert.InRange(asked.Count, AdaptiveLevel.MinItems, AdaptiveLevel.MaxItems);
        Assert.True(confidence >= 0.5, $"confidence {confidence}");
    }

    [Fact]
    public void ALearnerWhoAlwaysSaysIDontKnowEndsAtZeroWithinSixItems()
    {
        var (level, _, asked) = Run(_ => Response.DontKnow);
        Assert.Equal(0, level);
        Assert.InRange(asked.Count, AdaptiveLevel.MinItems, AdaptiveLevel.MaxItems);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ALearnerWhoKnowsExactlyUpToALevelEndsThere(int known)
    {
        var (level, _, asked) = Run(itemLevel => itemLevel <= known ? Response.Right : Response.DontKnow);
        Assert.Equal(known, level);
        Assert.True(asked.Count <= AdaptiveLevel.MaxItems);
    }

    [Fact]
    public void TheFirstItemIsInTheMiddleAndTheNextFollowsTheAnswer()
    {
        var first = AdaptiveLevel.NextLevel([], new HashSet<int> { 1, 2, 3, 4 });
        Assert.Contains(first!.Value, new[] { 2, 3 });
        var afterRight = AdaptiveLevel.NextLevel([new Answered(first.Value, 4, Response.Right)], new HashSet<int> { 1, 2, 3, 4 });
        var afterDontKnow = AdaptiveLevel.NextLevel([new Answered(first.Value, 4, Response.DontKnow)], new HashSet<int> { 1, 2, 3, 4 });
        Assert.True(afterRight > afterDontKnow, $"after a right answer {afterRight}, after I don't know {afterDontKnow}");
    }

    [Fact]
    public void ARightAnswerToAFourOptionItemCountsForLessThanATypedOne()
    {
        // A quarter of guesses are right on four options; a typed number is not guessed.
        var guessable = AdaptiveLevel.Posterior([new Answered(3, 4, Response.Right)]);
        var typed = AdaptiveLevel.Posterior([new Answered(3, 0, Response.Right)]);
        Assert.True(typed[3] + typed[4] > guessable[3] + guessable[4]);
        // "I don't know" is stronger evidence of not knowing than a wrong answer (which may be a slip).
        var dontKnow = AdaptiveLevel.Posterior([new Answered(2, 4, Response.DontKnow)]);
        var wrong = AdaptiveLevel.Posterior([new Answered(2, 4, Response.Wrong)]);
        Assert.True(dontKnow[0] + dontKnow[1] >= wrong[0] + wrong[1] - 1e-9);
    }

    [Fact]
    public void NoItemsLeftEndsTheCheck()
    {
        Assert.True(AdaptiveLevel.Done([new Answered(2, 4, Response.Right)], itemsLeft: false));
        Assert.Null(AdaptiveLevel.NextLevel([], new HashSet<int>()));
    }
}
