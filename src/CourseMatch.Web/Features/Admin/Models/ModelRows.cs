using System.Text.Json;
using CourseMatch.Ranking;

namespace CourseMatch.Web.Features.Admin.Models;

/// <summary>One ranker's bars in <see cref="NdcgChart"/>. <paramref name="Kind"/> picks the colour: model, active, rubric, popularity.</summary>
public sealed record NdcgSeries(string Name, string Kind, RankerNdcg Values);

/// <summary>A model version as the admin page lists it (without the model bytes).</summary>
public sealed record VersionRow(int Id, ModelStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? PromotedAt,
    StoredSettings Settings, RankingMetrics? Metrics, LabelSourceCounts? Labels)
{
    public static VersionRow From(int id, ModelStatus status, DateTimeOffset createdAt, DateTimeOffset? promotedAt, string settings, string metrics, string labels) =>
        new(id, status, createdAt, promotedAt, Parse<StoredSettings>(settings) ?? new StoredSettings(), Parse<RankingMetrics>(metrics), Parse<LabelSourceCounts>(labels));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static T? Parse<T>(string json) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(json, Json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException) { return null; }
    }

    public int TrainGroups => Labels is null ? 0 : Labels.SyntheticGroups + Labels.RealGroups;

    /// <summary>NDCG@k of a ranker on the labels this version is judged on (real feedback when there is enough, else synthetic).</summary>
    public double? At(string ranker, int k = ModelRegistry.PromotionK) => Metrics?.Deciding?[ranker]?.At(k);

    /// <summary>The active model as measured when this version was trained ("active (v3)"), if there was one.</summary>
    public static (int? Id, RankerNdcg? Values) StoredActive(LabelSetMetrics set)
    {
        var r = set.Rankers.FirstOrDefault(r => r.Ranker.StartsWith(RankingMetrics.Active, StringComparison.Ordinal));
        if (r is null) return (null, null);
        var digits = new string(r.Ranker.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit).ToArray());
        return (int.TryParse(digits, out var id) ? id : null, r);
    }

    /// <summary>
    /// The bars for one label set: this version, the active model (when measured on the same groups), the rubric and
    /// popularity. <paramref name="activeId"/> is the version active now, to name the active model honestly.
    /// </summary>
    public static List<NdcgSeries> Series(int versionId, bool isActive, LabelSetMetrics set, int? activeId)
    {
        var series = new List<NdcgSeries>();
        if (set[RankingMetrics.Model] is { } model)
            series.Add(new($"Version {versionId}{(isActive ? " (active)" : "")}", "model", model));
        if (set[RankingMetrics.Active] is { } active)
            series.Add(new(activeId is int a ? $"Active version {a}" : "Active model", "active", active));
        else if (!isActive && StoredActive(set) is (var storedId, { } stored))
            series.Add(new(storedId is int s && s != activeId ? $"Version {s} (active at training)" : $"Active version {storedId}", "active", stored));
        if (set[RankingMetrics.RubricRanker] is { } rubric) series.Add(new("Rubric", "rubric", rubric));
        if (set[RankingMetrics.Popularity] is { } popularity) series.Add(new("Popularity", "popularity", popularity));
        return series;
    }

    /// <summary>
    /// Whether the stored metrics lack the model active now (none was active at training, or another one was), so
    /// the page must measure it on this version's held-out groups to put them side by side.
    /// </summary>
    public bool NeedsComparisonWith(int? activeId) =>
        activeId is int a && a != Id && Status != ModelStatus.Active && Metrics?.Deciding is { } set && StoredActive(set).Id != a;
}
