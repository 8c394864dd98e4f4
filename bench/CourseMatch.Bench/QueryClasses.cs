using CourseMatch.Data;
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
        new("frequent", $"q={SyntheticCatalog.FrequentWord}", $"\"{SyntheticCatalog.FrequentWord}\", in ~80% of courses: over the 50,000 count budget from 100k courses, so estimated there"),
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
            if (spec.Sql.StartsWith("EXPLAIN", StringComparison.Ordinal)) continue;
            await using var cmd = new CatalogSearch.SqlCommandSpec("EXPLAIN (ANALYZE, BUFFERS) " + spec.Sql, spec.Parameters).ToCommand(db);
            cmd.CommandTimeout = 300;
            sb.AppendLine($"-- {description}");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) sb.AppendLine(reader.GetString(0));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private BaselinePlan(NpgsqlDataSource db, CatalogIndex index)
    {
        this.db = db;
        correction = new CatalogSearch(ReadDatabase.PrimaryOnly(db), index);
    }

    /// <summary>
    /// Decides the statements the service runs for this query on the current data by running the search once and
    /// listing what it ran: the planner's guess, the counted statement, the sampled estimate, the spelling correction
    /// and the searches after it, as the data calls for.
    /// </summary>
    public static async Task<BaselinePlan> CreateAsync(NpgsqlDataSource db, CatalogIndex index, CatalogQuery query, CancellationToken ct)
    {
        var plan = new BaselinePlan(db, index);
        var steps = new List<CatalogSearch.SearchStep>();
        await plan.correction.SearchAsync(query, steps, ct);
        foreach (var step in steps)
        {
            if (step.Statement is { } spec)
                plan.AddSearch(spec, spec.Sql.Contains("pg_current_snapshot", StringComparison.Ordinal) ? "index poll (snapshot, parsed query, changes since)"
                    : spec.Sql.Contains("WITH ORDINALITY", StringComparison.Ordinal) ? "the page's cards by id"
                    : spec.Sql.StartsWith("EXPLAIN", StringComparison.Ordinal) ? "planner's guess at the matches (EXPLAIN)"
                    : spec.Sql.Contains("TABLESAMPLE", StringComparison.Ordinal) ? "estimate from a row sample (and the page in index order)"
                    : "counted search (exact total, facets and page)");
            else if (step.Corrected is { } text)
            {
                plan.steps.Add(async c => await plan.correction.CorrectSpellingAsync(text, c));
                plan.Description.Add("spelling correction (CatalogSearch.CorrectSpellingAsync: two small statements)");
            }
        }
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
}
