using CourseMatch.Data;
using CourseMatch.Catalog;
using Npgsql;

namespace CourseMatch.Bench;

/// <summary>How far an estimated search's counts are from the truth: the same search counted without a budget.</summary>
/// <param name="WorstFacetError">The largest relative error among facet values holding at least 1% of the true total.</param>
public sealed record EstimateError(int Estimated, int Exact, double TotalError, double WorstFacetError, string WorstFacet, int FacetValues)
{
    /// <summary>The bound on an estimate: within ±5% of the truth.</summary>
    public const double MaxError = 0.05;
}

public static class EstimateCheck
{
    /// <summary>Runs the query as the app does and again with a budget no catalog reaches, and compares the counts.</summary>
    public static async Task<EstimateError?> MeasureAsync(NpgsqlDataSource db, CatalogQuery query, CancellationToken ct)
    {
        var estimated = await new CatalogSearch(ReadDatabase.PrimaryOnly(db)).SearchAsync(query, ct);
        if (!estimated.CountsAreEstimates) return null;
        var exact = await new CatalogSearch(ReadDatabase.PrimaryOnly(db), budget: new CountBudget(Exact: 1_000_000_000)).SearchAsync(query, ct);

        double Error(int estimate, int truth) => truth == 0 ? 0 : Math.Abs(estimate - (double)truth) / truth;
        var worst = (Error: 0.0, Facet: "");
        var compared = 0;
        foreach (var facet in exact.Facets.Where(f => estimated.Facets.Single(e => e.Name == f.Name).Estimated))
            foreach (var value in facet.Values.Where(v => v.Count >= exact.Total / 100.0))
            {
                var guess = estimated.Facets.Single(e => e.Name == facet.Name).Values.FirstOrDefault(v => v.Value == value.Value)?.Count ?? 0;
                compared++;
                if (Error(guess, value.Count) > worst.Error) worst = (Error(guess, value.Count), $"{facet.Name}={value.Value} ({guess:#,0} for {value.Count:#,0})");
            }
        return new EstimateError(estimated.Total, exact.Total, Error(estimated.Total, exact.Total), worst.Error, worst.Facet, compared);
    }
}

/// <summary>
/// The realistic mix: 1,000 query strings drawn with a Zipf distribution (s = 1.1) from the catalog's own words and
/// title phrases, a third of them with a filter, replayed by the clients in turn.
/// </summary>
public static class SearchMix
{
    public const int Queries = 1000;
    public const double ZipfExponent = 1.1;

    public static async Task<IReadOnlyList<string>> BuildAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        // Candidates, most common first: the vocabulary's frequent words and the commonest two-word title openings.
        var candidates = new List<string>();
        await using (var cmd = db.CreateCommand("SELECT word FROM search_terms WHERE length(word) >= 4 ORDER BY documents DESC, word LIMIT 400"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) candidates.Add(reader.GetString(0));
        var phrases = new List<string>();
        await using (var cmd = db.CreateCommand("""
            SELECT lower(split_part(title, ' ', 2) || ' ' || split_part(title, ' ', 3)) AS phrase
            FROM courses TABLESAMPLE SYSTEM (5) REPEATABLE (1) WHERE status = 'Published' AND split_part(title, ' ', 3) <> ''
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 200
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) phrases.Add(reader.GetString(0));
        // Interleave so phrases are spread over the popularity ranks rather than all in the tail.
        var ranked = new List<string>();
        for (var i = 0; i < Math.Max(candidates.Count, phrases.Count); i++)
        {
            if (i < candidates.Count) ranked.Add(candidates[i]);
            if (i < phrases.Count && i % 2 == 0) ranked.Add(phrases[i]);
        }

        var random = new Random(20261202);
        var weights = ranked.Select((_, rank) => 1 / Math.Pow(rank + 1, ZipfExponent)).ToArray();
        var cumulative = new double[weights.Length];
        for (double sum = 0, i = 0; i < weights.Length; i++) cumulative[(int)i] = sum += weights[(int)i];
        string[] filters = ["format=online", "format=in-person", "price=free", "level=beginner", "level=advanced", "pacing=self-paced", "duration=10-50h"];
        var queries = new List<string>(Queries);
        for (var i = 0; i < Queries; i++)
        {
            var pick = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
            var text = ranked[pick < 0 ? ~pick : pick];
            var query = "q=" + Uri.EscapeDataString(text);
            if (random.NextDouble() < 1 / 3.0) query += "&" + filters[random.Next(filters.Length)];
            queries.Add(query);
        }
        return queries;
    }

    /// <summary>The mix at <paramref name="clients"/> clients: each request takes the next query string of the list.</summary>
    public static Task<Measurement> MeasureAsync(HttpClient http, IReadOnlyList<string> queries, int clients, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var next = -1;
        return LoadRunner.MeasureAsync(async c =>
        {
            var query = queries[(int)((uint)Interlocked.Increment(ref next) % (uint)queries.Count)];
            using var response = await http.GetAsync("/api/courses?" + query, c);
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET /api/courses?{query} answered {(int)response.StatusCode}.");
            await using var body = await response.Content.ReadAsStreamAsync(c);
            await body.CopyToAsync(Stream.Null, c);
        }, clients, warmup, duration, ct);
    }
}
