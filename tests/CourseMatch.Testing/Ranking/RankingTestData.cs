using CourseMatch.Ranking;
using CourseMatch.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CourseMatch.Tests.Ranking;

/// <summary>
/// Synthetic groups shared by the ranking tests: generated once per test run from the seeded demo catalog
/// (every test database is a copy of the same template, so the groups are the same in each of them).
/// </summary>
public static class RankingTestData
{
    public static readonly DateOnly Today = new(2026, 11, 24);
    public const int Learners = 250;
    public const int Seed = 1;

    /// <summary>Small and quick, still enough to beat the baselines clearly.</summary>
    public static readonly RankerSettings Settings = new() { Iterations = 100, LearningRate = 0.1, Leaves = 16 };

    public static readonly StoredSettings Stored = new()
    {
        Ranker = Settings, DataSeed = Seed, SyntheticLearners = Learners, Today = Today, IncludeRealFeedback = true,
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (List<RankingGroup> Train, List<RankingGroup> HeldOut)? cached;

    public static async Task<(List<RankingGroup> Train, List<RankingGroup> HeldOut)> GroupsAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (cached is null)
            {
                await using var db = await TestDatabase.CreateAsync();
                var learners = await db.Get<SyntheticLearners>().GenerateAsync(Learners, Seed, Today);
                cached = HoldoutSplit.Split(learners.Select(l => l.Group));
            }
            return cached.Value;
        }
        finally { Gate.Release(); }
    }

    private static readonly Lazy<Task<RankerModel>> Good = new(async () => RankerTrainer.Train((await GroupsAsync()).Train, Settings));

    /// <summary>A model trained on the shared groups (trained once per run).</summary>
    public static Task<RankerModel> GoodModelAsync() => Good.Value;

    /// <summary>A deliberately bad model: trained on the shared groups with every grade turned upside down.</summary>
    public static async Task<RankerModel> InvertedModelAsync()
    {
        var (train, _) = await GroupsAsync();
        var inverted = train.Select(g => g with { Labels = [.. g.Labels.Select(l => 4 - l)] }).ToList();
        return RankerTrainer.Train(inverted, Settings);
    }

    public static RankingMetrics EmptyMetrics => new(null, null, 0);

    public static LabelSourceCounts NoCounts => new(0, 0, 0, 0, Settings.RealWeight, 0, 0, new Dictionary<int, int>(), new Dictionary<string, int>());
}

/// <summary>Collects what was logged, to assert a warning was written.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries) Entries.Add((logLevel, formatter(state, exception)));
    }
}
