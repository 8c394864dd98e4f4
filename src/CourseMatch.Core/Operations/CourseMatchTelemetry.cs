using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using CourseMatch.Catalog;

namespace CourseMatch.Operations;

/// <summary>
/// CourseMatch's own traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>. See docs/decisions/0016-telemetry.md.
/// </summary>
/// <remarks>
/// Static on purpose: Core's services are built by the web app, the CLI, the benchmark and the tests, and none of them
/// should have to register anything for search or recommendations to be timed. Until a listener subscribes (the web
/// app's OpenTelemetry does), <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and every
/// instrument drops its measurements, so the CLI and the tests pay next to nothing.
/// The gauges read what the process already holds (the ranker it loaded, the tagger it last saw, the lag the replica
/// monitor last reported): a scrape never queries the database.
/// </remarks>
public static class CourseMatchTelemetry
{
    public const string Name = "CourseMatch";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>(
        "coursematch.search.duration", "ms", "Time of one catalog search (every statement it ran), by whether its counts were estimated.");

    private static readonly Histogram<double> RecommendationDuration = Meter.CreateHistogram<double>(
        "coursematch.recommendation.duration", "ms", "Time to rank and store one recommendation, from reading candidates to the stored plan.");

    private static readonly Histogram<double> RecommendationPhaseDuration = Meter.CreateHistogram<double>(
        "coursematch.recommendation.phase.duration", "ms",
        "The same time split by phase: candidates (the candidate read), rank (features, model, tracks), rest (reasons, path, store, document).");

    // Boxed in records so a gauge callback reads one consistent pair without a lock.
    private sealed record RankerState(string Kind, int? VersionId);
    private static volatile RankerState? ranker;
    private static volatile StrongBox<int?>? tagger;
    private static volatile StrongBox<double>? replicaLag;

    static CourseMatchTelemetry()
    {
        Meter.CreateObservableGauge("coursematch.ranker.model.version", ObserveRanker, null,
            "Ranking model version this instance serves (0 when it ranks with the rubric), tagged with the ranker kind.");
        Meter.CreateObservableGauge("coursematch.tagger.model.version", ObserveTagger, null,
            "Tagger model version this instance last saw active (0 when none is); absent until the instance has looked.");
        Meter.CreateObservableGauge("coursematch.replica.lag", ObserveReplicaLag, "s",
            "How far the read replica is behind the primary, as the replica monitor last reported; absent when unknown.");
    }

    /// <summary>Called by <c>ModelRankerSource</c> whenever it has settled on a ranker (a model version or the rubric).</summary>
    public static void RankerLoaded(string kind, int? versionId) => ranker = new RankerState(kind, versionId);

    /// <summary>Called wherever the active tagger model is read or changed; null when no tagger is active.</summary>
    public static void TaggerSeen(int? modelId) => tagger = new StrongBox<int?>(modelId);

    /// <summary>
    /// The replica monitor's report: seconds the replica replays behind the primary, or null when there is no replica
    /// or its lag cannot be read (the gauge is then absent rather than a misleading 0). Cheap; call it on every check.
    /// </summary>
    public static void ReportReplicaLag(double? seconds) => replicaLag = seconds is { } s ? new StrongBox<double>(s) : null;

    private static IEnumerable<Measurement<int>> ObserveRanker() =>
        ranker is { } r ? [new Measurement<int>(r.VersionId ?? 0, new KeyValuePair<string, object?>("ranker", r.Kind))] : [];

    private static IEnumerable<Measurement<int>> ObserveTagger() =>
        tagger is { } t ? [new Measurement<int>(t.Value ?? 0)] : [];

    private static IEnumerable<Measurement<double>> ObserveReplicaLag() =>
        replicaLag is { } l ? [new Measurement<double>(l.Value)] : [];

    /// <summary>Starts a search's span; null when nothing listens.</summary>
    public static Activity? StartSearch(CatalogQuery query)
    {
        var activity = Source.StartActivity("catalog.search");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("coursematch.search.has_text", query.HasText);
            activity.SetTag("coursematch.search.page", query.Page);
            activity.SetTag("coursematch.search.sort", query.Sort.ToString());
        }
        return activity;
    }

    /// <summary>Records a finished search (started at <paramref name="started"/>, a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void SearchDone(Activity? activity, long started, CatalogPage page)
    {
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        SearchDuration.Record(elapsed, new KeyValuePair<string, object?>("estimated", page.CountsAreEstimates));
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("coursematch.search.total", page.Total);
            activity.SetTag("coursematch.search.estimated", page.CountsAreEstimates);
            activity.SetTag("coursematch.search.match_mode", page.MatchMode);
        }
    }

    /// <summary>Starts timing one recommendation: call the phase methods in order, dispose at the end.</summary>
    public static RecommendationTiming StartRecommendation() => new(Source.StartActivity("recommendation.rank_and_store"));

    /// <summary>
    /// One recommendation's phases. A recommendation that throws part way records nothing (its phases would not add up)
    /// and marks its span as failed.
    /// </summary>
    public sealed class RecommendationTiming(Activity? activity) : IDisposable
    {
        private readonly long started = Stopwatch.GetTimestamp();
        private long mark = Stopwatch.GetTimestamp();
        private double candidates, rank;
        private bool done;

        private double Lap()
        {
            var now = Stopwatch.GetTimestamp();
            var ms = Stopwatch.GetElapsedTime(mark, now).TotalMilliseconds;
            mark = now;
            return ms;
        }

        public void CandidatesRead(int count)
        {
            candidates = Lap();
            activity?.SetTag("coursematch.recommendation.candidates", count);
        }

        public void Ranked(string rankerKind, int? modelVersionId)
        {
            rank = Lap();
            activity?.SetTag("coursematch.ranker", rankerKind);
            activity?.SetTag("coursematch.ranker.model_version", modelVersionId);
        }

        public void Stored(int planId)
        {
            var rest = Lap();
            RecommendationPhaseDuration.Record(candidates, new KeyValuePair<string, object?>("phase", "candidates"));
            RecommendationPhaseDuration.Record(rank, new KeyValuePair<string, object?>("phase", "rank"));
            RecommendationPhaseDuration.Record(rest, new KeyValuePair<string, object?>("phase", "rest"));
            RecommendationDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            activity?.SetTag("coursematch.plan.id", planId);
            done = true;
        }

        public void Dispose()
        {
            if (!done) activity?.SetStatus(ActivityStatusCode.Error, "The recommendation did not finish.");
            activity?.Dispose();
        }
    }
}
