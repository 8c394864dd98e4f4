using System.Globalization;

namespace CourseMatch.Bench;

/// <summary>CPU use over one phase of the run: the whole machine, this process plus its PostgreSQL cluster, and everything else.</summary>
public sealed record CpuWindow(string Phase, double Seconds, double BusyPercent, double OwnPercent, double OthersPercent, double MaxOthersPercent, double Load1Max, double SelfPercent = 0)
{
    public string Describe() =>
        $"{Phase}: machine {BusyPercent:0}% busy, bench + its PostgreSQL {OwnPercent:0}%, other processes {OthersPercent:0}% (peak {MaxOthersPercent:0}% over 5 s), load average up to {Load1Max:0.0}";

    /// <summary>As <see cref="Describe"/>, with the bench process and its PostgreSQL apart: which side a phase keeps busy.</summary>
    public string DescribeSplit() =>
        $"{Phase} ({Seconds:0} s): machine {BusyPercent:0}% busy: bench process {SelfPercent:0}%, its PostgreSQL {Math.Max(0, OwnPercent - SelfPercent):0}%, other processes {OthersPercent:0}% (peak {MaxOthersPercent:0}% over 5 s); load average up to {Load1Max:0.0}";
}

/// <summary>
/// Samples /proc so the report can say how much of the machine other processes used while it measured
/// (other engineers' builds and tests share the 2 cores). Percentages are of all cores (100% = every core busy).
/// "Own" is this process plus the bench's PostgreSQL cluster (its postmaster and its children, exited ones included).
/// </summary>
public sealed class CpuSampler : IAsyncDisposable
{
    private readonly record struct Snapshot(double Time, double Total, double Busy, double Own, double Self, double Load1);

    private readonly string? dataDirectory;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly List<(double Time, double Others, double Load1)> samples = [];
    private readonly object gate = new();
    private Snapshot phaseStart;
    private string phase = "start";

    public List<CpuWindow> Windows { get; } = [];
    public bool Available { get; }

    public CpuSampler(string? dataDirectory)
    {
        this.dataDirectory = dataDirectory;
        Available = File.Exists("/proc/stat");
        phaseStart = Take();
        loop = Available ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    /// <summary>Closes the current phase (recording its window) and starts the next one.</summary>
    public CpuWindow? Phase(string next)
    {
        if (!Available) return null;
        var now = Take();
        CpuWindow? w = null;
        lock (gate)
        {
            var seconds = now.Time - phaseStart.Time;
            if (seconds > 1 && phase != "idle")
            {
                var capacity = now.Total - phaseStart.Total;
                var busy = capacity <= 0 ? 0 : 100 * (now.Busy - phaseStart.Busy) / capacity;
                var own = capacity <= 0 ? 0 : 100 * (now.Own - phaseStart.Own) / capacity;
                var self = capacity <= 0 ? 0 : 100 * (now.Self - phaseStart.Self) / capacity;
                var inPhase = samples.Where(s => s.Time > phaseStart.Time && s.Time <= now.Time).ToList();
                w = new CpuWindow(phase, seconds, busy, Math.Min(own, busy), Math.Max(0, busy - own),
                    inPhase.Count == 0 ? Math.Max(0, busy - own) : inPhase.Max(s => s.Others),
                    Math.Max(now.Load1, inPhase.Count == 0 ? 0 : inPhase.Max(s => s.Load1)), Math.Min(self, own));
                Windows.Add(w);
            }
            phase = next;
            phaseStart = now;
        }
        return w;
    }

    private async Task LoopAsync()
    {
        var previous = Take();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stop.Token);
                var now = Take();
                var capacity = now.Total - previous.Total;
                if (capacity > 0)
                {
                    var others = Math.Max(0, 100 * ((now.Busy - previous.Busy) - (now.Own - previous.Own)) / capacity);
                    lock (gate) samples.Add((now.Time, others, now.Load1));
                }
                previous = now;
            }
        }
        catch (OperationCanceledException) { }
    }

    private Snapshot Take()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var total = cpu.Sum();
            var idle = cpu[3] + cpu[4];
            var self = ProcessTicks("self", includeChildren: false);
            var own = self;
            if (Postmaster() is int pm)
            {
                own += ProcessTicks(pm.ToString(CultureInfo.InvariantCulture), includeChildren: true);
                foreach (var dir in Directory.EnumerateDirectories("/proc"))
                {
                    var name = Path.GetFileName(dir);
                    if (!int.TryParse(name, out var pid) || pid == pm) continue;
                    var fields = StatFields(name);
                    if (fields is not null && fields.Length > 1 && fields[1] == pm.ToString(CultureInfo.InvariantCulture))
                        own += Ticks(fields, includeChildren: false);
                }
            }
            var load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
            return new Snapshot(Environment.TickCount64 / 1000.0, total, total - idle, own, self, load);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return new Snapshot(Environment.TickCount64 / 1000.0, 0, 0, 0, 0, 0);
        }
    }

    private int? Postmaster()
    {
        if (dataDirectory is null) return null;
        try
        {
            var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    // Fields after "pid (comm)": [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.
    private static string[]? StatFields(string pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static double Ticks(string[] f, bool includeChildren)
    {
        double V(int i) => f.Length > i && double.TryParse(f[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return V(11) + V(12) + (includeChildren ? V(13) + V(14) : 0);
    }

    private static double ProcessTicks(string pid, bool includeChildren) =>
        StatFields(pid) is { } f ? Ticks(f, includeChildren) : 0;

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await loop;
        stop.Dispose();
    }
}
