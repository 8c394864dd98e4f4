using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace CourseMatch.Tests.Infrastructure;

/// <summary>
/// Counts the commands (round trips: a batch is one) that Npgsql sends to one database while it is alive, through
/// Npgsql's own tracing. Other tests run in parallel on other databases, so only this database's commands count.
/// </summary>
public sealed class CommandCounter : IDisposable
{
    private readonly ActivityListener listener;
    private readonly ConcurrentQueue<string> commands = new();

    public CommandCounter(TestDb db)
    {
        var database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database;
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("db.namespace") as string == database)
                    commands.Enqueue(a.GetTagItem("db.query.text") as string ?? a.DisplayName);
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    public int Count => commands.Count;

    /// <summary>The text of each command, in the order they finished.</summary>
    public IReadOnlyList<string> Commands => [.. commands];

    public void Dispose() => listener.Dispose();
}
