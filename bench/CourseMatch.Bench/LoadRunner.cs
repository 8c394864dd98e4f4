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

    /// <summary>
    /// Open loop: requests start at a fixed rate whether or not earlier ones are answered (as independent visitors
    /// arrive), at most <paramref name="maxInFlight"/> at a time. Latency runs from when each request is sent: the
    /// schedule is kept by timers a millisecond or more late, and that lateness is the bench's, not the server's.
    /// </summary>
    public static async Task<Measurement> MeasurePacedAsync(
        Func<CancellationToken, Task> operation, double perSecond, TimeSpan warmup, TimeSpan duration, CancellationToken ct, int maxInFlight = 64)
    {
        if (warmup > TimeSpan.Zero) await PacedAsync(operation, perSecond, warmup, maxInFlight, ct);
        return await PacedAsync(operation, perSecond, duration, maxInFlight, ct);
    }

    private static async Task<Measurement> PacedAsync(Func<CancellationToken, Task> operation, double perSecond, TimeSpan duration, int maxInFlight, CancellationToken ct)
    {
        var interval = Stopwatch.Frequency / perSecond;
        var total = (int)(duration.TotalSeconds * perSecond);
        var latencies = new long[total];
        var done = new bool[total];
        var errors = 0;
        string? firstError = null;
        using var gate = new SemaphoreSlim(maxInFlight, maxInFlight);
        var running = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total && !ct.IsCancellationRequested; i++)
        {
            var scheduled = start + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            await gate.WaitAsync(ct);
            var index = i;
            running.Add(Task.Run(async () =>
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(OperationTimeout);
                    var sent = Stopwatch.GetTimestamp();
                    await operation(timeout.Token);
                    latencies[index] = Stopwatch.GetTimestamp() - sent;
                    done[index] = true;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref errors) == 1) firstError = $"{e.GetType().Name}: {e.Message}";
                }
                finally { gate.Release(); }
            }, CancellationToken.None));
        }
        await Task.WhenAll(running);
        ct.ThrowIfCancellationRequested();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var all = latencies.Where((_, i) => done[i]).ToArray();
        Array.Sort(all);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => all.Length == 0 ? double.NaN : Ms(all[Math.Clamp((int)Math.Ceiling(p * all.Length) - 1, 0, all.Length - 1)]);
        return new Measurement(all.Length, errors, seconds, Percentile(0.50), Percentile(0.95), Percentile(0.99), all.Length == 0 ? double.NaN : all.Average(t => Ms(t)), firstError);
    }
}
