using System.Diagnostics;

namespace CourseMatch.Bench;

/// <summary>Latency percentiles and throughput of one measured closed-loop run.</summary>
public sealed record Measurement(int Count, int Errors, double Seconds, double P50, double P95, double P99, double Mean, string? FirstError)
{
    public double PerSecond => Seconds > 0 ? Count / Seconds : 0;
}

/// <summary>
/// N client tasks in a closed loop: each sends its next request as soon as the previous one has
/// completed, until the deadline. Latencies are taken around each whole operation.
/// </summary>
public static class LoadRunner
{
    /// <summary>No single operation may take longer than this; a hung request counts as an error.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);

    public static async Task<Measurement> MeasureAsync(
        Func<CancellationToken, Task> operation, int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        if (warmup > TimeSpan.Zero) await RunAsync(operation, concurrency, warmup, ct);
        return await RunAsync(operation, concurrency, duration, ct);
    }

    private static async Task<Measurement> RunAsync(Func<CancellationToken, Task> operation, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perWorker = new List<long>[concurrency];
        var errors = 0;
        string? firstError = null;
        var start = Stopwatch.GetTimestamp();

        async Task Worker(int index)
        {
            var latencies = perWorker[index] = new List<long>(4096);
            // Let every worker start before the first one finishes its first request.
            await Task.Yield();
            while (Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(OperationTimeout);
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await operation(timeout.Token);
                    latencies.Add(Stopwatch.GetTimestamp() - t0);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref errors) == 1) firstError = $"{e.GetType().Name}: {e.Message}";
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i), CancellationToken.None)));
        ct.ThrowIfCancellationRequested();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => all.Length == 0 ? double.NaN : Ms(all[Math.Clamp((int)Math.Ceiling(p * all.Length) - 1, 0, all.Length - 1)]);
        var mean = all.Length == 0 ? double.NaN : all.Average(t => Ms(t));
        return new Measurement(all.Length, errors, seconds, Percentile(0.50), Percentile(0.95), Percentile(0.99), mean, firstError);
    }
}
