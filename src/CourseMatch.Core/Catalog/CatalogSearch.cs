using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Catalog;

/// <summary>
/// Catalog search: full text (websearch syntax) with title matches first, spelling correction
/// and a trigram fallback for typos, filters, facets and paging, in one SQL round trip.
/// </summary>
/// <remarks>
/// Every search works on a bounded candidate set: at most <see cref="CandidateCap"/> matching courses,
/// taken in the requested order (or, for text, the title matches first). Facet counts and the total
/// are counted within that set, so a search that matches most of a million courses costs about the
/// same as one that matches a few hundred. See docs/decisions/0003-bounded-candidate-set.md.
/// </remarks>
public sealed partial class CatalogSearch(NpgsqlDataSource db)
{
    public const int CandidateCap = 1000;

    public enum TextMode { None, Words, TitleSimilarity }

    public async Task<CatalogPage> SearchAsync(CatalogQuery query, CancellationToken ct = default)
    {
        if (!query.HasText) return await RunAsync(query, TextMode.None, query.Q, ct);

        var page = await RunAsync(query, TextMode.Words, query.Q, ct);
        // A word the catalog does not know is worth correcting even when the words found something (stemming finds
        // "lerning" in a German title): the correction is shown when it finds at least as much.
        var corrected = query.Verbatim ? null : await CorrectSpellingAsync(query.Q!, ct);
        if (corrected is not null)
        {
            var alternative = await RunAsync(query, TextMode.Words, corrected, ct);
            if (alternative.Total > 0 && alternative.Total >= page.Total) return alternative with { CorrectedQuery = corrected, MatchMode = "spelling" };
        }
        if (page.Total > 0) return page with { MatchMode = "words" };

        page = await RunAsync(query, TextMode.TitleSimilarity, query.Q, ct);
        return page.Total > 0 ? page with { MatchMode = "title-similarity" } : page;
    }

    private async Task<CatalogPage> RunAsync(CatalogQuery query, TextMode mode, string? text, CancellationToken ct)
    {
        await using var cmd = Build(query, mode, text).ToCommand(db);
        var json = (string?)await cmd.ExecuteScalarAsync(ct) ?? "{}";
        var raw = JsonSerializer.Deserialize<RawPage>(json)!;
        return new CatalogPage
        {
            Total = raw.Total,
            TotalIsLowerBound = raw.Total >= CandidateCap,
            Page = query.Page,
            PageSize = query.PageSize,
            Items = raw.Items.Select(ToCard).ToList(),
            Facets = Facets(raw.Facets, query),
        };
    }

    /// <summary>The SQL and parameters of one search; the benchmark runs the same text as its raw-Npgsql baseline.</summary>
    public sealed record SqlCommandSpec(string Sql, IReadOnlyList<NpgsqlParameter> Parameters)
    {
        public NpgsqlCommand ToCommand(NpgsqlDataSource source)
        {
            var cmd = source.CreateCommand(Sql);
            foreach (var p in Parameters) cmd.Parameters.Add(p.Clone());
            return cmd;
        }
    }

    public static SqlCommandSpec Build(CatalogQuery query, TextMode mode, string? text)
    {
        var ps = new List<NpgsqlParameter>
        {
            new("cap", NpgsqlDbType.Integer) { Value = CandidateCap },
            new("offset", NpgsqlDbType.Integer) { Value = (query.Page - 1) * query.PageSize },
            new("page_size", NpgsqlDbType.Integer) { Value = query.PageSize },
        };
        if (mode != TextMode.None) ps.Add(new("q", NpgsqlDbType.Text) { Value = text ?? "" });
        var filters = Filters(query, ps);

        var order = (query.Sort, mode) switch
        {
            (CatalogSort.Relevance, not TextMode.None) => "rank DESC, c.rating_count DESC, c.id",
            (CatalogSort.Relevance, _) => "c.rating_count DESC, c.id",
            (CatalogSort.Price, _) => "c.price ASC NULLS LAST, c.id",
            (CatalogSort.PriceDesc, _) => "c.price DESC NULLS LAST, c.id",
            (CatalogSort.Duration, _) => "c.effort_hours ASC NULLS LAST, c.id",
            (CatalogSort.Rating, _) => $"{RatingPrior.Sql("c")} DESC NULLS LAST, c.rating_count DESC, c.id",
            _ => "c.created_at DESC, c.id DESC",
        };

        // The candidate set, carrying only the columns ordering and facets need (never the tsvectors).
        // For text, each branch stops at the cap and ranks only what it returns. The title branch checks the
        // whole query too (so "-word" still excludes), but only after the title match: OFFSET 0 keeps
        // PostgreSQL from combining the two GIN indexes, which would read the full-text index's whole
        // posting list for common words. paid_unlisted is left out: the covering index a filtered browse reads
        // (ix_courses_popular) does not hold it, so the price facet looks it up only for candidates without a price.
        const string cols = "id, provider_id, format, price, effort_hours, level, language, pacing, rating, rating_count, created_at";
        var c_cols = string.Join(", ", cols.Split(", ").Select(col => "c." + col));
        var t_cols = string.Join(", ", cols.Split(", ").Select(col => "t." + col));
        var candidates = mode switch
        {
            TextMode.Words => $"""
                SELECT DISTINCT ON (u.id) u.* FROM (
                    (SELECT {t_cols}, ts_rank(t.sv, websearch_to_tsquery('english', @q)) AS rank
                     FROM (SELECT {c_cols}, c.search_vector AS sv FROM courses c
                           WHERE c.title_vector @@ websearch_to_tsquery('english', @q) {filters} OFFSET 0) t
                     WHERE t.sv @@ websearch_to_tsquery('english', @q) LIMIT @cap)
                    UNION ALL
                    (SELECT {c_cols}, ts_rank(c.search_vector, websearch_to_tsquery('english', @q)) AS rank
                     FROM courses c WHERE c.search_vector @@ websearch_to_tsquery('english', @q) {filters} LIMIT @cap)
                ) u ORDER BY u.id, u.rank DESC
                """,
            TextMode.TitleSimilarity => $"""
                SELECT {c_cols}, word_similarity(@q, c.title) AS rank
                FROM courses c WHERE @q <% c.title {filters} LIMIT @cap
                """,
            _ => $"SELECT {c_cols}, 0::real AS rank FROM courses c WHERE TRUE {filters}",
        };

        var sql = $"""
            WITH cand AS MATERIALIZED (
                SELECT c.id, c.provider_id, c.format, c.price, c.effort_hours, c.level, c.language, c.pacing,
                       row_number() OVER (ORDER BY {order}) AS ord
                FROM ({candidates}) c
                ORDER BY {order}
                LIMIT @cap
            )
            SELECT json_build_object(
              'total', (SELECT count(*) FROM cand),
              'items', coalesce((SELECT json_agg(row_to_json(p) ORDER BY p.ord) FROM (
                  SELECT k.ord, c.slug, c.title, pr.slug AS provider_slug, pr.name AS provider_name, c.summary,
                         c.format, c.pacing, c.level, c.kind, c.language, c.city, c.country, c.price, c.currency,
                         c.free_to_audit, c.paid_unlisted, c.certificate,
                         c.duration_weeks, c.duration_weeks_max, c.hours_per_week, c.hours_per_week_max,
                         c.total_hours, c.total_hours_max, c.effort_hours,
                         c.rating, c.rating_count,
                         ARRAY(SELECT s.name FROM course_skills cs JOIN skills s ON s.id = cs.skill_id
                               WHERE cs.course_id = c.id ORDER BY cs.level DESC, s.name) AS skills
                  FROM cand k JOIN courses c ON c.id = k.id JOIN providers pr ON pr.id = c.provider_id
                  WHERE k.ord > @offset AND k.ord <= @offset + @page_size) p), '[]'::json),
              'facets', coalesce((SELECT json_agg(f) FROM (
                  SELECT 'format' AS name, format AS value, format AS label, count(*) AS n FROM cand GROUP BY format
                  UNION ALL
                  SELECT 'price', CASE WHEN price = 0 THEN 'Free' ELSE 'Paid' END, '', count(*) FROM cand
                  WHERE price IS NOT NULL OR EXISTS (SELECT 1 FROM courses c WHERE c.id = cand.id AND c.paid_unlisted) GROUP BY 2
                  UNION ALL
                  SELECT 'priceBand', {Bands.PriceCaseSql}, '', count(*)
                  FROM cand WHERE price IS NOT NULL GROUP BY 2
                  UNION ALL
                  SELECT 'duration', {Bands.DurationCaseSql}, '', count(*)
                  FROM cand WHERE effort_hours IS NOT NULL GROUP BY 2
                  UNION ALL
                  SELECT 'level', level, '', count(*) FROM cand GROUP BY level
                  UNION ALL
                  SELECT 'provider', pr.slug, pr.name, count(*) FROM cand JOIN providers pr ON pr.id = cand.provider_id GROUP BY pr.slug, pr.name
                  UNION ALL
                  SELECT 'skill', s.slug, s.name, count(*) FROM cand JOIN course_skills cs ON cs.course_id = cand.id
                         JOIN skills s ON s.id = cs.skill_id GROUP BY s.slug, s.name
                  UNION ALL
                  SELECT 'language', language, '', count(*) FROM cand GROUP BY language
                  UNION ALL
                  SELECT 'pacing', pacing, '', count(*) FROM cand GROUP BY pacing) f), '[]'::json)
            )::text
            """;
        return new SqlCommandSpec(sql, ps);
    }

    private static string Filters(CatalogQuery q, List<NpgsqlParameter> ps)
    {
        var sb = new StringBuilder($" AND c.status = '{nameof(CourseStatus.Published)}'");
        void Any(string column, string name, IEnumerable<string> values)
        {
            var arr = values.ToArray();
            if (arr.Length == 0) return;
            ps.Add(new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = arr });
            sb.Append($" AND {column} = ANY(@{name})");
        }
        void AnyOf(IEnumerable<string> conditions)
        {
            var list = conditions.ToList();
            if (list.Count > 0) sb.Append(" AND (").Append(string.Join(" OR ", list)).Append(')');
        }

        Any("c.format", "formats", q.Formats.Select(f => f.ToString()));
        Any("c.level", "levels", q.Levels.Select(f => f.ToString()));
        Any("c.pacing", "pacings", q.Pacings.Select(f => f.ToString()));
        Any("c.language", "languages", q.Languages);
        if (q.Providers.Count > 0)
        {
            ps.Add(new("providers", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = q.Providers.ToArray() });
            sb.Append(" AND c.provider_id IN (SELECT id FROM providers WHERE slug = ANY(@providers))");
        }
        if (q.Skills.Count > 0)
        {
            ps.Add(new("skills", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = q.Skills.ToArray() });
            sb.Append(" AND EXISTS (SELECT 1 FROM course_skills cs WHERE cs.course_id = c.id AND cs.skill_id IN (SELECT id FROM skills WHERE slug = ANY(@skills)))");
        }
        AnyOf(q.Prices.Select(p => p switch
        {
            PriceFilter.Free => "c.price = 0",
            PriceFilter.Paid => "(c.price > 0 OR c.paid_unlisted)",
        }));
        AnyOf(q.PriceBands.Select(b => Bands.Of(Bands.Price, b).Condition("c.price")));
        AnyOf(q.Durations.Select(d => Bands.Of(Bands.Duration, d).Condition("c.effort_hours")));
        return sb.ToString();
    }

    /// <summary>
    /// Corrects the words the catalog does not know, from its vocabulary (search_terms): two neighbours that make a known
    /// word are joined ("boot camp"), a word that splits into two known words is split ("machinelearning"), and any
    /// other unknown word becomes the known word fewest edits away (letters added, dropped, changed or swapped), the
    /// more frequent on a tie. Returns null when every word is known or nothing could be corrected.
    /// </summary>
    public async Task<string?> CorrectSpellingAsync(string text, CancellationToken ct = default)
    {
        var tokens = WordPattern().Matches(text).Take(12).ToList();
        if (tokens.Count == 0) return null;
        var words = tokens.Select(t => t.Value.ToLowerInvariant()).ToList();
        // Most searches are spelled right: words seen known lately need no trip to the database.
        if (words.All(w => w.Length < 3 || KnownLately(w))) return null;

        // Every form that could be a known word: the words, neighbours joined, and each word's two-part splits.
        var forms = new HashSet<string>(words, StringComparer.Ordinal);
        for (var i = 0; i + 1 < words.Count; i++) forms.Add(words[i] + words[i + 1]);
        foreach (var w in words.Where(w => w.Length >= 6))
            for (var cut = 3; cut <= w.Length - 3; cut++) { forms.Add(w[..cut]); forms.Add(w[cut..]); }
        var known = await KnownAsync(forms, ct);
        foreach (var w in words.Where(known.ContainsKey)) Remember(w);
        var unknown = words.Where(w => w.Length >= 3 && !known.ContainsKey(w)).Distinct().ToArray();
        if (unknown.Length == 0) return null;
        var candidates = await CandidatesAsync(unknown, ct);

        var replacements = new List<(int Start, int End, string With)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var (start, end) = (tokens[i].Index, tokens[i].Index + tokens[i].Length);
            if (i + 1 < tokens.Count && known.ContainsKey(words[i] + words[i + 1])
                && (!known.ContainsKey(words[i]) || !known.ContainsKey(words[i + 1])) && string.IsNullOrWhiteSpace(text[end..tokens[i + 1].Index]))
            {
                replacements.Add((start, tokens[i + 1].Index + tokens[i + 1].Length, words[i] + words[i + 1]));
                i++;
            }
            else if (unknown.Contains(words[i]) && Nearest(words[i], candidates.GetValueOrDefault(words[i]) ?? [], known) is { } fix)
                replacements.Add((start, end, fix));
        }
        if (replacements.Count == 0) return null;

        var output = new StringBuilder();
        var last = 0;
        foreach (var (start, end, with) in replacements)
        {
            output.Append(text, last, start - last).Append(with);
            last = end;
        }
        return output.Append(text, last, text.Length - last).ToString();
    }

    /// <summary>Words found in the vocabulary, and when. Only known words are kept, so a word the vocabulary gains is looked up again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> knownWords = new(StringComparer.Ordinal);
    private static readonly long KnownFor = 5 * 60 * System.Diagnostics.Stopwatch.Frequency;
    private const int KnownWordsKept = 50_000;

    private bool KnownLately(string word) =>
        knownWords.TryGetValue(word, out var at) && System.Diagnostics.Stopwatch.GetTimestamp() - at < KnownFor;

    private void Remember(string word)
    {
        if (knownWords.Count >= KnownWordsKept) knownWords.Clear();
        knownWords[word] = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>The best known word for an unknown one: fewest edits (at most 1 for short words, 2 for longer), then a split into two known words, then the most documents.</summary>
    private static string? Nearest(string word, List<(string Word, long Documents)> candidates, IReadOnlyDictionary<string, long> known)
    {
        var most = word.Length <= 4 ? 1 : 2;
        var best = candidates.Select(c => (c.Word, c.Documents, Edits: Edits(word, c.Word))).Where(c => c.Edits <= most)
            .OrderBy(c => c.Edits).ThenByDescending(c => c.Documents).ThenBy(c => c.Word, StringComparer.Ordinal).FirstOrDefault();
        string? split = null;
        long splitDocuments = 0;
        for (var cut = 3; cut <= word.Length - 3; cut++)
            if (known.TryGetValue(word[..cut], out var a) && known.TryGetValue(word[cut..], out var b) && Math.Min(a, b) > splitDocuments)
                (split, splitDocuments) = ($"{word[..cut]} {word[cut..]}", Math.Min(a, b));
        if (best.Word is not null && best.Edits == 1) return best.Word;
        return split ?? best.Word;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost one.</summary>
    public static int Edits(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    private async Task<Dictionary<string, long>> KnownAsync(IEnumerable<string> forms, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT word, documents FROM search_terms WHERE word = ANY(@forms)");
        cmd.Parameters.Add(new NpgsqlParameter("forms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = forms.ToArray() });
        var known = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) known[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        return known;
    }

    /// <summary>
    /// Known words near each unknown one: close in length and sharing a fifth of their letter triples (a swap near the
    /// start, "ptyhon", shares few). The vocabulary is small (words of published titles and summaries), so it is scanned.
    /// </summary>
    private async Task<Dictionary<string, List<(string Word, long Documents)>>> CandidatesAsync(string[] unknown, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT w, t.word, t.documents
            FROM unnest(@words) AS w
            CROSS JOIN LATERAL (SELECT word, documents FROM search_terms
                                WHERE length(word) BETWEEN length(w) - 2 AND length(w) + 2 AND similarity(word, w) >= 0.2
                                ORDER BY similarity(word, w) DESC LIMIT 40) t
            """);
        cmd.Parameters.Add(new NpgsqlParameter("words", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = unknown });
        var result = new Dictionary<string, List<(string, long)>>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var w = reader.GetString(0);
            if (!result.TryGetValue(w, out var list)) result[w] = list = [];
            list.Add((reader.GetString(1), Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return result;
    }

    /// <summary>Rebuilds the vocabulary used for spelling correction from the published catalog.</summary>
    public static async Task RefreshVocabularyAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            BEGIN;
            DELETE FROM search_terms;
            INSERT INTO search_terms (word, documents)
            SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || search_keywords || ' ' || coalesce(summary, ''))
                                            FROM courses WHERE status = '{nameof(CourseStatus.Published)}'$$)
            WHERE length(word) BETWEEN 3 AND 40 AND word ~ '^[[:alpha:]]+$';
            COMMIT;
            """);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordPattern();

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
    private static List<Facet> Facets(List<RawFacet> raw, CatalogQuery q)
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
            result.Add(new Facet(name, name, values));
        }
        return result;
    }
}
