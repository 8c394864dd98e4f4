using System.Data;
using CourseMatch.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Catalog;

/// <summary>
/// The published catalog in memory, in columns, with an inverted index of its words: what the catalog search counts,
/// facets and orders every match with, so counts are exact at any size without visiting every matching row in
/// PostgreSQL. PostgreSQL stays the truth: the words are its stemmed lexemes (search_vector), the query is parsed by
/// its websearch_to_tsquery, and the page's cards are read from it.
/// </summary>
/// <remarks>
/// Kept current by the catalog_changes log that triggers write on every change to courses, their skills, providers and
/// skills (migration CatalogChangeLog). Each search asks for the changes committed since the index's last look, in the
/// same statement that parses its query, and applies them before it counts: an edit is in the next search, on every
/// instance. A few thousand changed courses are patched in (a small second segment); more (an import) load the index
/// again. See docs/decisions/0018-catalog-index.md.
/// </remarks>
public sealed partial class CatalogIndex(ReadDatabase reads, ILogger<CatalogIndex> log)
{
    /// <summary>A catalog up to this size loads inside the first search (well under a second); a larger one loads in the background while searches use SQL.</summary>
    public const int InlineLoadCourses = 50_000;

    /// <summary>More courses changed than this since the load, and the index is loaded again instead of patched.</summary>
    public const int MaxPatchedCourses = 5_000;

    /// <summary>The index as one search sees it: never changed, replaced whole.</summary>
    internal sealed record State(
        Segment Main, bool[] MainGone, Segment Patched, IReadOnlyDictionary<int, IndexedCourse> PatchedCourses,
        Names Names, string Snapshot, DateTimeOffset LoadedAt, TimeSpan LoadTime)
    {
        public int Courses => Main.Count - MainGone.Count(g => g) + Patched.Count;
    }

    /// <summary>Providers and skills by id (facet labels) and by slug (filters).</summary>
    internal sealed record Names(
        IReadOnlyDictionary<int, (string Slug, string Name)> Providers, IReadOnlyDictionary<string, int> ProviderBySlug,
        IReadOnlyDictionary<int, (string Slug, string Name)> Skills, IReadOnlyDictionary<string, int> SkillBySlug)
    {
        public int MaxProviderId { get; } = Providers.Keys.DefaultIfEmpty(0).Max();
        public int MaxSkillId { get; } = Skills.Keys.DefaultIfEmpty(0).Max();
    }

    private volatile State? state;
    private long polledAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private Task<State?>? loading;
    private readonly Lock loadingLock = new();
    private readonly SemaphoreSlim patching = new(1, 1);

    /// <summary>What the index holds, for the health page and the benchmark.</summary>
    public sealed record Status(bool Ready, bool Loading, int Courses, int PatchedCourses, DateTimeOffset? LoadedAt, TimeSpan? LoadTime);

    public Status Current()
    {
        var s = state;
        return new(s is not null, loading is { IsCompleted: false }, s?.Courses ?? 0, s?.Patched.Count ?? 0, s?.LoadedAt, s?.LoadTime);
    }

    /// <summary>Starts loading (in the background) unless the index is loaded or loading: the web app calls it at start.</summary>
    public Task WarmAsync() => StartLoad();

    /// <summary>A search's view of the index, with the words of its query, or null when the index cannot answer it.</summary>
    internal sealed record Prepared(State State, string[]? Words);

    /// <summary>
    /// Brings the index up to date and parses <paramref name="text"/> (null: no text) in one statement. Null when the
    /// index is not loaded yet (a large catalog loading in the background) or the query is more than words that must
    /// all match (quoted phrases, "or", "-word"): the caller searches with SQL then.
    /// </summary>
    internal async Task<Prepared?> PrepareAsync(string? text, List<CatalogSearch.SearchStep>? steps, CancellationToken ct)
    {
        // The log keeps a day of changes (migration CatalogChangeLog): an index that has not looked for most of a day loads again.
        if (state is not null && System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref polledAt)) > TimeSpan.FromHours(20)) state = null;
        var current = state ?? await LoadIfSmallAsync(ct);
        if (current is null) return null;
        Volatile.Write(ref polledAt, System.Diagnostics.Stopwatch.GetTimestamp());

        var spec = PollSpec(current.Snapshot, text);
        steps?.Add(new CatalogSearch.SearchStep(spec, null));
        await using var conn = await reads.DataSource.OpenConnectionAsync(ct);
        string snapshot;
        NpgsqlTsQuery? query;
        int[] changed;
        await using (var cmd = spec.ToCommand(conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            snapshot = reader.GetString(0);
            query = reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlTsQuery>(1);
            changed = reader.GetFieldValue<int[]>(2);
        }

        if (changed.Length > 0)
        {
            current = await ApplyAsync(conn, current, snapshot, changed, ct);
            if (current is null) return null;
        }
        if (text is null) return new Prepared(current, null);
        var words = new List<string>();
        return AllWords(query, words) ? new Prepared(current, [.. words.Distinct()]) : null;
    }

    /// <summary>The poll: the current snapshot, the parsed query, and the courses changed since <paramref name="snapshot"/> (0: names; −1: everything).</summary>
    internal static CatalogSearch.SqlCommandSpec PollSpec(string snapshot, string? text)
    {
        var ps = new List<NpgsqlParameter> { new("snap", NpgsqlDbType.Text) { Value = snapshot } };
        if (text is not null) ps.Add(new("q", NpgsqlDbType.Text) { Value = text });
        return new($"""
            SELECT pg_current_snapshot()::text,
                   {(text is null ? "NULL::tsquery" : "websearch_to_tsquery('english', @q)")},
                   ARRAY(SELECT DISTINCT coalesce(course_id, 0) FROM catalog_changes
                         WHERE xid >= pg_snapshot_xmin(@snap::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, @snap::pg_snapshot)
                         LIMIT {MaxPatchedCourses + 1})
            """, ps);
    }

    /// <summary>True when the query is lexemes joined by AND (an empty query is: it matches nothing).</summary>
    private static bool AllWords(NpgsqlTsQuery? query, List<string> words)
    {
        switch (query)
        {
            case null or NpgsqlTsQueryEmpty: return true;
            case NpgsqlTsQueryLexeme { IsPrefixSearch: false, Weights: NpgsqlTsQueryLexeme.Weight.None } lexeme:
                words.Add(lexeme.Text);
                return true;
            case NpgsqlTsQueryAnd and: return AllWords(and.Left, words) && AllWords(and.Right, words);
            default: return false;
        }
    }

    /// <summary>Patches the changed courses in, or loads the index again when there are too many or the catalog was emptied.</summary>
    private async Task<State?> ApplyAsync(NpgsqlConnection conn, State seen, string snapshot, int[] changed, CancellationToken ct)
    {
        await patching.WaitAsync(ct);
        try
        {
            var current = state;
            if (current is null) return null;
            if (changed.Length > MaxPatchedCourses || changed.Contains(-1) || current.PatchedCourses.Count + changed.Length > MaxPatchedCourses)
            {
                state = null;
                return await LoadIfSmallAsync(ct);
            }
            var names = changed.Contains(0) ? await ReadNamesAsync(conn, ct) : current.Names;
            var ids = changed.Where(id => id > 0).ToArray();
            var rows = ids.Length == 0 ? [] : await ReadChangedAsync(conn, ids, ct);

            var gone = current.MainGone;
            var patched = new Dictionary<int, IndexedCourse>(current.PatchedCourses);
            foreach (var id in ids)
            {
                if (current.Main.Find(id) is var at and >= 0 && !gone[at])
                {
                    if (ReferenceEquals(gone, current.MainGone)) gone = (bool[])gone.Clone();
                    gone[at] = true;
                }
                patched.Remove(id);
            }
            foreach (var row in rows) patched[row.Id] = row;
            var builder = new SegmentBuilder(patched.Count);
            foreach (var row in patched.Values.OrderBy(r => r.Id)) builder.Add(row);

            // Another search may have patched meanwhile: re-applying is harmless (rows are read as they are now), and its
            // snapshot is kept so nothing is skipped; the next poll then sees some of these changes once more.
            var next = current with
            {
                MainGone = gone, Patched = builder.Build(), PatchedCourses = patched, Names = names,
                Snapshot = ReferenceEquals(current, seen) ? snapshot : current.Snapshot,
            };
            state = next;
            return next;
        }
        finally { patching.Release(); }
    }

    private async Task<State?> LoadIfSmallAsync(CancellationToken ct)
    {
        var load = StartLoad();
        if (load.IsCompleted) return await load;
        await using var cmd = reads.DataSource.CreateCommand("SELECT reltuples::float8 FROM pg_class WHERE oid = 'courses'::regclass");
        var rows = Convert.ToDouble(await cmd.ExecuteScalarAsync(ct) ?? 0.0, System.Globalization.CultureInfo.InvariantCulture);
        return rows <= InlineLoadCourses ? await load.WaitAsync(ct) : null;
    }

    private Task<State?> StartLoad()
    {
        lock (loadingLock)
        {
            if (state is not null) return Task.FromResult<State?>(state);
            if (loading is { IsCompleted: false }) return loading;
            loading = Task.Run(async () =>
            {
                try
                {
                    var loaded = await LoadAsync(CancellationToken.None);
                    state = loaded;
                    return (State?)loaded;
                }
                catch (Exception e)
                {
                    // Searches go on with SQL; the next one tries again.
                    log.LogWarning(e, "The catalog index could not be loaded; searches use SQL until it is");
                    return null;
                }
            });
            return loading;
        }
    }

    /// <summary>Reads every published course and its words in one repeatable-read transaction, with that transaction's snapshot.</summary>
    private async Task<State> LoadAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var conn = await reads.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        string snapshot;
        double estimate;
        await using (var cmd = new NpgsqlCommand("SELECT pg_current_snapshot()::text, (SELECT reltuples::float8 FROM pg_class WHERE oid = 'courses'::regclass)", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            snapshot = reader.GetString(0);
            estimate = reader.GetDouble(1);
        }
        var builder = new SegmentBuilder((int)Math.Clamp(estimate, 16, 50_000_000));
        await foreach (var row in ReadCoursesAsync(conn, null, ct)) builder.Add(row);
        var names = await ReadNamesAsync(conn, ct);
        await tx.CommitAsync(ct);
        var main = builder.Build();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        log.LogInformation("Catalog index loaded: {Courses} courses, {Words} words, in {Seconds:F1} s", main.Count, main.Terms.Count, elapsed.TotalSeconds);
        return new State(main, new bool[main.Count], new SegmentBuilder(0).Build(), new Dictionary<int, IndexedCourse>(), names,
            snapshot, DateTimeOffset.UtcNow, elapsed);
    }

    private static async Task<List<IndexedCourse>> ReadChangedAsync(NpgsqlConnection conn, int[] ids, CancellationToken ct)
    {
        var list = new List<IndexedCourse>(ids.Length);
        await foreach (var row in ReadCoursesAsync(conn, ids, ct)) list.Add(row);
        return list;
    }

    /// <summary>The published courses (all, or those of <paramref name="ids"/>) in id order, as the index holds them.</summary>
    private static async IAsyncEnumerable<IndexedCourse> ReadCoursesAsync(NpgsqlConnection conn, int[]? ids,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // All courses: the skills grouped once (a hash join); a few: looked up per course.
        var skills = ids is null
            ? "LEFT JOIN (SELECT course_id, array_agg(skill_id) AS ids FROM course_skills GROUP BY course_id) s ON s.course_id = c.id"
            : "LEFT JOIN LATERAL (SELECT array_agg(skill_id) AS ids FROM course_skills cs WHERE cs.course_id = c.id) s ON TRUE";
        await using var cmd = new NpgsqlCommand($"""
            SELECT c.id, c.format, c.level, c.pacing, c.price, c.paid_unlisted, c.effort_hours, c.language, c.provider_id,
                   c.rating, c.rating_count, c.created_at, coalesce(s.ids, ARRAY[]::int[]), c.search_vector
            FROM courses c {skills}
            WHERE c.status = '{nameof(CourseStatus.Published)}'{(ids is null ? "" : " AND c.id = ANY(@ids)")}
            ORDER BY c.id
            """, conn);
        if (ids is not null) cmd.Parameters.Add(new("ids", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = ids });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            yield return new IndexedCourse(
                reader.GetInt32(0), Enum.Parse<CourseFormat>(reader.GetString(1)), Enum.Parse<CourseLevel>(reader.GetString(2)),
                Enum.Parse<Pacing>(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4), reader.GetBoolean(5), reader.IsDBNull(6) ? null : reader.GetDecimal(6),
                reader.GetString(7), reader.GetInt32(8), reader.IsDBNull(9) ? null : reader.GetDecimal(9), reader.GetInt32(10),
                reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<int[]>(12), reader.GetFieldValue<NpgsqlTsVector>(13));
    }

    private static async Task<Names> ReadNamesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        async Task<Dictionary<int, (string, string)>> Read(string table)
        {
            var map = new Dictionary<int, (string, string)>();
            await using var cmd = new NpgsqlCommand($"SELECT id, slug, name FROM {table}", conn);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) map[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
            return map;
        }
        var providers = await Read("providers");
        var skills = await Read("skills");
        return new Names(providers, providers.ToDictionary(p => p.Value.Item1, p => p.Key),
            skills, skills.ToDictionary(s => s.Value.Item1, s => s.Key));
    }
}
