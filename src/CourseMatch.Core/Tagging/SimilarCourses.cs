using System.Numerics.Tensors;
using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tagging;

/// <summary>A course like the one shown, and why: the skills both teach (names) and whether it is at the same level.</summary>
public sealed record SimilarCourse(int Id, string Slug, string Title, string ProviderName, CourseLevel Level, IReadOnlyList<string> SharedSkills, bool SameLevel);

/// <summary>
/// A published course whose text is nearly the same as another's and that comes from another source (or was entered
/// by hand): possibly the same course described twice. <see cref="Feed"/> is its import feed, null when entered by hand.
/// </summary>
public sealed record LookAlike(int Id, string Slug, string Title, string Provider, string? Feed, double Similarity);

/// <summary>
/// "Courses like this": the published courses whose stored text embeddings are nearest the course's (cosine similarity),
/// or, for a course not encoded yet, the published courses sharing the most skills it teaches (same level first).
/// Never the course itself, nor a draft or an archived course.
/// </summary>
/// <remarks>
/// The vectors of published courses are held in memory so a course page does not read every embedding. Memory cost:
/// 384 floats (1.5 KB) and an id per encoded published course, so about 15 MB for 10,000 courses and 150 MB for
/// 100,000; while a reload builds the new index the old one still serves, so briefly twice that. Past that size a
/// vector index in the database would be the next step. The index reloads when course_embeddings changed (its count
/// or newest UpdatedAt over published courses), checked at most every <see cref="RecheckEvery"/>.
/// </remarks>
public sealed class SimilarCourses(ReadDatabase dbs)
{
    public const int MaxShown = 5;
    /// <summary>Nearest vectors read back: a few more than shown, as some may have been unpublished since the index loaded.</summary>
    private const int NearestRead = 20;

    /// <summary>How long the index is trusted before the database is asked whether embeddings changed.</summary>
    public TimeSpan RecheckEvery { get; init; } = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim reload = new(1, 1);
    private volatile VectorIndex? index;
    private long checkedAt;

    /// <summary>Row-major vectors (normalised, so a dot product is the cosine) and their course ids; the signature it was loaded at.</summary>
    private sealed record VectorIndex(int[] Ids, float[] Vectors, int Count, DateTimeOffset? Latest);

    /// <summary>
    /// Cosine from which two texts are read as one course described twice. Measured on pairs we wrote: one course in
    /// two catalogs' words 0.95; two different courses on one topic (two introductions to machine learning, or to
    /// linear algebra) 0.75–0.82; a specialization and one of its courses 0.56.
    /// </summary>
    public const double LookAlikeSimilarity = 0.90;

    /// <summary>
    /// For each of the courses, the most alike published course that shares no import feed with it, when its text is
    /// at least <see cref="LookAlikeSimilarity"/> alike: the review queue shows it as a possible duplicate across sources.
    /// </summary>
    public Task<IReadOnlyDictionary<int, LookAlike>> LookAlikesAsync(IReadOnlyCollection<int> courseIds, CancellationToken ct = default) => dbs.ReadAsync<IReadOnlyDictionary<int, LookAlike>>(async () =>
    {
        if (courseIds.Count == 0) return new Dictionary<int, LookAlike>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var own = await db.CourseEmbeddings.AsNoTracking().Where(e => courseIds.Contains(e.CourseId) && e.Encoder == TextEmbedder.ModelName)
            .Select(e => new { e.CourseId, e.Vector }).ToListAsync(ct);
        if (own.Count == 0) return new Dictionary<int, LookAlike>();
        var idx = await IndexAsync(db, ct);

        var candidates = new Dictionary<int, List<(int Id, float Score)>>();
        foreach (var e in own.Where(e => e.Vector.Length == TextEmbedder.Dimensions))
            if (Nearest(idx, e.Vector, e.CourseId).Where(a => a.Score >= LookAlikeSimilarity).ToList() is { Count: > 0 } alike)
                candidates[e.CourseId] = alike;
        if (candidates.Count == 0) return new Dictionary<int, LookAlike>();

        // Two courses of one feed are two courses: a feed keys each of its courses once.
        var involved = candidates.Keys.Concat(candidates.Values.SelectMany(c => c.Select(a => a.Id))).Distinct().ToList();
        var feeds = (await db.CourseSources.AsNoTracking().Where(s => involved.Contains(s.CourseId)).Select(s => new { s.CourseId, s.Feed }).ToListAsync(ct))
            .ToLookup(s => s.CourseId, s => s.Feed);
        var chosen = new Dictionary<int, (int Id, float Score)>();
        foreach (var (courseId, alike) in candidates)
            foreach (var a in alike)
                if (!feeds[courseId].Intersect(feeds[a.Id]).Any()) { chosen[courseId] = a; break; }

        var ids = chosen.Values.Select(c => c.Id).Distinct().ToList();
        var rows = await db.Courses.AsNoTracking().Where(c => ids.Contains(c.Id) && c.Status == CourseStatus.Published)
            .Select(c => new { c.Id, c.Slug, c.Title, Provider = c.Provider.Name }).ToDictionaryAsync(c => c.Id, ct);
        return chosen.Where(c => rows.ContainsKey(c.Value.Id)).ToDictionary(c => c.Key, c =>
        {
            var r = rows[c.Value.Id];
            return new LookAlike(r.Id, r.Slug, r.Title, r.Provider, feeds[r.Id].Order(StringComparer.Ordinal).FirstOrDefault(), Math.Round(c.Value.Score, 3));
        });
    });

    public Task<IReadOnlyList<SimilarCourse>> ForAsync(int courseId, CancellationToken ct = default) => dbs.ReadAsync<IReadOnlyList<SimilarCourse>>(async () =>
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var course = await db.Courses.AsNoTracking().Where(c => c.Id == courseId)
            .Select(c => new { c.Level, Taught = c.Skills.Select(s => s.SkillId).ToList() }).FirstOrDefaultAsync(ct);
        if (course is null) return [];

        // The course's own vector is read fresh: it may be newer than the index, or the course a draft the index leaves out.
        var vector = await db.CourseEmbeddings.AsNoTracking().Where(e => e.CourseId == courseId && e.Encoder == TextEmbedder.ModelName)
            .Select(e => e.Vector).FirstOrDefaultAsync(ct);
        var order = vector is { Length: TextEmbedder.Dimensions }
            ? Nearest(await IndexAsync(db, ct), vector, courseId).Select(n => n.Id).ToList()
            : await BySharedSkillsAsync(db, courseId, course.Level, course.Taught, ct);
        if (order.Count == 0) return [];

        // Read back from the courses table, so a course unpublished since the index loaded is still left out.
        var rows = await db.Courses.AsNoTracking().Where(c => order.Contains(c.Id) && c.Status == CourseStatus.Published)
            .Select(c => new
            {
                c.Id, c.Slug, c.Title, Provider = c.Provider.Name, c.Level,
                Skills = c.Skills.Select(s => new { s.SkillId, s.Skill.Name }).ToList(),
            })
            .ToDictionaryAsync(c => c.Id, ct);
        var taught = course.Taught.ToHashSet();
        return order.Where(rows.ContainsKey).Take(MaxShown).Select(id => rows[id]).Select(r => new SimilarCourse(
                r.Id, r.Slug, r.Title, r.Provider, r.Level,
                r.Skills.Where(s => taught.Contains(s.SkillId)).Select(s => s.Name).Order(StringComparer.Ordinal).ToList(),
                r.Level == course.Level))
            .ToList();
    });

    /// <summary>The <see cref="NearestRead"/> indexed courses nearest the vector, nearest first, with their cosine.</summary>
    private static List<(int Id, float Score)> Nearest(VectorIndex idx, float[] vector, int courseId)
    {
        var query = Normalised(vector);
        // A bounded min-heap: the weakest of the best kept on top, so each course costs one dot product and a compare.
        var best = new PriorityQueue<int, float>(NearestRead + 1);
        for (var i = 0; i < idx.Ids.Length; i++)
        {
            if (idx.Ids[i] == courseId) continue;
            var score = TensorPrimitives.Dot(query, idx.Vectors.AsSpan(i * TextEmbedder.Dimensions, TextEmbedder.Dimensions));
            if (best.Count < NearestRead) best.Enqueue(idx.Ids[i], score);
            else if (best.TryPeek(out _, out var weakest) && score > weakest) best.EnqueueDequeue(idx.Ids[i], score);
        }
        var ordered = new List<(int Id, float Score)>(best.Count);
        while (best.TryDequeue(out var id, out var score)) ordered.Add((id, score));
        return [.. ordered.OrderByDescending(x => x.Score).ThenBy(x => x.Id)];
    }

    /// <summary>Without an embedding: courses sharing skills the course teaches, same level first, then the most shared.</summary>
    private static async Task<List<int>> BySharedSkillsAsync(CourseMatchDb db, int courseId, CourseLevel level, List<int> taught, CancellationToken ct)
    {
        if (taught.Count == 0) return [];
        return await db.Courses.AsNoTracking()
            .Where(c => c.Status == CourseStatus.Published && c.Id != courseId)
            .Select(c => new { c.Id, c.Title, Shared = c.Skills.Count(s => taught.Contains(s.SkillId)), SameLevel = c.Level == level })
            .Where(c => c.Shared > 0)
            .OrderByDescending(c => c.SameLevel).ThenByDescending(c => c.Shared).ThenBy(c => c.Title).ThenBy(c => c.Id)
            .Take(NearestRead).Select(c => c.Id).ToListAsync(ct);
    }

    private async Task<VectorIndex> IndexAsync(CourseMatchDb db, CancellationToken ct)
    {
        if (index is { } current && Environment.TickCount64 - Interlocked.Read(ref checkedAt) < RecheckEvery.TotalMilliseconds) return current;
        await reload.WaitAsync(ct);
        try
        {
            // Another request may have checked while this one waited.
            if (index is { } again && Environment.TickCount64 - Interlocked.Read(ref checkedAt) < RecheckEvery.TotalMilliseconds) return again;
            var published = PublishedEmbeddings(db);
            var count = await published.CountAsync(ct);
            var latest = await published.Select(e => (DateTimeOffset?)e.UpdatedAt).MaxAsync(ct);
            if (index is not { } loaded || loaded.Count != count || loaded.Latest != latest)
            {
                var ids = new List<int>(count);
                var vectors = new List<float>(count * TextEmbedder.Dimensions);
                await foreach (var e in published.Select(e => new { e.CourseId, e.Vector }).AsAsyncEnumerable().WithCancellation(ct))
                {
                    if (e.Vector.Length != TextEmbedder.Dimensions) continue;
                    ids.Add(e.CourseId);
                    vectors.AddRange(Normalised(e.Vector));
                }
                index = new VectorIndex([.. ids], [.. vectors], count, latest);
            }
            Interlocked.Exchange(ref checkedAt, Environment.TickCount64);
            return index!;
        }
        finally { reload.Release(); }
    }

    private static IQueryable<CourseEmbedding> PublishedEmbeddings(CourseMatchDb db) =>
        from e in db.CourseEmbeddings.AsNoTracking()
        join c in db.Courses on e.CourseId equals c.Id
        where c.Status == CourseStatus.Published && e.Encoder == TextEmbedder.ModelName
        select e;

    private static float[] Normalised(float[] v)
    {
        var norm = TensorPrimitives.Norm(v);
        if (norm == 0) return v;
        var result = new float[v.Length];
        TensorPrimitives.Divide(v, norm, result);
        return result;
    }
}
