using System.Globalization;
using System.Text;
using System.Text.Json;
using CourseMatch.Data;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Catalog;

/// <summary>
/// Catalog search: full text (websearch syntax) ranked with title words first, spelling correction and a trigram
/// fallback for typos, filters, disjunctive facets and paging over every match.
/// </summary>
/// <remarks>
/// Counts are exact while a set of matches fits the <see cref="CountBudget"/>; above it they are estimated from a block
/// sample of the table and marked as estimates. See docs/decisions/0015-true-counts-and-disjunctive-facets.md.
/// </remarks>
public sealed partial class CatalogSearch(ReadDatabase reads, CatalogIndex? index = null, CountBudget? budget = null)
{
    /// <summary>Read per statement: the replica monitor may move reads between standby and primary at any time.</summary>
    private NpgsqlDataSource db => reads.DataSource;

    /// <summary>Paging reaches this many results deep; past it a learner narrows the search or changes the sort.</summary>
    public const int MaxResultDepth = 50_000;

    private readonly CountBudget budget = budget ?? new CountBudget();

    public enum TextMode { None, Words, TitleSimilarity }

    public Task<CatalogPage> SearchAsync(CatalogQuery query, CancellationToken ct = default) => SearchAsync(query, null, ct);

    /// <summary>A search that also lists the statements it ran, in order (the benchmark replays them as its baseline).</summary>
    public async Task<CatalogPage> SearchAsync(CatalogQuery query, List<SearchStep>? steps, CancellationToken ct = default)
    {
        using var activity = Operations.CourseMatchTelemetry.StartSearch(query);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var page = await reads.ReadAsync(() => SearchUntimedAsync(query, steps, ct));
        Operations.CourseMatchTelemetry.SearchDone(activity, started, page);
        return page;
    }

    private async Task<CatalogPage> SearchUntimedAsync(CatalogQuery query, List<SearchStep>? steps, CancellationToken ct)
    {
        if (!query.HasText) return await RunAsync(query, TextMode.None, query.Q, steps, ct);

        var page = await RunAsync(query, TextMode.Words, query.Q, steps, ct);
        // A word the catalog does not know is worth correcting even when the words found something (stemming finds
        // "lerning" in a German title): the correction is shown when it finds at least as much.
        steps?.Add(new SearchStep(null, query.Verbatim ? null : query.Q));
        var corrected = query.Verbatim ? null : await CorrectSpellingAsync(query.Q!, ct);
        if (corrected is not null)
        {
            var alternative = await RunAsync(query, TextMode.Words, corrected, steps, ct);
            if (alternative.Total > 0 && alternative.Total >= page.Total) return alternative with { CorrectedQuery = corrected, MatchMode = "spelling" };
        }
        if (page.Total > 0) return page with { MatchMode = "words" };

        page = await RunAsync(query, TextMode.TitleSimilarity, query.Q, steps, ct);
        return page.Total > 0 ? page with { MatchMode = "title-similarity" } : page;
    }

    /// <summary>One statement a search ran, or (with <see cref="Statement"/> null) its spelling correction of <see cref="Corrected"/>.</summary>
    public sealed record SearchStep(SqlCommandSpec? Statement, string? Corrected);

    /// <summary>
    /// One search. When the planner expects well over the budget (1.5 times), the estimating statement runs first, and
    /// the counted one only if the sample finds no more than 1.25 times the budget (a sample's error near the budget is
    /// a few percent, so a search that fits the budget is still counted). Otherwise the counted statement
    /// runs, and the estimating one after it when all matches, or a selected facet's own set, are over the budget.
    /// </summary>
    private async Task<CatalogPage> RunAsync(CatalogQuery query, TextMode mode, string? text, List<SearchStep>? steps, CancellationToken ct)
    {
        if (index is not null && mode != TextMode.TitleSimilarity
            && await index.PrepareAsync(mode == TextMode.Words ? text ?? "" : null, steps, ct) is { } prepared)
        {
            var result = CatalogIndex.Search(prepared, query);
            return Page(query, new RawPage(result.Total, await CardsAsync(result.PageIds, steps, ct), result.Facets, null), []);
        }
        var percent = await SamplePercentAsync(ct);
        if (percent < 100 && await PlannedMatchesAsync(BuildPlanned(query, mode, text), steps, ct) > PlannedFar * budget.Exact)
        {
            var spec = BuildEstimated(query, mode, text, percent, true, SelectedFacets(query));
            steps?.Add(new SearchStep(spec, null));
            var estimate = await QueryAsync<RawPage>(spec, ct);
            // The planner guessed far over the budget but the sample finds the search near it: count it after all.
            if (estimate.Total > budget.Exact * 5 / 4) return Page(query, estimate, FacetNames);
        }
        return await RunCountedAsync(query, mode, text, percent, steps, ct);
    }

    /// <summary>How far over the budget the planner's guess must be to go straight to the sample.</summary>
    private const double PlannedFar = 1.5;

    private async Task<CatalogPage> RunCountedAsync(CatalogQuery query, TextMode mode, string? text, double percent, List<SearchStep>? steps, CancellationToken ct)
    {
        // With a ticked facet, one read of the courses failing at most one filter serves every set, when they fit the
        // budget; a large table asks the planner first, so an unfitting read is not made only to be thrown away.
        if (SelectedFacets(query).Count > 0
            && (percent >= 100 || await PlannedMatchesAsync(BuildPlanned(query, mode, text, oneRead: true), steps, ct) <= PlannedFar * budget.Exact))
        {
            var oneReadSpec = BuildCounted(query, mode, text, budget.Exact, oneRead: true);
            steps?.Add(new SearchStep(oneReadSpec, null));
            var read = await QueryAsync<RawPage>(oneReadSpec, ct);
            if (read.OneRead <= budget.Exact) return Page(query, read, []);
        }
        var spec = BuildCounted(query, mode, text, budget.Exact);
        steps?.Add(new SearchStep(spec, null));
        var counted = await QueryAsync<RawPage>(spec, ct);
        var over = (counted.Sizes ?? []).Where(s => s.Value > budget.Exact).Select(s => s.Key).ToHashSet();
        if (over.Count == 0) return Page(query, counted, []);
        // Every selected facet's own set holds all matches: when all matches are over the budget, so is every set.
        var estimateSpec = BuildEstimated(query, mode, text, percent, over.Contains(AllMatches), over.Contains(AllMatches) ? SelectedFacets(query) : over);
        steps?.Add(new SearchStep(estimateSpec, null));
        var estimate = await QueryAsync<RawPage>(estimateSpec, ct);
        // Sampling every block of the table counts every row: then nothing is an estimate.
        return over.Contains(AllMatches)
            ? Page(query, estimate, percent < 100 ? FacetNames : [])
            : Page(query, counted with { Facets = [.. counted.Facets, .. estimate.Facets] }, percent < 100 ? over : Array.Empty<string>());
    }

    private static CatalogPage Page(CatalogQuery query, RawPage raw, IReadOnlyCollection<string> estimated) => new()
    {
        Total = raw.Total,
        CountsAreEstimates = estimated.Count > 0,
        Page = query.Page,
        PageSize = query.PageSize,
        Items = (raw.Items ?? []).Select(ToCard).ToList(),
        Facets = Facets(raw.Facets, query, estimated.ToHashSet()),
    };

    /// <summary>The cards of the courses <paramref name="ids"/>, in that order (a course unpublished meanwhile is left out).</summary>
    private async Task<List<RawCard>> CardsAsync(int[] ids, List<SearchStep>? steps, CancellationToken ct)
    {
        if (ids.Length == 0) return [];
        var spec = new SqlCommandSpec(
            $"SELECT ({Cards("SELECT k.id, k.ord FROM unnest(@ids) WITH ORDINALITY AS k(id, ord)")})::text",
            [new("ids", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = ids }]);
        steps?.Add(new SearchStep(spec, null));
        return await QueryAsync<List<RawCard>>(spec, ct);
    }

    /// <summary>The planner's guess at how many courses match: an EXPLAIN, no rows read.</summary>
    private async Task<double> PlannedMatchesAsync(SqlCommandSpec spec, List<SearchStep>? steps, CancellationToken ct)
    {
        steps?.Add(new SearchStep(spec, null));
        await using var cmd = spec.ToCommand(db);
        var json = (string?)await cmd.ExecuteScalarAsync(ct) ?? "[]";
        using var plan = JsonDocument.Parse(json);
        return plan.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }

    /// <summary>EXPLAIN of the search's match condition, for <see cref="PlannedMatchesAsync"/>.</summary>
    public static SqlCommandSpec BuildPlanned(CatalogQuery query, TextMode mode, string? text, bool oneRead = false)
    {
        var ps = Parameters(query, mode, text);
        var filters = Filters(query, ps);
        var where = oneRead && filters.Count > 0
            ? $" AND {FailingAtMostOne(filters)}"
            : string.Concat(filters.Values.Select(f => " AND " + f));
        return new SqlCommandSpec($"EXPLAIN (FORMAT JSON) SELECT 1 FROM courses c WHERE {Published} AND {TextSql(mode).Match}{where}", ps);
    }

    private async Task<T> QueryAsync<T>(SqlCommandSpec spec, CancellationToken ct)
    {
        await using var cmd = spec.ToCommand(db);
        var json = (string?)await cmd.ExecuteScalarAsync(ct) ?? "{}";
        return JsonSerializer.Deserialize<T>(json)!;
    }

    private double tablePercent;
    private long tablePercentAt;

    /// <summary>
    /// The share of the table's blocks an estimate samples, for about <see cref="CountBudget.SampleRows"/> rows, from the planner's
    /// row count (kept by ANALYZE and autovacuum); looked up at most once a minute. 100 when the table is small.
    /// </summary>
    public async Task<double> SamplePercentAsync(CancellationToken ct = default)
    {
        if (System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref tablePercentAt)) < TimeSpan.FromMinutes(1) && tablePercent > 0) return tablePercent;
        await using var cmd = db.CreateCommand("SELECT reltuples::float8 FROM pg_class WHERE oid = 'courses'::regclass");
        var rows = Convert.ToDouble(await cmd.ExecuteScalarAsync(ct) ?? 0.0, CultureInfo.InvariantCulture);
        tablePercent = rows <= budget.SampleRows ? 100 : Math.Round(100.0 * budget.SampleRows / rows, 4);
        Volatile.Write(ref tablePercentAt, System.Diagnostics.Stopwatch.GetTimestamp());
        return tablePercent;
    }

    /// <summary>The SQL and parameters of one statement; the benchmark runs the same text as its raw-Npgsql baseline.</summary>
    public sealed record SqlCommandSpec(string Sql, IReadOnlyList<NpgsqlParameter> Parameters)
    {
        public NpgsqlCommand ToCommand(NpgsqlDataSource source)
        {
            var cmd = source.CreateCommand(Sql);
            foreach (var p in Parameters) cmd.Parameters.Add(p.Clone());
            return cmd;
        }

        public NpgsqlCommand ToCommand(NpgsqlConnection connection)
        {
            var cmd = new NpgsqlCommand(Sql, connection);
            foreach (var p in Parameters) cmd.Parameters.Add(p.Clone());
            return cmd;
        }
    }

    /// <summary>The name, in <see cref="RawPage.Sizes"/>, of the set of all matches (the facets' sets go by facet name).</summary>
    public const string AllMatches = "";

    /// <summary>
    /// The counted statement. It takes every match up to one over the budget, and for each facet with a selection the
    /// matches without that facet's filter (disjunctive facets: a ticked value does not hide the others). Each set that
    /// fits the budget is counted exactly, and the page is ranked and cut from all matches; "sizes" tells the caller which
    /// sets were over the budget, to estimate with <see cref="BuildEstimated"/>.
    /// </summary>
    public static SqlCommandSpec BuildCounted(CatalogQuery query, TextMode mode, string? text, int budget, bool oneRead = false)
    {
        var ps = Parameters(query, mode, text);
        ps.Add(new("budget", NpgsqlDbType.Integer) { Value = budget });
        var filters = Filters(query, ps);
        var (match, rank) = TextSql(mode);
        var all = string.Concat(filters.Values.Select(f => " AND " + f));
        const string columns = "c.id, c.provider_id, c.format, c.price, c.paid_unlisted, c.effort_hours, c.level, c.language, c.pacing, c.rating, c.rating_count, c.created_at";

        // One read (with a ticked facet): the courses failing at most one filter, each flagged per filter, hold every
        // set (all matches, and each ticked facet's own set). When they fit the budget every set is counted from them.
        string Passing(string? except) => string.Concat(filters.Keys.Where(k => k != except).Select(k => $" AND ok_{k}"));
        var sets = new StringBuilder(oneRead && filters.Count > 0
            ? $"""
                u AS MATERIALIZED (
                    SELECT {columns}, {rank} AS rank{string.Concat(filters.Select(f => $", coalesce({f.Value}, false) AS ok_{f.Key}"))}
                    FROM courses c WHERE {Published} AND {match}
                      AND {FailingAtMostOne(filters)}
                    LIMIT @budget + 1),
                nu AS (SELECT count(*) AS n FROM u),
                m AS MATERIALIZED (SELECT * FROM u WHERE (SELECT n FROM nu) <= @budget{Passing(null)}),
                n AS (SELECT count(*) AS n FROM m)
                """
            : $"""
                m AS MATERIALIZED (
                    SELECT {columns}, {rank} AS rank
                    FROM courses c WHERE {Published} AND {match}{all} LIMIT @budget + 1),
                n AS (SELECT count(*) AS n FROM m)
                """);
        var sizes = new List<string> { $"'{AllMatches}', (SELECT n FROM n)" };
        var facetCounts = new List<string> { FacetSql.CountsSql(FacetSql.All.Where(f => !filters.ContainsKey(f.Name)).ToList(), "(SELECT * FROM m WHERE (SELECT n FROM n) <= @budget)", FacetSql.Counted) };
        foreach (var facet in FacetSql.All)
        {
            if (filters.ContainsKey(facet.Name))
            {
                // The facet's own set: every other filter applies, its own does not.
                var others = string.Concat(filters.Where(f => f.Key != facet.Name).Select(f => " AND " + f.Value));
                sets.Append(oneRead
                    ? $"""
                        ,
                        m_{facet.Name} AS MATERIALIZED (SELECT * FROM u WHERE (SELECT n FROM nu) <= @budget{Passing(facet.Name)}),
                        n_{facet.Name} AS (SELECT count(*) AS n FROM m_{facet.Name})
                        """
                    : $"""
                        ,
                        m_{facet.Name} AS MATERIALIZED (SELECT {facet.Columns("c")} FROM courses c WHERE {Published} AND {match}{others} LIMIT @budget + 1),
                        n_{facet.Name} AS (SELECT count(*) AS n FROM m_{facet.Name})
                        """);
                sizes.Add($"'{facet.Name}', (SELECT n FROM n_{facet.Name})");
                facetCounts.Add(FacetSql.CountsSql([facet], $"(SELECT * FROM m_{facet.Name} WHERE (SELECT n FROM n_{facet.Name}) <= @budget)", FacetSql.Counted));
            }
        }

        var sql = $"""
            WITH {sets}
            SELECT json_build_object(
              'total', (SELECT n FROM n),
              'sizes', json_build_object({string.Join(", ", sizes)}),
              'oneRead', {(oneRead && filters.Count > 0 ? "(SELECT n FROM nu)" : "NULL")},
              'items', CASE WHEN (SELECT n FROM n) <= @budget THEN {Cards(Numbered($"SELECT * FROM m ORDER BY {Order(query.Sort, mode, "m")} OFFSET @offset LIMIT @page_size", Order(query.Sort, mode, "m")))} END,
              'facets', coalesce((SELECT json_agg(f) FROM ({string.Join("\n UNION ALL ", facetCounts.Where(f => f.Length > 0))}) f), '[]'::json)
            )::text
            """;
        return new SqlCommandSpec(sql, ps);
    }

    /// <summary>
    /// The estimating statement, for sets of matches over the budget: counts from a row sample (BERNOULLI: rows stored together are alike, so a block sample was off by more than its size promised) of
    /// <paramref name="percent"/>% of the table, scaled up, and (when all matches are over) the page read in the sort's
    /// index order over every match, so the cheapest of all matches comes first and deep pages exist.
    /// </summary>
    public static SqlCommandSpec BuildEstimated(CatalogQuery query, TextMode mode, string? text, double percent, bool total, IReadOnlySet<string> facets)
    {
        var ps = Parameters(query, mode, text);
        ps.Add(new("percent", NpgsqlDbType.Real) { Value = (float)percent });
        var filters = Filters(query, ps);
        var (match, _) = TextSql(mode);
        var all = string.Concat(filters.Values.Select(f => " AND " + f));
        // A sampled row carries, for each filter, whether it passes, so each facet's set is the rows passing the others.
        string Passing(string? except) => string.Concat(filters.Keys.Where(k => k != except).Select(k => $" AND ok_{k}"));

        var facetCounts = FacetSql.All.Where(f => facets.Contains(f.Name))
            .Select(f => FacetSql.CountsSql([f], $"(SELECT * FROM s WHERE TRUE{Passing(f.Name)})", FacetSql.Scaled))
            .ToList();
        var unselected = FacetSql.All.Where(f => !filters.ContainsKey(f.Name)).ToList();
        if (total && unselected.Count > 0) facetCounts.Add(FacetSql.CountsSql(unselected, $"(SELECT * FROM s WHERE TRUE{Passing(null)})", FacetSql.Scaled));

        var sql = $"""
            WITH s AS MATERIALIZED (
                SELECT {string.Join(", ", FacetSql.All.SelectMany(f => f.Needs).Prepend("id").Distinct().Select(n => "c." + n))}{string.Concat(filters.Select(f => $", {f.Value} AS ok_{f.Key}"))}
                FROM courses c TABLESAMPLE BERNOULLI (@percent) REPEATABLE (0)
                WHERE {Published} AND {match})
            SELECT json_build_object(
              'total', {(total ? $"(SELECT {FacetSql.Scaled(null)} FROM s WHERE TRUE{Passing(null)})" : "0")},
              'items', {(total ? Cards(PageInIndexOrder(query, mode, match + all)) : "'[]'::json")},
              'facets', coalesce((SELECT json_agg(f) FROM ({(facetCounts.Count > 0 ? string.Join("\n UNION ALL ", facetCounts) : "SELECT NULL AS name, NULL AS value, NULL AS label, 0 AS n WHERE FALSE")}) f), '[]'::json)
            )::text
            """;
        return new SqlCommandSpec(sql, ps);
    }

    private const string Published = $"c.status = '{nameof(CourseStatus.Published)}'";

    private static List<NpgsqlParameter> Parameters(CatalogQuery query, TextMode mode, string? text)
    {
        var ps = new List<NpgsqlParameter>
        {
            new("offset", NpgsqlDbType.Integer) { Value = (query.Page - 1) * query.PageSize },
            new("page_size", NpgsqlDbType.Integer) { Value = query.PageSize },
        };
        if (mode != TextMode.None) ps.Add(new("q", NpgsqlDbType.Text) { Value = text ?? "" });
        return ps;
    }

    /// <summary>What makes a course match the text, and its relevance score.</summary>
    private static (string Match, string Rank) TextSql(TextMode mode) => mode switch
    {
        TextMode.Words => ("c.search_vector @@ websearch_to_tsquery('english', @q)", "ts_rank(c.search_vector, websearch_to_tsquery('english', @q))"),
        TextMode.TitleSimilarity => ("@q <% c.title", "word_similarity(@q, c.title)"),
        _ => ("TRUE", "0::real"),
    };

    private static string Order(CatalogSort sort, TextMode mode, string alias) => (sort, mode) switch
    {
        (CatalogSort.Relevance, not TextMode.None) => $"{alias}.rank DESC, {alias}.rating_count DESC, {alias}.id",
        (CatalogSort.Relevance, _) => $"{alias}.rating_count DESC, {alias}.id",
        (CatalogSort.Price, _) => $"{alias}.price ASC NULLS LAST, {alias}.id",
        (CatalogSort.PriceDesc, _) => $"{alias}.price DESC NULLS LAST, {alias}.id",
        (CatalogSort.Duration, _) => $"{alias}.effort_hours ASC NULLS LAST, {alias}.id",
        (CatalogSort.Rating, _) => $"{RatingPrior.Sql(alias)} DESC NULLS LAST, {alias}.rating_count DESC, {alias}.id",
        _ => $"{alias}.created_at DESC, {alias}.id DESC",
    };

    /// <summary>
    /// One page of every match in the sort's order, read through the index that has that order. Ranking every one of
    /// several hundred thousand matches is what the budget avoids, so over it "best match" is title matches first, then
    /// the most rated: two index-ordered reads that each stop after the page.
    /// </summary>
    private static string PageInIndexOrder(CatalogQuery query, TextMode mode, string where)
    {
        if (query.Sort == CatalogSort.Relevance && mode == TextMode.Words)
            return $"""
                SELECT p.id, row_number() OVER (ORDER BY p.in_title DESC, p.rating_count DESC, p.id) AS ord FROM (
                    (SELECT c.id, true AS in_title, c.rating_count FROM courses c
                     WHERE {Published} AND {where} AND c.title_vector @@ websearch_to_tsquery('english', @q)
                     ORDER BY c.rating_count DESC, c.id LIMIT @offset + @page_size)
                    UNION ALL
                    (SELECT c.id, false, c.rating_count FROM courses c
                     WHERE {Published} AND {where} AND NOT c.title_vector @@ websearch_to_tsquery('english', @q)
                     ORDER BY c.rating_count DESC, c.id LIMIT @offset + @page_size)) p
                ORDER BY p.in_title DESC, p.rating_count DESC, p.id OFFSET @offset LIMIT @page_size
                """;
        var order = Order(query.Sort, TextMode.None, "c");
        return Numbered($"SELECT {SortColumns} FROM courses c WHERE {Published} AND {where} ORDER BY {order} OFFSET @offset LIMIT @page_size",
            Order(query.Sort, TextMode.None, "m"));
    }

    /// <summary>A page's (id, ord) from a statement that selects the page's rows: numbered after the cut, so only the page is sorted twice.</summary>
    private static string Numbered(string page, string orderOfM) => $"SELECT m.id, row_number() OVER (ORDER BY {orderOfM}) AS ord FROM ({page}) m";

    private const string SortColumns = "c.id, c.price, c.effort_hours, c.rating, c.rating_count, c.created_at";

    /// <summary>The cards of a page, from a statement selecting (id, ord) with ord counting from 1 within the page.</summary>
    private static string Cards(string page) => $"""
        coalesce((SELECT json_agg(row_to_json(p) ORDER BY p.ord) FROM (
            SELECT k.ord, c.slug, c.title, pr.slug AS provider_slug, pr.name AS provider_name, c.summary,
                   c.format, c.pacing, c.level, c.kind, c.language, c.city, c.country, c.price, c.currency,
                   c.free_to_audit, c.paid_unlisted, c.certificate,
                   c.duration_weeks, c.duration_weeks_max, c.hours_per_week, c.hours_per_week_max,
                   c.total_hours, c.total_hours_max, c.effort_hours,
                   c.rating, c.rating_count,
                   ARRAY(SELECT s.name FROM course_skills cs JOIN skills s ON s.id = cs.skill_id
                         WHERE cs.course_id = c.id ORDER BY cs.level DESC, s.name) AS skills
            FROM ({page}) k JOIN courses c ON c.id = k.id JOIN providers pr ON pr.id = c.provider_id) p), '[]'::json)
        """;

    /// <summary>The SQL condition of each facet that has a selection, by facet name: values within a facet are alternatives.</summary>
    private static Dictionary<string, string> Filters(CatalogQuery q, List<NpgsqlParameter> ps)
    {
        var filters = new Dictionary<string, string>();
        void Any(string facet, string column, IEnumerable<string> values)
        {
            var arr = values.ToArray();
            if (arr.Length == 0) return;
            ps.Add(new($"f_{facet}", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = arr });
            filters[facet] = $"{column} = ANY(@f_{facet})";
        }
        void AnyOf(string facet, IEnumerable<string> conditions)
        {
            var list = conditions.ToList();
            if (list.Count > 0) filters[facet] = "(" + string.Join(" OR ", list) + ")";
        }

        Any("format", "c.format", q.Formats.Select(f => f.ToString()));
        AnyOf("price", q.Prices.Select(p => p switch
        {
            PriceFilter.Free => "c.price = 0",
            PriceFilter.Paid => "(c.price > 0 OR c.paid_unlisted)",
        }));
        AnyOf("priceBand", q.PriceBands.Select(b => Bands.Of(Bands.Price, b).Condition("c.price")));
        AnyOf("duration", q.Durations.Select(d => Bands.Of(Bands.Duration, d).Condition("c.effort_hours")));
        Any("level", "c.level", q.Levels.Select(f => f.ToString()));
        if (q.Skills.Count > 0)
        {
            ps.Add(new("f_skill", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = q.Skills.ToArray() });
            filters["skill"] = "EXISTS (SELECT 1 FROM course_skills cs WHERE cs.course_id = c.id AND cs.skill_id IN (SELECT id FROM skills WHERE slug = ANY(@f_skill)))";
        }
        if (q.Providers.Count > 0)
        {
            ps.Add(new("f_provider", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = q.Providers.ToArray() });
            filters["provider"] = "c.provider_id IN (SELECT id FROM providers WHERE slug = ANY(@f_provider))";
        }
        Any("language", "c.language", q.Languages);
        Any("pacing", "c.pacing", q.Pacings.Select(f => f.ToString()));
        return filters;
    }

    /// <summary>The facets with a ticked value, by name.</summary>
    private static HashSet<string> SelectedFacets(CatalogQuery q) => q.ToQueryPairs().Select(kv => kv.Key).Where(FacetNames.Contains).ToHashSet();

    /// <summary>The condition of the one read: a course passes every filter but at most one (a null condition fails).</summary>
    private static string FailingAtMostOne(Dictionary<string, string> filters) =>
        $"{string.Join(" + ", filters.Values.Select(f => $"coalesce(({f})::int, 0)"))} >= {filters.Count - 1}";

    /// <summary>How one facet is counted over a set of courses: the columns it needs and the value a course has (null: none).</summary>
    private sealed record FacetSql(string Name, string[] Needs, IReadOnlyList<(string Value, string Condition)>? Values = null)
    {
        public string Columns(string alias) => string.Join(", ", Needs.Select(n => $"{alias}.{n}").Prepend($"{alias}.id").Distinct());

        public static readonly IReadOnlyList<FacetSql> All =
        [
            Enum<CourseFormat>("format"),
            new("price", ["price", "paid_unlisted"], [("Free", "s.price = 0"), ("Paid", "(s.price > 0 OR s.paid_unlisted)")]),
            new("priceBand", ["price"], Bands.Price.Select(b => (b.Key, b.Condition("s.price"))).ToList()),
            new("duration", ["effort_hours"], Bands.Duration.Select(b => (b.Key, b.Condition("s.effort_hours"))).ToList()),
            Enum<CourseLevel>("level"),
            new("skill", []),
            new("provider", ["provider_id"]),
            new("language", ["language"]),
            Enum<Pacing>("pacing"),
        ];

        // The enum's names are our constants, never input.
        private static FacetSql Enum<T>(string column) where T : struct, Enum =>
            new(column, [column], System.Enum.GetNames<T>().Select(n => (n, $"s.{column} = '{n}'")).ToList());

        /// <summary>
        /// The (name, value, label, n) rows of <paramref name="facets"/> over <paramref name="source"/>, where
        /// <paramref name="count"/> turns a condition (null: every row) into a count. The facets with a fixed list of
        /// values are counted in one pass of FILTERed counts; languages and providers are grouped, skills joined.
        /// </summary>
        public static string CountsSql(IReadOnlyCollection<FacetSql> facets, string source, Func<string?, string> count)
        {
            var parts = new List<string>();
            var fixedValues = facets.Where(f => f.Values is not null).SelectMany(f => f.Values!.Select(v => (Facet: f.Name, v.Value, v.Condition))).ToList();
            if (fixedValues.Count > 0)
                parts.Add($"""
                    SELECT v.name, v.value, '' AS label, v.n FROM (
                        SELECT {string.Join(", ", fixedValues.Select((v, i) => $"{count(v.Condition)} AS c{i}"))} FROM {source} s) a
                    CROSS JOIN LATERAL (VALUES {string.Join(", ", fixedValues.Select((v, i) => $"('{v.Facet}', '{v.Value}', a.c{i})"))}) v(name, value, n)
                    WHERE v.n > 0
                    """);
            if (facets.Any(f => f.Name == "language"))
                parts.Add($"SELECT 'language', s.language, '', {count(null)} FROM {source} s GROUP BY s.language");
            if (facets.Any(f => f.Name == "provider"))
                parts.Add($"SELECT 'provider', pr.slug, pr.name, g.n FROM (SELECT s.provider_id, {count(null)} AS n FROM {source} s GROUP BY s.provider_id) g JOIN providers pr ON pr.id = g.provider_id");
            if (facets.Any(f => f.Name == "skill"))
                // Counted from course_skills for the set's courses (a semi-join: the planner hashes the set, or looks up each course).
                parts.Add($"SELECT 'skill', sk.slug, sk.name, g.n FROM (SELECT cs.skill_id, {count(null)} AS n FROM course_skills cs WHERE cs.course_id IN (SELECT s.id FROM {source} s) GROUP BY cs.skill_id) g JOIN skills sk ON sk.id = g.skill_id");
            return string.Join("\n UNION ALL ", parts.Select(p => $"({p})"));
        }

        public static string Counted(string? condition) => condition is null ? "count(*)" : $"count(*) FILTER (WHERE {condition})";

        /// <summary>A count over the row sample, scaled to the whole table.</summary>
        public static string Scaled(string? condition) => $"round({Counted(condition)} * 100.0 / @percent)::int";
    }

    private static CourseCard ToCard(RawCard r) => new(
        r.slug, r.title, r.provider_slug, r.provider_name, r.summary,
        Enum.Parse<CourseFormat>(r.format), Enum.Parse<Pacing>(r.pacing), Enum.Parse<CourseLevel>(r.level), Enum.Parse<CourseKind>(r.kind),
        r.language, r.city, r.country,
        r.price, r.currency, r.free_to_audit, r.paid_unlisted, r.certificate,
        r.duration_weeks, r.duration_weeks_max, r.hours_per_week, r.hours_per_week_max,
        r.total_hours, r.total_hours_max, r.effort_hours,
        r.rating, r.rating_count,
        r.skills);

    /// <summary>The facets in the order pages show them.</summary>
    public static readonly string[] FacetNames = ["format", "price", "priceBand", "duration", "level", "skill", "provider", "language", "pacing"];

    /// <summary>
    /// Facet values as URL values with their counts. Providers and skills carry the catalog's name as their label;
    /// for the others the label is the value, and the page words it (CatalogLabels in the web app).
    /// </summary>
    private static List<Facet> Facets(List<RawFacet> raw, CatalogQuery q, IReadOnlySet<string> estimated)
    {
        var selected = q.ToQueryPairs().ToLookup(kv => kv.Key, kv => kv.Value);
        var result = new List<Facet>();
        foreach (var name in FacetNames)
        {
            var values = raw.Where(f => f.name == name)
                .Select(f =>
                {
                    var value = name is "format" or "price" or "level" or "pacing" ? EnumText.Kebab(f.value) : f.value;
                    return new FacetValue(value, string.IsNullOrEmpty(f.label) ? value : f.label, f.n, selected[name].Contains(value));
                })
                .ToList();
            // A selected value stays visible (with 0) so it can be unticked.
            foreach (var s in selected[name].Where(s => values.All(v => v.Value != s)))
                values.Add(new FacetValue(s, s, 0, true));
            values = name switch
            {
                "priceBand" => values.OrderBy(v => Bands.Order(Bands.Price, v.Value)).ToList(),
                "duration" => values.OrderBy(v => Bands.Order(Bands.Duration, v.Value)).ToList(),
                "provider" or "skill" or "language" => values.OrderByDescending(v => v.Count).ThenBy(v => v.Label).ToList(),
                _ => values.OrderBy(v => v.Value).ToList(),
            };
            result.Add(new Facet(name, name, values) { Estimated = estimated.Contains(name) });
        }
        return result;
    }
}
