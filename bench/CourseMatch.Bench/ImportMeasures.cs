using System.Diagnostics;
using System.Globalization;
using CourseMatch.Curation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CourseMatch.Bench;

/// <summary>One stretch of a step, between progress reports of the import (or before the first, after the last).</summary>
public sealed record ImportSegment(string Name, double Seconds, double AllocatedMegabytes, double SqlSeconds, long SqlCommands, double GcPauseSeconds, string? Detail = null);

/// <summary>
/// EF Core's executed commands and their durations, from its DiagnosticListener ("Microsoft.EntityFrameworkCore"): how
/// much of a stage is spent waiting for PostgreSQL (for a query, until its first rows arrive) and how much around it.
/// </summary>
public sealed class SqlTimer : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static long ticks;
    private static long commands;
    private readonly IDisposable subscription;
    private readonly List<IDisposable> listeners = [];

    public SqlTimer() => subscription = DiagnosticListener.AllListeners.Subscribe(this);

    public static double Seconds => TimeSpan.FromTicks(Interlocked.Read(ref ticks)).TotalSeconds;
    public static long Commands => Interlocked.Read(ref commands);

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (listeners) listeners.Add(listener.Subscribe(this, name => name == CommandExecuted));
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not CommandExecutedEventData executed) return;
        Interlocked.Add(ref ticks, executed.Duration.Ticks);
        Interlocked.Increment(ref commands);
        var text = executed.Command.CommandText;
        lock (ByStatement)
        {
            var (total, count) = ByStatement.GetValueOrDefault(text);
            ByStatement[text] = (total + executed.Duration, count + 1);
        }
    }

    /// <summary>Every command text EF Core executed, with its total duration and how often; snapshot before and after a step to compare.</summary>
    private static readonly Dictionary<string, (TimeSpan Total, long Count)> ByStatement = new(StringComparer.Ordinal);

    public static Dictionary<string, (TimeSpan Total, long Count)> Snapshot()
    {
        lock (ByStatement) return new(ByStatement, StringComparer.Ordinal);
    }

    /// <summary>The statements that took longest between two snapshots, shortened so they can be told apart (their start and their FROM).</summary>
    public static List<SqlStatement> Slowest(Dictionary<string, (TimeSpan Total, long Count)> before, int top)
    {
        var grouped = new Dictionary<string, (TimeSpan Total, long Count)>(StringComparer.Ordinal);
        foreach (var (text, (total, count)) in Snapshot())
        {
            var (earlierTotal, earlierCount) = before.GetValueOrDefault(text);
            if (count == earlierCount) continue;
            var key = Shorten(text);
            var (t, c) = grouped.GetValueOrDefault(key);
            grouped[key] = (t + total - earlierTotal, c + count - earlierCount);
        }
        return grouped.OrderByDescending(g => g.Value.Total).Take(top)
            .Select(g => new SqlStatement(g.Key, g.Value.Total.TotalSeconds, g.Value.Count)).ToList();
    }

    private static string Shorten(string sql)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(sql, @"\s+", " ").Trim();
        var statements = text.Split("; ", StringSplitOptions.RemoveEmptyEntries).Length;
        var from = text.IndexOf(" FROM ", StringComparison.Ordinal);
        var head = text.Length <= 90 ? text : text[..90] + " …";
        var tail = from > 90 ? " " + (text.Length - from <= 110 ? text[from..] : text.Substring(from, 110) + " …") : "";
        return head + tail + (statements > 1 ? $" ({statements:#,0} statements in one batch)" : "");
    }

    private static readonly string CommandExecuted = RelationalEventId.CommandExecuted.Name!;

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        subscription.Dispose();
        lock (listeners) foreach (var l in listeners) l.Dispose();
    }
}

/// <summary>A problem message (quoted values blanked) with how many rows had it and one value it refused.</summary>
public sealed record ProblemCount(int Count, string Field, string Message, string? Example);

/// <summary>The numbers of an <see cref="ImportReport"/>, and its most common problems.</summary>
public sealed partial record ImportCounts(int Rows, int Creates, int Updates, int Unchanged, int Links, int Overwrites, int PossibleDuplicates,
    int Repeats, int BadRows, int Problems, int NewProviders, bool Committed, string? FileError, string Summary, IReadOnlyList<ProblemCount> CommonProblems)
{
    public int Imported => Creates + Updates + Unchanged + Links + Overwrites;

    public static ImportCounts From(ImportReport r) => new(r.Rows, r.Creates, r.Updates, r.Unchanged, r.Links, r.Overwrites, r.PossibleDuplicates,
        r.Repeats, r.BadRowCount, r.BadRows.Count, r.NewProviders.Count, r.Committed, r.FileError, r.Summary,
        r.BadRows.GroupBy(b => (b.Field, Message: Quoted().Replace(b.Message, "\"…\"")))
            .Select(g => new ProblemCount(g.Count(), g.Key.Field, g.Key.Message, g.First().Value))
            .OrderByDescending(g => g.Count).Take(12).ToList());

    [System.Text.RegularExpressions.GeneratedRegex("\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex Quoted();
}

/// <summary>Time and memory of one step: reading the file, the dry run, the commit or the re-import's dry run.</summary>
public sealed class StepResult(string name)
{
    public string Name { get; } = name;
    public bool Ran { get; set; }
    public double Seconds { get; set; }
    public double AllocatedMegabytes { get; set; }
    /// <summary>Resident memory when the step started, after a full collection that returned free memory to the system.</summary>
    public double StartWorkingSetMegabytes { get; set; }
    /// <summary>The kernel's high-water mark of this process's resident memory during the step (or since the process started, when it cannot be reset).</summary>
    public double PeakWorkingSetMegabytes { get; set; }
    /// <summary>The largest managed heap seen (sampled every 100 ms: live objects and garbage not yet collected).</summary>
    public double PeakHeapMegabytes { get; set; }
    /// <summary>What is still alive after a full collection at the end of the step.</summary>
    public double RetainedHeapMegabytes { get; set; }
    /// <summary>Garbage collections during the step, by generation, and the time they paused the process.</summary>
    public (int Gen0, int Gen1, int Gen2) Collections { get; set; }
    public double GcPauseSeconds { get; set; }
    public List<ImportSegment> Segments { get; set; } = [];
    /// <summary>The SQL the step's time went to, longest first.</summary>
    public List<SqlStatement> Statements { get; set; } = [];
    /// <summary>What the import said, summarised at once so the bench does not keep 100,000 row outcomes alive into the next step.</summary>
    public ImportCounts? Counts { get; set; }
    public string? Failure { get; set; }
}

/// <summary>
/// Peak memory of this process over one step: the kernel's high-water mark of resident memory (PeakWorkingSet64, VmHWM),
/// reset at the start of each step where Linux allows it, and the managed heap sampled every 100 ms.
/// </summary>
public sealed class MemoryWatch : IDisposable
{
    private readonly Timer timer;
    private long heapPeak;
    private long workingSetPeak;

    /// <summary>Whether the kernel's high-water mark could be reset (writing 5 to /proc/self/clear_refs, Linux 4.0+).</summary>
    public bool PeakResets { get; }

    public MemoryWatch()
    {
        PeakResets = ResetPeak();
        timer = new Timer(_ => Sample(), null, 100, 100);
    }

    public readonly record struct Mark(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused);

    /// <summary>
    /// Collects fully and gives free memory back to the system, resets the peaks and marks the counters: what the step
    /// then uses is its own, not what an earlier step left committed.
    /// </summary>
    public Mark Begin(StepResult step)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ResetPeak();
        step.StartWorkingSetMegabytes = Mb(Environment.WorkingSet);
        Interlocked.Exchange(ref heapPeak, GC.GetTotalMemory(false));
        Interlocked.Exchange(ref workingSetPeak, Environment.WorkingSet);
        return new Mark(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
    }

    /// <summary>Records the step's allocations and peaks, then collects fully to see what it left alive.</summary>
    public void End(StepResult step, Mark mark)
    {
        Sample();
        step.AllocatedMegabytes = Mb(GC.GetTotalAllocatedBytes(precise: true) - mark.Allocated);
        step.PeakHeapMegabytes = Mb(Interlocked.Read(ref heapPeak));
        step.Collections = (GC.CollectionCount(0) - mark.Gen0, GC.CollectionCount(1) - mark.Gen1, GC.CollectionCount(2) - mark.Gen2);
        step.GcPauseSeconds = (GC.GetTotalPauseDuration() - mark.Paused).TotalSeconds;
        Collect();
        using var self = Process.GetCurrentProcess();
        step.PeakWorkingSetMegabytes = Mb(Math.Max(self.PeakWorkingSet64, Interlocked.Read(ref workingSetPeak)));
        step.RetainedHeapMegabytes = Mb(GC.GetTotalMemory(false));
    }

    private void Sample()
    {
        Max(ref heapPeak, GC.GetTotalMemory(false));
        Max(ref workingSetPeak, Environment.WorkingSet);

        static void Max(ref long target, long value)
        {
            for (var seen = Interlocked.Read(ref target); value > seen; seen = Interlocked.Read(ref target))
                if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }

    private static void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public static double Mb(long bytes) => bytes / (1024.0 * 1024);

    public void Dispose() => timer.Dispose();
}

/// <summary>
/// The import's <see cref="IProgress{T}"/>: timestamps every report on the importing thread (no synchronisation context,
/// unlike <see cref="Progress{T}"/>), prints a line to stderr at each new stage and every 2 s, and afterwards cuts the
/// step into segments by stage.
/// </summary>
public sealed class ProgressClock(string step, Action<string>? onStage = null) : IProgress<ImportProgress>
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly long allocatedAtStart = GC.GetTotalAllocatedBytes();
    private readonly double sqlAtStart = SqlTimer.Seconds;
    private readonly long commandsAtStart = SqlTimer.Commands;
    private readonly List<Mark> events = [];

    private readonly TimeSpan pausedAtStart = GC.GetTotalPauseDuration();
    private readonly record struct Mark(double Time, long Allocated, double Sql, long Commands, TimeSpan Paused, ImportProgress Progress);
    private double lastPrint = double.NegativeInfinity;

    public double Seconds => clock.Elapsed.TotalSeconds;

    /// <summary>Where the step was at its last report, for a step that is stopped.</summary>
    public string Last
    {
        get
        {
            lock (events)
                return events.Count == 0 ? "before its first progress report"
                    : $"at \"{events[^1].Progress.Phase}\" {events[^1].Progress.Done:#,0} / {events[^1].Progress.Total:#,0}, reported at {events[^1].Time:0.0} s";
        }
    }

    public void Report(ImportProgress value)
    {
        var now = clock.Elapsed.TotalSeconds;
        bool newStage;
        lock (events)
        {
            newStage = events.Count == 0 || events[^1].Progress.Phase != value.Phase;
            events.Add(new Mark(now, GC.GetTotalAllocatedBytes(), SqlTimer.Seconds, SqlTimer.Commands, GC.GetTotalPauseDuration(), value));
        }
        if (newStage && value.Phase != "Done") onStage?.Invoke(Lower(value.Phase));
        if (newStage || now - lastPrint >= 2 || value.Done == value.Total)
        {
            lastPrint = now;
            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}]    {step}: {value.Phase} {value.Done:#,0} / {value.Total:#,0} ({now:0.0} s)");
        }
    }

    /// <summary>
    /// The step cut at its progress reports. Stages that report when they start ("Checking" 0, "Creating providers" 0,
    /// "Refreshing search") and stages that report after each batch ("Creating", "Updating") are both attributed to
    /// the stage that did the work; "Checking" is split into its row loop (a report every 1,000 rows) and what follows it.
    /// </summary>
    public List<ImportSegment> Segments(double endSeconds, long endAllocated)
    {
        List<Mark> e;
        lock (events) e = [.. events];
        var start = new Mark(0, allocatedAtStart, sqlAtStart, commandsAtStart, pausedAtStart, new ImportProgress(0, 0, ""));
        var end = new Mark(endSeconds, endAllocated, SqlTimer.Seconds, SqlTimer.Commands, GC.GetTotalPauseDuration(), new ImportProgress(0, 0, ""));
        var parts = new List<(string Name, double Seconds, long Allocated, double Sql, long Commands, double Paused)>();
        void Add(string name, Mark from, Mark to)
        {
            var part = (Name: name, Seconds: to.Time - from.Time, Allocated: to.Allocated - from.Allocated, Sql: to.Sql - from.Sql,
                Commands: to.Commands - from.Commands, Paused: (to.Paused - from.Paused).TotalSeconds);
            if (parts.Count > 0 && parts[^1].Name == name)
            {
                var p = parts[^1];
                parts[^1] = (name, p.Seconds + part.Seconds, p.Allocated + part.Allocated, p.Sql + part.Sql, p.Commands + part.Commands, p.Paused + part.Paused);
            }
            else parts.Add(part);
        }
        if (e.Count == 0) Add("whole step (no progress reported)", start, end);
        else
        {
            Add("starting: context, mapping check, transaction", start, e[0]);
            var lastChecking = e.FindLastIndex(x => x.Progress.Phase == "Checking");
            for (var i = 1; i < e.Count; i++)
            {
                var (previous, current) = (e[i - 1].Progress, e[i].Progress);
                string name;
                if (current.Phase == "Checking" && previous.Phase == "Checking")
                    name = i == lastChecking ? AfterLoop : previous.Done == 0 ? "checking: catalog lookups, then the first 1,000 rows" : RowLoop;
                else if (current.Phase == "Done") name = Lower(previous.Phase);
                else if (current.Phase == previous.Phase || current.Done > 0) name = Lower(current.Phase);
                else if (current.Phase == "Refreshing search") name = "writing the import's audit entry and committing";
                else name = $"between {Lower(previous.Phase)} and {Lower(current.Phase)}";
                Add(name, e[i - 1], e[i]);
            }
            Add(e[^1].Progress.Phase == "Done" ? "returning" : "building the report", e[^1], end);
        }

        // The row loop's rows: from the first report after "Checking" 0 to the last one before the loop ends.
        var loop = e.Where((x, i) => x.Progress.Phase == "Checking" && x.Progress.Done > 0 && i < e.FindLastIndex(y => y.Progress.Phase == "Checking")).ToList();
        var loopRows = loop.Count < 2 ? 0 : loop[^1].Progress.Done - loop[0].Progress.Done;
        return parts.Where(p => p.Seconds >= 0.0005 || p.Allocated > 0).Select(p => new ImportSegment(p.Name, p.Seconds, MemoryWatch.Mb(p.Allocated), p.Sql, p.Commands, p.Paused,
            p.Name == RowLoop && loopRows > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{loopRows:#,0} rows: {p.Seconds * 1e6 / loopRows:0} µs and {p.Allocated / 1024.0 / loopRows:0.0} KB allocated per row")
                : null)).ToList();
    }

    private const string AfterLoop = "checking: after the row loop (last rows, rules, stored courses, cycles, outcomes)";
    private const string RowLoop = "checking: reading and mapping rows (the row loop)";

    private static string Lower(string phase) => phase.Length == 0 ? phase : char.ToLowerInvariant(phase[0]) + phase[1..];
}

/// <summary>A command text (shortened), the time EF Core reported for it in a step, and how often it ran.</summary>
public sealed record SqlStatement(string Text, double Seconds, long Count);

/// <summary>One part of the import timed alone over the whole file, after the import (the same process, file and database).</summary>
public sealed record PartTiming(string Name, double Seconds, long Calls, double AllocatedMegabytes, string? Note = null);
