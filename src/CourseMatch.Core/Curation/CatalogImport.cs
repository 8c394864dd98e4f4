using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CourseMatch.Curation;

/// <summary>How far an import has got: <paramref name="Done"/> of <paramref name="Total"/> steps of the current phase.</summary>
public sealed record ImportProgress(int Done, int Total, string Phase);

/// <summary>One problem with one row, pointing at the physical line the row starts on (the header is line 1).</summary>
public sealed record BadRow(int Line, string Field, string Message)
{
    public override string ToString() => $"line {Line}: {Field}: {Message}";
}

/// <summary>What a dry run found, or what a commit did.</summary>
public sealed record ImportReport
{
    public required string FileName { get; init; }
    /// <summary>Why the file as a whole cannot be imported (unreadable, unmapped required fields); null otherwise.</summary>
    public string? FileError { get; init; }
    public int Rows { get; init; }
    public int Creates { get; init; }
    public int Updates { get; init; }
    public int Unchanged { get; init; }
    public IReadOnlyList<BadRow> BadRows { get; init; } = [];
    /// <summary>True once the import was written (never when there is a file error or any bad row).</summary>
    public bool Committed { get; init; }
    /// <summary>Something worth knowing that did not stop the import (the search vocabulary could not be refreshed).</summary>
    public string? Note { get; init; }

    public bool Ok => FileError is null && BadRows.Count == 0;

    public string Summary => FileError is not null ? FileError
        : $"{Rows:#,0} row{(Rows == 1 ? "" : "s")}: {Creates:#,0} to create, {Updates:#,0} to update, {Unchanged:#,0} unchanged, {BadRows.Select(b => b.Line).Distinct().Count():#,0} bad"
          + (Committed ? " — imported." : BadRows.Count > 0 ? " — nothing imported; fix the bad rows and try again." : ".");

    public static ImportReport Failed(string fileName, string error) => new() { FileName = fileName, FileError = error };
}

/// <summary>How the import writes; the defaults suit the web app and the CLI (tests make batches small).</summary>
public sealed class CatalogImportOptions
{
    /// <summary>Entities saved per SaveChanges (the change tracker is cleared between batches), all inside the one transaction.</summary>
    public int BatchSize { get; set; } = 1000;
}

/// <summary>
/// Bulk import of the catalog: a dry run that says what each row would do and what is wrong with which line, and a commit
/// that writes every good row in one transaction, or nothing.
/// </summary>
/// <remarks>
/// A row updates the stored course it matches: by slug; else by provider and title (ignoring case); else by URL (only when
/// one stored course has it). When a row matches by provider+title or URL, its slug is free (a slug match would have won),
/// so the course takes the file's slug: the file is the source of truth. Other rows must then name it by the new slug.
/// A row whose every field equals the stored course is "unchanged" and not written. Two rows with the same slug, or the same
/// provider and title, are duplicates (the later one is bad), except that rows updating different stored courses by their
/// own slugs may share a title.
/// </remarks>
public sealed class CatalogImport(IDbContextFactory<CourseMatchDb> dbs, NpgsqlDataSource dataSource, ImportMappings mappings, IOptions<CatalogImportOptions> options)
{
    private int BatchSize => options.Value.BatchSize;
    /// <summary>Imports up to this many rows also get one audit entry per created or updated course.</summary>
    public const int PerCourseAuditLimit = 1000;
    /// <summary>The import's audit entry lists at most this many created and updated slugs.</summary>
    public const int AuditSlugCap = 1000;

    private enum RowAction { Create, Update, Unchanged }

    private sealed class Planned
    {
        public required int Line { get; init; }
        public required CourseRecord Record { get; init; }
        public required CheckedCourse Course { get; init; }
        public int? ExistingId { get; init; }
        public RowAction Action { get; set; }
        public CourseRecord? Before { get; set; }
        public bool StoredHasPrerequisiteCourses { get; set; }
    }

    private sealed record Plan(ImportReport Report, List<Planned> Rows);

    /// <summary>The mapping for a file: a saved mapping by name (falling back to same-named headers for fields it does not cover), or the default.</summary>
    public async Task<(Dictionary<string, string>? Mapping, string? Error)> MappingAsync(ImportFile file, string? savedName, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(savedName)) return (ColumnMapping.Default(file.Headers), null);
        var saved = await mappings.FindAsync(savedName, ct);
        if (saved is null)
        {
            var names = (await mappings.ListAsync(ct)).Select(m => m.Name).ToList();
            return (null, $"There is no saved mapping called \"{savedName.Trim()}\"" + (names.Count > 0 ? $"; saved mappings: {string.Join(", ", names)}." : "; none are saved yet."));
        }
        return (ColumnMapping.FromSaved(saved.Document.Fields.Where(f => f.Value.Column is not null).ToDictionary(f => f.Key, f => f.Value.Column!), file.Headers), null);
    }

    /// <summary>The dry run: what every row would do, and every bad row. Writes nothing.</summary>
    public async Task<ImportReport> CheckAsync(ImportFile file, IReadOnlyDictionary<string, string>? mapping = null,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (file.Error is not null) return ImportReport.Failed(file.FileName, file.Error);
        await using var db = await dbs.CreateDbContextAsync(ct);
        return (await PlanAsync(db, file, mapping ?? ColumnMapping.Default(file.Headers), progress, ct)).Report;
    }

    /// <summary>
    /// Checks again and, only when no row is bad, writes creates, then updates, then prerequisite courses, then the audit
    /// entry, in one transaction. Cancelling (or any failure) before the commit leaves the catalog as it was.
    /// </summary>
    public async Task<ImportReport> CommitAsync(ImportFile file, IReadOnlyDictionary<string, string>? mapping, string actor,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (file.Error is not null) return ImportReport.Failed(file.FileName, file.Error);
        ImportReport report;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var plan = await PlanAsync(db, file, mapping ?? ColumnMapping.Default(file.Headers), progress, ct);
            if (!plan.Report.Ok) return plan.Report;
            try
            {
                await WriteAsync(db, file, plan, actor, progress, ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException e)
            {
                // Most likely someone else wrote the same slug between the check and the write; nothing of this import is kept.
                return plan.Report with { FileError = $"The catalog changed while importing ({(e.InnerException ?? e).Message}); nothing was imported. Check the file again." };
            }
            report = plan.Report with { Committed = true };
        }
        progress?.Report(new ImportProgress(0, 1, "Refreshing search"));
        try { await CatalogSearch.RefreshVocabularyAsync(dataSource, ct); }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            report = report with { Note = "The import is saved, but the search suggestions were not refreshed; they catch up at the next import or seed." };
        }
        progress?.Report(new ImportProgress(1, 1, "Done"));
        return report;
    }

    private async Task<Plan> PlanAsync(CourseMatchDb db, ImportFile file, IReadOnlyDictionary<string, string> mapping,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var name = file.FileName;
        var mappingProblems = ColumnMapping.Problems(mapping, file.Headers);
        if (mappingProblems.Count > 0) return new Plan(ImportReport.Failed(name, string.Join(" ", mappingProblems)) with { Rows = file.Rows.Count }, []);

        var total = file.Rows.Count;
        progress?.Report(new ImportProgress(0, total, "Checking"));
        var lookups = await CatalogLookups.LoadAsync(db, ct);
        var stored = await db.Courses.AsNoTracking().Select(c => new { c.Id, c.Slug, c.ProviderId, c.Title, c.Url }).ToListAsync(ct);
        var slugById = stored.ToDictionary(c => c.Id, c => c.Slug);
        // Keys that more than one stored course shares match nothing (-1): an import must not guess.
        var byProviderTitle = stored.GroupBy(c => (c.ProviderId, c.Title.Trim().ToLowerInvariant()))
            .ToDictionary(g => g.Key, g => g.Count() == 1 ? g.First().Id : -1);
        var byUrl = stored.Where(c => !string.IsNullOrWhiteSpace(c.Url)).GroupBy(c => c.Url!.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count() == 1 ? g.First().Id : -1, StringComparer.OrdinalIgnoreCase);

        var records = file.Rows.Select(r => (Row: r, Record: ColumnMapping.Apply(r, mapping))).ToList();
        var fileSlugs = records.Select(r => r.Record.Slug?.Trim()).OfType<string>().Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);

        var bad = new List<BadRow>();
        var badLines = new HashSet<int>();
        void Bad(int line, string field, string message) { bad.Add(new BadRow(line, field, message)); badLines.Add(line); }

        var planned = new List<Planned>();
        var lineBySlug = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineByProviderTitle = new Dictionary<string, (int Line, string? Slug)>(StringComparer.Ordinal);
        var lineByStoredId = new Dictionary<int, int>();
        var done = 0;
        foreach (var (row, record) in records)
        {
            if (++done % 1000 == 0) { ct.ThrowIfCancellationRequested(); progress?.Report(new ImportProgress(done, total, "Checking")); }
            var line = row.Line;
            foreach (var p in row.Problems) Bad(line, p.Field, p.Message);

            var slug = record.Slug?.Trim();
            if (!string.IsNullOrEmpty(slug) && !lineBySlug.TryAdd(slug, line))
                Bad(line, "slug", $"duplicates line {lineBySlug[slug]} (the same slug \"{slug}\").");
            if (!string.IsNullOrWhiteSpace(record.Provider) && !string.IsNullOrWhiteSpace(record.Title))
            {
                // Same provider and title is a duplicate, unless each row updates a different stored course by its slug
                // (a catalog may hold one title twice, e.g. in two cities, and its export must import back).
                var key = record.Provider.Trim().ToLowerInvariant() + "\n" + record.Title.Trim().ToLowerInvariant();
                if (lineByProviderTitle.TryGetValue(key, out var earlier))
                {
                    if (!(slug is { Length: > 0 } && earlier.Slug is { Length: > 0 } && slug != earlier.Slug
                          && lookups.CourseIdsBySlug.ContainsKey(slug) && lookups.CourseIdsBySlug.ContainsKey(earlier.Slug)))
                        Bad(line, "title", $"duplicates line {earlier.Line} (the same provider and title).");
                }
                else lineByProviderTitle[key] = (line, slug);
            }

            var (course, errors) = CourseRules.Check(record, lookups, fileSlugs);
            foreach (var e in errors) Bad(line, e.Field, e.Message);
            if (course is null || badLines.Contains(line)) continue;

            int? existing = lookups.CourseIdsBySlug.TryGetValue(course.Slug, out var bySlug) ? bySlug
                : byProviderTitle.TryGetValue((course.ProviderId, course.Title.ToLowerInvariant()), out var byTitle) && byTitle > 0 ? byTitle
                : course.Url is not null && byUrl.TryGetValue(course.Url, out var byAddress) && byAddress > 0 ? byAddress
                : null;
            if (existing is int id && !lineByStoredId.TryAdd(id, line))
            {
                Bad(line, "slug", $"matches the same stored course (\"{slugById[id]}\") as line {lineByStoredId[id]}.");
                continue;
            }
            planned.Add(new Planned { Line = line, Record = record, Course = course, ExistingId = existing, Action = existing is null ? RowAction.Create : RowAction.Update });
        }

        // Renames (a match by provider+title or URL with a new slug): references must use the new slug.
        var renamed = planned.Where(p => p.ExistingId is int id && slugById[id] != p.Course.Slug)
            .ToDictionary(p => slugById[p.ExistingId!.Value], p => (New: p.Course.Slug, p.Line), StringComparer.Ordinal);
        string Final(string s) => renamed.TryGetValue(s, out var r) ? r.New : s;
        foreach (var p in planned)
            foreach (var required in p.Course.PrerequisiteCourses)
                if (renamed.TryGetValue(required, out var r) && !fileSlugs.Contains(required))
                    Bad(p.Line, "prerequisiteCourses", $"\"{required}\" is renamed to \"{r.New}\" by line {r.Line}; use the new slug.");

        // Cycles across the file and the stored graph. Each cycle marks the file rows on it; their edges are then dropped so
        // the search goes on to the next cycle.
        var graph = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        foreach (var (slug, requires) in lookups.RequiredCourses) graph[Final(slug)] = requires.Select(Final).ToList();
        var fileLines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in planned.Where(p => !badLines.Contains(p.Line)))
        {
            graph[p.Course.Slug] = p.Course.PrerequisiteCourses;
            fileLines[p.Course.Slug] = p.Line;
        }
        for (var guard = 0; guard < 10_000 && PrerequisiteGraph.FindCycle(graph) is { } cycle; guard++)
        {
            var onCycle = cycle.Distinct().Where(fileLines.ContainsKey).ToList();
            if (onCycle.Count == 0) { graph[cycle[0]] = []; continue; } // already in the stored catalog; not this file's doing
            foreach (var slug in onCycle)
            {
                Bad(fileLines[slug], "prerequisiteCourses", $"would make a cycle of prerequisites: {string.Join(" → ", cycle)}.");
                graph[slug] = [];
            }
        }
        planned.RemoveAll(p => badLines.Contains(p.Line));

        // Unchanged: compare each matched row with the stored course, by ids for the required courses.
        var idsByFinalSlug = new Dictionary<string, int>(lookups.CourseIdsBySlug, StringComparer.Ordinal);
        foreach (var (old, r) in renamed) { idsByFinalSlug[r.New] = idsByFinalSlug[old]; idsByFinalSlug.Remove(old); }
        var small = file.Rows.Count <= PerCourseAuditLimit;
        var matched = planned.Where(p => p.ExistingId is not null).ToList();
        foreach (var chunk in matched.Chunk(BatchSize))
        {
            var ids = chunk.Select(p => p.ExistingId!.Value).ToList();
            var courses = await CatalogExport.WithDetails(db.Courses.AsNoTracking().Where(c => ids.Contains(c.Id))).ToDictionaryAsync(c => c.Id, ct);
            foreach (var p in chunk)
            {
                var c = courses[p.ExistingId!.Value];
                p.Action = Same(p.Course, c, idsByFinalSlug) ? RowAction.Unchanged : RowAction.Update;
                p.StoredHasPrerequisiteCourses = c.PrerequisiteCourses.Count > 0;
                if (small && p.Action == RowAction.Update) p.Before = CourseRecord.FromCourse(c, slugById);
            }
        }
        progress?.Report(new ImportProgress(total, total, "Checking"));

        var report = new ImportReport
        {
            FileName = name, Rows = file.Rows.Count,
            Creates = planned.Count(p => p.Action == RowAction.Create),
            Updates = planned.Count(p => p.Action == RowAction.Update),
            Unchanged = planned.Count(p => p.Action == RowAction.Unchanged),
            BadRows = bad.OrderBy(b => b.Line).ToList(),
        };
        return new Plan(report, planned);
    }

    private static bool Same(CheckedCourse n, Course c, IReadOnlyDictionary<string, int> idsBySlug) =>
        n.Slug == c.Slug && n.Title == c.Title && n.ProviderId == c.ProviderId && n.Kind == c.Kind && n.Summary == c.Summary
        && n.Description == c.Description && n.Url == c.Url && n.Format == c.Format && n.Pacing == c.Pacing && n.City == c.City
        && n.Region == c.Region && n.Country == c.Country && n.PlaceId == c.PlaceId && n.DurationWeeks == c.DurationWeeks
        && n.HoursPerWeek == c.HoursPerWeek && n.TotalHours == c.TotalHours && n.Price == c.Price && n.Currency == c.Currency
        && n.FreeToAudit == c.FreeToAudit && n.Level == c.Level && n.Language == c.Language && n.Certificate == c.Certificate
        && n.Rating == c.Rating && n.RatingCount == c.RatingCount && n.Status == c.Status && n.Source == c.Source && n.AsOf == c.AsOf
        && n.Skills.Count == c.Skills.Count && c.Skills.All(s => n.Skills.TryGetValue(s.SkillId, out var l) && l == s.Level)
        && n.Prerequisites.Count == c.Prerequisites.Count && c.Prerequisites.All(s => n.Prerequisites.TryGetValue(s.SkillId, out var l) && l == s.MinLevel)
        && n.Sessions.Count == c.Sessions.Count && c.Sessions.All(s => n.Sessions.Contains((s.StartDate, s.EndDate)))
        && n.PrerequisiteCourses.Count == c.PrerequisiteCourses.Count
        && n.PrerequisiteCourses.All(s => idsBySlug.TryGetValue(s, out var id) && c.PrerequisiteCourses.Any(p => p.RequiredCourseId == id));

    private async Task WriteAsync(CourseMatchDb db, ImportFile file, Plan plan, string actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var small = file.Rows.Count <= PerCourseAuditLimit;
        var creates = plan.Rows.Where(p => p.Action == RowAction.Create).ToList();
        var updates = plan.Rows.Where(p => p.Action == RowAction.Update).ToList();
        var linking = plan.Rows.Where(p => p.Action != RowAction.Unchanged && (p.Course.PrerequisiteCourses.Count > 0 || p.StoredHasPrerequisiteCourses)).ToList();
        var total = creates.Count + updates.Count + linking.Count;
        var done = 0;
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        progress?.Report(new ImportProgress(0, total, "Creating"));

        foreach (var chunk in creates.Chunk(BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var added = new List<(Planned Row, Course Course)>();
            foreach (var p in chunk)
            {
                var c = new Course { Slug = p.Course.Slug, Title = p.Course.Title };
                p.Course.ApplyTo(c);
                db.Courses.Add(c);
                added.Add((p, c));
            }
            await db.SaveChangesAsync(ct);
            if (small)
            {
                foreach (var (p, c) in added) Audit.Record(db, actor, "Course", c.Id, "Created", null, p.Record, $"Imported from {Short(file.FileName)} (line {p.Line}).");
                await db.SaveChangesAsync(ct);
            }
            db.ChangeTracker.Clear();
            progress?.Report(new ImportProgress(done += chunk.Length, total, "Creating"));
        }

        foreach (var chunk in updates.Chunk(BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var ids = chunk.Select(p => p.ExistingId!.Value).ToList();
            var courses = await db.Courses.Include(c => c.Skills).Include(c => c.Prerequisites).Include(c => c.Sessions)
                .AsSplitQuery().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
            foreach (var p in chunk)
            {
                var c = courses[p.ExistingId!.Value];
                p.Course.ApplyTo(c);
                if (small) Audit.Record(db, actor, "Course", c.Id, "Updated", p.Before, p.Record, $"Imported from {Short(file.FileName)} (line {p.Line}).");
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            progress?.Report(new ImportProgress(done += chunk.Length, total, "Updating"));
        }

        if (linking.Count > 0)
        {
            var idsBySlug = await db.Courses.AsNoTracking().ToDictionaryAsync(c => c.Slug, c => c.Id, StringComparer.Ordinal, ct);
            foreach (var chunk in linking.Chunk(BatchSize))
            {
                ct.ThrowIfCancellationRequested();
                var ids = chunk.Select(p => idsBySlug[p.Course.Slug]).ToList();
                var courses = await db.Courses.Include(c => c.PrerequisiteCourses).Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
                foreach (var p in chunk) p.Course.ApplyPrerequisiteCourses(courses[idsBySlug[p.Course.Slug]], idsBySlug);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                progress?.Report(new ImportProgress(done += chunk.Length, total, "Linking prerequisites"));
            }
        }

        var r = plan.Report;
        Audit.Record(db, actor, "Import", Short(file.FileName), "Imported", null,
            new
            {
                file = file.FileName, rows = r.Rows, created = r.Creates, updated = r.Updates, unchanged = r.Unchanged,
                createdSlugs = creates.Take(AuditSlugCap).Select(p => p.Course.Slug),
                updatedSlugs = updates.Take(AuditSlugCap).Select(p => p.Course.Slug),
                listsTruncated = creates.Count > AuditSlugCap || updates.Count > AuditSlugCap,
            },
            $"{Short(file.FileName)}: {r.Creates:#,0} created, {r.Updates:#,0} updated, {r.Unchanged:#,0} unchanged.");
        await db.SaveChangesAsync(ct);
    }

    private static string Short(string s) => s.Length <= 100 ? s : s[..97] + "…";
}
