using CourseMatch.Catalog;
using CourseMatch.Data.Seed;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace CourseMatch.Bench;

/// <summary>One kind of catalog search, as the query string of GET /api/courses.</summary>
public sealed record QueryClass(string Name, string QueryString, string Meaning)
{
    public string Path => QueryString.Length == 0 ? "/api/courses" : $"/api/courses?{QueryString}";

    /// <summary>The query exactly as the API parses it from the query string.</summary>
    public CatalogQuery Parse()
    {
        var values = QueryHelpers.ParseQuery(QueryString.Length == 0 ? "" : "?" + QueryString);
        var (query, errors) = CatalogQuery.Parse(name => values.TryGetValue(name, out var v) ? v.ToArray() : []);
        if (errors.Count > 0)
            throw new InvalidOperationException($"Query class {Name} has invalid parameters: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}"))}");
        return query;
    }

    public static readonly IReadOnlyList<QueryClass> All =
    [
        new("rare", $"q={SyntheticCatalog.RareWords[0]}", $"one rare word (\"{SyntheticCatalog.RareWords[0]}\", ~0.05% of synthetic courses)"),
        new("mid", "q=clustering", "one topic word (\"clustering\", ~2% of courses: one of the 60 topics)"),
        new("frequent", $"q={SyntheticCatalog.FrequentWord}", $"\"{SyntheticCatalog.FrequentWord}\", in ~80% of courses: always hits the {CatalogSearch.CandidateCap:#,0}-candidate cap"),
        new("two-terms", "q=bayesian+optimization", "two words that must both match (\"bayesian optimization\")"),
        new("typo", "q=linar+algebra", "a misspelling (\"linar algebra\"): words search finds nothing, spelling correction, second search for \"linear algebra\""),
        new("filters", "format=in-person&price=paid&level=advanced", "filters only, no text: in person, paid, advanced"),
        new("no-query", "", "plain /api/courses: the whole published catalog by popularity"),
    ];
}

/// <summary>
/// The raw-Npgsql baseline of a query class: the same statements, in the same order, that
/// <see cref="CatalogSearch.SearchAsync"/> runs for it, with nothing around them (no HTTP, no JSON
/// deserialisation or re-serialisation, no facet post-processing).
/// </summary>
public sealed class BaselinePlan
{
    private readonly NpgsqlDataSource db;
    private readonly CatalogSearch correction;
    private readonly List<Func<CancellationToken, Task>> steps = [];

    /// <summary>Human-readable steps, for the report.</summary>
    public List<string> Description { get; } = [];

    /// <summary>The search statements among the steps (the spelling correction's SQL is private to CatalogSearch).</summary>
    public List<(string Description, CatalogSearch.SqlCommandSpec Spec)> Searches { get; } = [];

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of each search statement, run once on an idle database.</summary>
    public async Task<string> ExplainAsync(CancellationToken ct)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var (description, spec) in Searches)
        {
            await using var cmd = new CatalogSearch.SqlCommandSpec("EXPLAIN (ANALYZE, BUFFERS) " + spec.Sql, spec.Parameters).ToCommand(db);
            cmd.CommandTimeout = 300;
            sb.AppendLine($"-- {description}");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) sb.AppendLine(reader.GetString(0));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private BaselinePlan(NpgsqlDataSource db)
    {
        this.db = db;
        correction = new CatalogSearch(db);
    }

    /// <summary>
    /// Decides the statements the service runs for this query on the current data, by running them once:
    /// a words search; when it finds nothing, the spelling-correction query and a words search for the corrected
    /// text; when that finds nothing either, the title-similarity search.
    /// </summary>
    public static async Task<BaselinePlan> CreateAsync(NpgsqlDataSource db, CatalogQuery query, CancellationToken ct)
    {
        var plan = new BaselinePlan(db);
        if (!query.HasText)
        {
            plan.AddSearch(CatalogSearch.Build(query, CatalogSearch.TextMode.None, query.Q), "search (no text)");
            return plan;
        }

        var first = CatalogSearch.Build(query, CatalogSearch.TextMode.Words, query.Q);
        plan.AddSearch(first, $"words search \"{query.Q}\"");
        if (await plan.TotalAsync(first, ct) > 0) return plan;

        var text = query.Q!;
        var corrected = await plan.correction.CorrectSpellingAsync(text, ct);
        plan.steps.Add(async c => await plan.correction.CorrectSpellingAsync(text, c));
        plan.Description.Add("spelling correction (CatalogSearch.CorrectSpellingAsync: one SQL statement)");
        if (corrected is not null)
        {
            var second = CatalogSearch.Build(query, CatalogSearch.TextMode.Words, corrected);
            plan.AddSearch(second, $"words search \"{corrected}\"");
            if (await plan.TotalAsync(second, ct) > 0) return plan;
        }
        plan.AddSearch(CatalogSearch.Build(query, CatalogSearch.TextMode.TitleSimilarity, query.Q), $"title-similarity search \"{query.Q}\"");
        return plan;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var step in steps) await step(ct);
    }

    private void AddSearch(CatalogSearch.SqlCommandSpec spec, string description)
    {
        Description.Add(description);
        Searches.Add((description, spec));
        steps.Add(async ct =>
        {
            await using var cmd = spec.ToCommand(db);
            var json = (string?)await cmd.ExecuteScalarAsync(ct);
            if (json is null) throw new InvalidOperationException("The search returned no row.");
        });
    }

    private async Task<int> TotalAsync(CatalogSearch.SqlCommandSpec spec, CancellationToken ct)
    {
        await using var cmd = spec.ToCommand(db);
        var json = (string?)await cmd.ExecuteScalarAsync(ct) ?? "{}";
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("total", out var t) ? t.GetInt32() : 0;
    }
}
