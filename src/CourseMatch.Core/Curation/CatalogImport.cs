using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CourseMatch.Curation;

/// <summary>How the import writes; the defaults suit the web app and the CLI (tests make batches small).</summary>
public sealed class CatalogImportOptions
{
    /// <summary>Entities saved per SaveChanges (the change tracker is cleared between batches), all inside the one transaction.</summary>
    public int BatchSize { get; set; } = 1000;
}

/// <summary>What the admin asked of one import.</summary>
public sealed record ImportRequest
{
    /// <summary>The mapping; null reads a file written in our field names (the catalog's own export).</summary>
    public MappingDocument? Mapping { get; init; }
    /// <summary>Create the providers the catalog does not have, in the same transaction (else their rows are bad).</summary>
    public bool CreateProviders { get; init; }
    /// <summary>Commit the good rows and refuse the bad ones, instead of all or nothing.</summary>
    public bool SkipBad { get; init; }
    /// <summary>What to do with every possible duplicate the admin did not decide one by one.</summary>
    public DuplicateChoice OnDuplicate { get; init; } = DuplicateChoice.Leave;
    /// <summary>The admin's choice for particular possible duplicates, by the line their row starts on.</summary>
    public IReadOnlyDictionary<int, DuplicateChoice> Choices { get; init; } = new Dictionary<int, DuplicateChoice>();
}

/// <summary>
/// Bulk import of the catalog: a dry run that says what each row would do, and a commit that writes it in one transaction.
/// </summary>
/// <remarks>
/// Rows of a feed (the mapping names one) are keyed by the feed's id for the course, or its URL: a row updates the course
/// that feed keyed the same way before, and nothing else. A row that matches another course by provider and title or by
/// URL (one from another feed, or made by hand) is a possible duplicate and is left alone unless the admin links it,
/// overwrites it or creates a new course. On update only the fields the file has are considered, the slug never changes,
/// and a field changed since this feed last wrote it (by an admin or by another feed) is kept and reported.
/// The catalog's own export (no feed) is keyed by slug and is the admin's own file, so its columns are written as given.
/// </remarks>
public sealed class CatalogImport(IDbContextFactory<CourseMatchDb> dbs, NpgsqlDataSource dataSource, IOptions<CatalogImportOptions> options)
{
    private int BatchSize => options.Value.BatchSize;
    /// <summary>Imports up to this many rows also get one audit entry per created or updated course.</summary>
    public const int PerCourseAuditLimit = 1000;
    /// <summary>The import's audit entry lists at most this many created and updated slugs.</summary>
    public const int AuditSlugCap = 1000;
    /// <summary>An import writing at least this many courses refreshes the planner's statistics of the catalog tables.</summary>
    private const int AnalyzeAfterRows = 5000;

    private enum Merge { Feed, Own, Link, Overwrite }

    private sealed class Planned
    {
        public required int Line { get; init; }
        public required Dictionary<string, string?> Fields { get; init; }
        public required string? Key { get; init; }
        public int? ExistingId { get; set; }
        public Merge Merge { get; set; }
        public RowAction Action { get; set; }
        public CourseRecord? Record { get; set; }
        public CheckedCourse? Course { get; set; }
        public CourseRecord? Before { get; set; }
        public List<FieldChange> Changes { get; } = [];
        public List<KeptField> Kept { get; } = [];
        /// <summary>What this feed last wrote for the course, while the row is merged.</summary>
        public Dictionary<string, string?>? FeedValues { get; set; }
        /// <summary>The feed's remembered values of the course are to be written (they differ from the row's).</summary>
        public bool RememberValues { get; set; }
        public bool StoredHasPrerequisiteCourses { get; set; }
        public bool Unchanged { get; set; }
        public string? DuplicateOf { get; set; }
        public string? DuplicateBy { get; set; }
    }

    /// <summary>A provider the import creates, with the placeholder id (below 0) its rows were checked with.</summary>
    private sealed record NewProviderRow(string Name, string Slug, ProviderKind Kind, int PlaceholderId);

    private sealed record Plan(ImportReport Report, List<Planned> Rows, IReadOnlyList<NewProviderRow> Providers, string? Feed);

    /// <summary>The dry run: what every row would do, and every bad row. Writes nothing.</summary>
    public async Task<ImportReport> CheckAsync(ImportFile file, ImportRequest? request = null,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (file.Error is not null) return ImportReport.Failed(file.FileName, file.Error);
        await using var db = await dbs.CreateDbContextAsync(ct);
        return (await PlanAsync(db, file, request ?? new ImportRequest(), progress, ct)).Report;
    }

    /// <summary>
    /// Checks again and, when nothing stops it, writes new providers, creates, updates, prerequisite courses and the audit
    /// entry in one transaction. Cancelling (or any failure) before the commit leaves the catalog as it was.
    /// </summary>
    public async Task<ImportReport> CommitAsync(ImportFile file, ImportRequest? request, string actor,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (file.Error is not null) return ImportReport.Failed(file.FileName, file.Error);
        ImportReport report;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var plan = await PlanAsync(db, file, request ?? new ImportRequest(), progress, ct);
            if (!plan.Report.Ok) return plan.Report;
            try
            {
                await WriteAsync(db, file, plan, actor, progress, ct);
                await tx.CommitAsync(ct);
            }
            catch (Exception e) when (e is DbUpdateException || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation })
            {
                // Most likely someone else wrote the same slug between the check and the write; nothing of this import is kept.
                return plan.Report with { FileError = $"The catalog changed while importing ({(e.InnerException ?? e).Message}); nothing was imported. Check the file again." };
            }
            report = plan.Report with { Committed = true };
        }
        progress?.Report(new ImportProgress(0, 1, "Refreshing search"));
        try
        {
            await CatalogSearch.RefreshVocabularyAsync(dataSource, ct);
            if (report.Creates + report.Updates + report.Links + report.Overwrites >= AnalyzeAfterRows)
            {
                // The planner still believes the catalog is as big as before; a re-import's lookups by id would scan every
                // course until autovacuum notices. Fresh statistics cost a second.
                await using var analyze = dataSource.CreateCommand("ANALYZE courses, course_sources, course_sessions, course_skills, course_prerequisites, course_prerequisite_courses");
                analyze.CommandTimeout = 600;
                await analyze.ExecuteNonQueryAsync(ct);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            report = report with { Note = "The import is saved, but the search suggestions were not refreshed; they catch up at the next import or seed." };
        }
        progress?.Report(new ImportProgress(1, 1, "Done"));
        return report;
    }

    /// <summary>Why a file cannot be read with a mapping, with what would help: the file's columns and our nearest fields.</summary>
    private static string MappingError(ImportFile file, MappingDocument mapping, List<string> problems)
    {
        var text = string.Join(" ", problems);
        if (mapping.MissingRequired().Count == 0) return text;
        var used = mapping.Fields.Values.Select(f => f.Column).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var columns = file.Headers.Take(40).Select(h => used.Contains(h) ? $"\"{h}\"" :
            MappingDocument.NearestFields(h) is { Count: > 0 } near ? $"\"{h}\" (maybe {string.Join(" or ", near)})" : $"\"{h}\"");
        return $"{text} The file was read as {ImportFile.SeparatorWord(file.Separator)}-separated, with {file.Headers.Count} column{(file.Headers.Count == 1 ? "" : "s")}: "
               + string.Join(", ", columns) + (file.Headers.Count > 40 ? ", …" : "") + ". Map them to our fields, or choose a saved mapping.";
    }

    private async Task<Plan> PlanAsync(CourseMatchDb db, ImportFile file, ImportRequest request, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var name = file.FileName;
        var mapping = (request.Mapping ?? new MappingDocument()).WithColumnsByName(file.Headers);
        var problems = mapping.Problems(file.Headers);
        if (problems.Count > 0) return new Plan(ImportReport.Failed(name, MappingError(file, mapping, problems)) with { Rows = file.Rows.Count }, [], [], null);
        var feed = mapping.Feed;

        var total = file.Rows.Count;
        progress?.Report(new ImportProgress(0, total, "Checking"));
        var lookups = await CatalogLookups.LoadAsync(db, ct);
        var providers = await ProviderDirectory.LoadAsync(db, ct);
        var stored = await db.Courses.AsNoTracking().Select(c => new { c.Id, c.Slug, c.ProviderId, c.Title, c.Url }).ToListAsync(ct);
        var slugById = stored.ToDictionary(c => c.Id, c => c.Slug);
        // Only the keys: what the feed last wrote is read with its courses, a batch at a time.
        var keys = feed is null ? [] : await db.CourseSources.AsNoTracking().Where(s => s.Feed == feed)
            .Select(s => new { s.ExternalKey, s.CourseId }).ToDictionaryAsync(s => s.ExternalKey, s => s.CourseId, StringComparer.Ordinal, ct);
        var ownedByFeed = keys.Values.ToHashSet();
        // Possible duplicates: courses this feed does not key, by provider + title and by URL. Keys shared by several stored
        // courses still point at the first; the report says which one.
        var byProviderTitle = new Dictionary<(int, string), int>();
        var byUrl = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in stored.Where(c => !ownedByFeed.Contains(c.Id)))
        {
            byProviderTitle.TryAdd((c.ProviderId, ProviderAlias.Fold(c.Title)), c.Id);
            if (!string.IsNullOrWhiteSpace(c.Url)) byUrl.TryAdd(c.Url.Trim(), c.Id);
        }

        var bad = new List<BadRow>();
        var badLines = new HashSet<int>();
        var badFields = new Dictionary<int, HashSet<string>>();
        void Bad(int line, string field, string message, string? value = null)
        {
            bad.Add(new BadRow(line, field, message, value));
            if (badLines.Add(line)) badFields[line] = new HashSet<string>(StringComparer.Ordinal);
            badFields[line].Add(field);
        }

        var outcomes = new List<RowOutcome>();
        var planned = new List<Planned>();
        var lineByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineByStoredId = new Dictionary<int, int>();
        var seenRows = new Dictionary<Guid, int>();
        var repeats = 0;
        var newProviders = new Dictionary<string, (string Name, int Rows, string Slug)>(StringComparer.Ordinal);
        var takenSlugs = new HashSet<string>(lookups.CourseIdsBySlug.Keys, StringComparer.Ordinal);
        var providerSlugs = new HashSet<string>(lookups.ProvidersBySlug.Keys, StringComparer.Ordinal);
        var nextProviderId = -1;

        var done = 0;
        foreach (var row in file.Rows)
        {
            if (++done % 1000 == 0) { ct.ThrowIfCancellationRequested(); progress?.Report(new ImportProgress(done, total, "Checking")); }
            var line = row.Line;
            if (!seenRows.TryAdd(Signature(file.Headers, row), line)) { repeats++; outcomes.Add(new RowOutcome(line, RowAction.Repeat, null, null, null)); continue; }

            foreach (var problem in row.Problems) Bad(line, problem.Field, problem.Message);
            var fields = ReadRow(mapping, row, line, Bad);

            // The provider: by slug, name or alias; otherwise a new one, created only when the admin asks.
            if (fields.GetValueOrDefault("provider") is { } providerText)
            {
                if (providers.TryFind(providerText, out var found)) fields["provider"] = found.Slug;
                else
                {
                    var folded = ProviderAlias.Fold(providerText);
                    if (!newProviders.TryGetValue(folded, out var entry))
                    {
                        var slug = Unique(ProviderDirectory.SlugFor(providerText), providerSlugs, Limits.ReferenceSlug);
                        entry = (providerText.Trim(), 0, slug);
                        if (request.CreateProviders) lookups.ProvidersBySlug[slug] = (nextProviderId--, entry.Name);
                    }
                    newProviders[folded] = entry with { Rows = entry.Rows + 1 };
                    fields["provider"] = entry.Slug;
                    if (!request.CreateProviders)
                        Bad(line, "provider", $"\"{Short(providerText)}\" is not in the catalog{NearestText(providers, providerText)}; create the new providers with the import, or add this name as an alias of one.", providerText);
                }
            }

            // Which course the row is: by the feed's key, or by slug in the catalog's own file.
            var key = feed is null ? fields.GetValueOrDefault("slug")?.Trim() : (fields.GetValueOrDefault("sourceId") ?? fields.GetValueOrDefault("url"))?.Trim();
            if (string.IsNullOrEmpty(key))
            {
                if (feed is not null) Bad(line, "sourceId", "The row has no id and no URL; the feed's rows need one, so the next import finds the same course.");
                else if (!fields.ContainsKey("slug")) Bad(line, "slug", "Required: a short name for the address, like \"mit-18-06-linear-algebra\".");
            }
            else if (key.Length > Limits.Url) Bad(line, feed is null ? "slug" : "sourceId", $"At most {Limits.Url} characters.");
            else if (!lineByKey.TryAdd(key, line))
                Bad(line, feed is null ? "slug" : "sourceId", $"duplicates line {lineByKey[key]} (the same {(feed is null ? "slug" : "id")} \"{Short(key)}\").", key);
            if (badLines.Contains(line))
            {
                // Say everything wrong with the row at once: the rules' findings on the fields not already refused.
                var reported = badFields[line];
                foreach (var e in CourseRules.Check(CourseRecord.FromFields(fields), lookups, null).Errors.Where(e => !reported.Contains(e.Field) && e.Field != "prerequisiteCourses").ToList())
                    Bad(line, e.Field, e.Message, CourseRecord.Fields.Contains(e.Field) ? fields.GetValueOrDefault(e.Field) : null);
                outcomes.Add(BadOutcome(line, fields));
                continue;
            }

            var p = new Planned { Line = line, Fields = fields, Key = key };
            if (feed is not null && keys.TryGetValue(key!, out var keyed))
            {
                (p.ExistingId, p.Merge) = (keyed, Merge.Feed);
            }
            else if (feed is null && lookups.CourseIdsBySlug.TryGetValue(key!, out var bySlug))
            {
                (p.ExistingId, p.Merge) = (bySlug, Merge.Own);
            }
            else if (Duplicate(fields, lookups, byProviderTitle, byUrl) is { } duplicate)
            {
                p.DuplicateOf = slugById[duplicate.Id];
                p.DuplicateBy = duplicate.By;
                var choice = request.Choices.TryGetValue(line, out var chosen) ? chosen : request.OnDuplicate;
                switch (choice)
                {
                    case DuplicateChoice.Leave:
                        outcomes.Add(new RowOutcome(line, RowAction.PossibleDuplicate, p.DuplicateOf, fields.GetValueOrDefault("title"), ProviderName(fields, lookups))
                            { DuplicateOf = p.DuplicateOf, DuplicateBy = p.DuplicateBy });
                        continue;
                    case DuplicateChoice.Link when feed is null:
                        Bad(line, "slug", $"possibly the same course as \"{p.DuplicateOf}\" (same {p.DuplicateBy}); linking needs a feed, so overwrite it, create a new course, or leave it.");
                        outcomes.Add(BadOutcome(line, fields));
                        continue;
                    case DuplicateChoice.Link: (p.ExistingId, p.Merge) = (duplicate.Id, Merge.Link); break;
                    case DuplicateChoice.Overwrite: (p.ExistingId, p.Merge) = (duplicate.Id, Merge.Overwrite); break;
                    case DuplicateChoice.Create: break;
                }
            }

            if (p.ExistingId is int id && !lineByStoredId.TryAdd(id, line))
            {
                Bad(line, "slug", $"matches the same stored course (\"{slugById[id]}\") as line {lineByStoredId[id]}.");
                outcomes.Add(BadOutcome(line, fields));
                continue;
            }
            if (p.ExistingId is null)
            {
                // A new course: the slug the row gives (or one made from its title), unique in the catalog and the file.
                var slug = fields.GetValueOrDefault("slug") is { Length: > 0 } given ? given.Trim() : Slugs.From(fields.GetValueOrDefault("title") ?? "", Limits.CourseSlug);
                // A feed's slugs are made up, so two courses of one title get "-2"; the catalog's own file names its slugs.
                if (feed is not null && Slugs.IsValid(slug)) slug = Unique(slug, takenSlugs, Limits.CourseSlug);
                fields["slug"] = slug;
                if (mapping.Fields.ContainsKey("status") is false) fields.TryAdd("status", CourseStatus.Draft.ToKebab());
                p.Record = CourseRecord.FromFields(fields);
                p.Action = RowAction.Create;
            }
            planned.Add(p);
        }

        // Every row against the rules; an update is the stored course merged with what the file says, field by field.
        var fileSlugs = planned.Select(p => p.ExistingId is int id ? slugById[id] : p.Record!.Slug?.Trim()).OfType<string>().Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);
        void Check(Planned p)
        {
            var (course, errors) = CourseRules.Check(p.Record!, lookups, fileSlugs);
            foreach (var e in errors) Bad(p.Line, e.Field, e.Message, CourseRecord.Fields.Contains(e.Field) ? p.Record![e.Field] : null);
            p.Course = course;
        }
        // Stored courses a batch at a time, so a re-import of 100,000 rows holds one batch of them (and of what the feeds
        // last wrote) at once; what the audit and the write need is kept, the rest let go.
        var audited = file.Rows.Count <= PerCourseAuditLimit;
        foreach (var chunk in planned.Where(p => p.ExistingId is not null).Chunk(BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var ids = chunk.Select(p => p.ExistingId!.Value).ToList();
            var courses = await CatalogExport.WithDetails(db.Courses.AsNoTracking().Where(c => ids.Contains(c.Id))).ToDictionaryAsync(c => c.Id, ct);
            var sources = (await db.CourseSources.AsNoTracking().Where(s => ids.Contains(s.CourseId)).ToListAsync(ct)).ToLookup(s => s.CourseId);
            foreach (var p in chunk)
            {
                var c = courses[p.ExistingId!.Value];
                var before = CourseRecord.FromCourse(c, slugById);
                if (p.Merge == Merge.Feed) p.FeedValues = sources[c.Id].FirstOrDefault(s => s.Feed == feed)?.Values;
                p.StoredHasPrerequisiteCourses = c.PrerequisiteCourses.Count > 0;
                p.Record = MergeInto(before, p, sources[c.Id].Where(s => s.Feed != feed).ToList());
                Check(p);
                if (p.Course is null) { p.FeedValues = null; continue; }
                p.Unchanged = p.Course.SameAs(c, lookups.CourseIdsBySlug);
                if (!p.Unchanged)
                    foreach (var field in CourseRecord.Fields)
                        if (!Equivalent(field, before[field], p.Record[field]) && !(p.Record[field] is null && Defaulted.Contains(field)))
                            p.Changes.Add(new FieldChange(field, before[field], p.Record[field]));
                // A feed remembers what it wrote for every row it keys, also unchanged ones, so later edits are told apart.
                p.RememberValues = feed is not null && (!p.Unchanged || !SameValues(p.FeedValues, p.Fields));
                p.FeedValues = null;
                if (audited) p.Before = before;
                else if (p.Unchanged) p.Record = null;
            }
        }
        foreach (var p in planned.Where(p => p.ExistingId is null)) Check(p);

        // Cycles across the file and the stored graph. Each cycle marks the file rows on it; their edges are then dropped so
        // the search goes on to the next cycle.
        var graph = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        foreach (var (slug, requires) in lookups.RequiredCourses) graph[slug] = requires;
        var fileLines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in planned.Where(p => p.Course is not null && !badLines.Contains(p.Line)))
        {
            graph[p.Course!.Slug] = p.Course.PrerequisiteCourses;
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

        // Skipping bad rows must not leave a good row requiring a course that is not written.
        if (request.SkipBad)
        {
            for (var changed = true; changed;)
            {
                changed = false;
                var written = planned.Where(p => !badLines.Contains(p.Line) && p.Action == RowAction.Create).Select(p => p.Course!.Slug).ToHashSet(StringComparer.Ordinal);
                foreach (var p in planned.Where(p => !badLines.Contains(p.Line)))
                    foreach (var required in p.Course!.PrerequisiteCourses.Where(r => !lookups.CourseIdsBySlug.ContainsKey(r) && !written.Contains(r)))
                    {
                        Bad(p.Line, "prerequisiteCourses", $"\"{required}\" is on a refused row, so it is not in the catalog.", required);
                        changed = true;
                    }
            }
        }

        foreach (var p in planned)
        {
            if (badLines.Contains(p.Line)) { outcomes.Add(BadOutcome(p.Line, p.Fields) with { Slug = p.Course?.Slug ?? p.Record?.Slug }); continue; }
            var c = p.Course!;
            if (p.ExistingId is not null)
            {
                p.Action = p.Merge switch
                {
                    Merge.Link => RowAction.Link,
                    Merge.Overwrite => RowAction.Overwrite,
                    Merge.Feed or Merge.Own => p.Unchanged ? RowAction.Unchanged : RowAction.Update,
                };
            }
            outcomes.Add(new RowOutcome(p.Line, p.Action, c.Slug, c.Title, c.ProviderName)
            {
                Changes = p.Changes, Kept = p.Kept, DuplicateOf = p.DuplicateOf, DuplicateBy = p.DuplicateBy,
                WithoutSkills = c.Skills.Count == 0, Draft = p.Action == RowAction.Create && c.Status == CourseStatus.Draft,
            });
        }
        var problemsByLine = bad.GroupBy(b => b.Line).ToDictionary(g => g.Key, g => (IReadOnlyList<BadRow>)g.ToList());
        for (var i = 0; i < outcomes.Count; i++)
            if (outcomes[i].Action == RowAction.Bad) outcomes[i] = outcomes[i] with { Problems = problemsByLine.GetValueOrDefault(outcomes[i].Line) ?? [] };
        outcomes.Sort((a, b) => a.Line.CompareTo(b.Line));
        planned.RemoveAll(p => badLines.Contains(p.Line));
        progress?.Report(new ImportProgress(total, total, "Checking"));

        var usedProviders = planned.Where(p => p.Action == RowAction.Create).Select(p => p.Record!.Provider).ToHashSet(StringComparer.Ordinal);
        var creating = request.CreateProviders
            ? newProviders.Values.Where(n => usedProviders.Contains(n.Slug))
                .Select(n => new NewProviderRow(n.Name, n.Slug, ProviderDirectory.GuessKind(n.Name), lookups.ProvidersBySlug[n.Slug].Id)).ToList()
            : [];
        var good = outcomes.Where(o => o.Action is not (RowAction.Bad or RowAction.Repeat or RowAction.PossibleDuplicate)).ToList();
        var report = new ImportReport
        {
            FileName = name, Rows = file.Rows.Count,
            Creates = planned.Count(p => p.Action == RowAction.Create),
            Updates = planned.Count(p => p.Action == RowAction.Update),
            Unchanged = planned.Count(p => p.Action == RowAction.Unchanged),
            Links = planned.Count(p => p.Action == RowAction.Link),
            Overwrites = planned.Count(p => p.Action == RowAction.Overwrite),
            PossibleDuplicates = outcomes.Count(o => o.Action == RowAction.PossibleDuplicate),
            Repeats = repeats,
            Drafts = good.Count(o => o.Draft),
            WithoutSkills = good.Count(o => o.WithoutSkills),
            KeptEdits = good.Sum(o => o.Kept.Count),
            NewProviders = newProviders.Values.OrderByDescending(n => n.Rows).ThenBy(n => n.Name, StringComparer.Ordinal)
                .Select(n => new NewProvider(n.Name, n.Rows, providers.Nearest(n.Name))).ToList(),
            CreatesProviders = request.CreateProviders,
            SkipsBad = request.SkipBad,
            BadRows = bad.OrderBy(b => b.Line).ToList(),
            Outcomes = outcomes,
        };
        return new Plan(report, planned, creating, feed);
    }

    /// <summary>
    /// The row's cells as our fields in their stored text form: each mapped field's raw value read by <see cref="WrittenForms"/>.
    /// A field read from several places (a price column that also says "free to audit", and a freeToAudit column) takes
    /// the field mapped under its own name.
    /// </summary>
    private static Dictionary<string, string?> ReadRow(MappingDocument mapping, ImportRow row, int line, Action<int, string, string, string?> bad)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var own = mapping.Feed is null;
        // Virtual and composite fields first, so a field's own column wins.
        foreach (var (field, source) in mapping.Fields.OrderBy(f => CourseRecord.Fields.Contains(f.Key) ? 1 : 0))
        {
            var raw = mapping.RawValue(field, source, row.Cells);
            if (string.IsNullOrWhiteSpace(raw))
            {
                // An empty cell in the catalog's own export is an empty field; in a feed it is only something the feed does not know.
                if (own && CourseRecord.Fields.Contains(field) && source.Column is not null) fields[field] = null;
                continue;
            }
            var reading = WrittenForms.Read(field, raw);
            if (reading.Error is not null) { bad(line, field, reading.Error, raw); continue; }
            foreach (var (target, value) in reading.Fields)
            {
                if (target == "isPaid") continue;
                if (target == field || !fields.ContainsKey(target)) fields[target] = value;
            }
            if (reading.Fields.TryGetValue("isPaid", out var paid)) fields["isPaid"] = paid;
        }

        // "is paid" and a price column: a paid course without an amount is "paid"; a free one costs 0.
        if (fields.Remove("isPaid", out var isPaid))
        {
            var price = fields.GetValueOrDefault("price");
            if (isPaid == "false" && price is null) fields["price"] = "0";
            else if (isPaid == "true" && price is null) fields["price"] = CourseRecord.PaidUnlistedPrice;
            else if (isPaid == "false" && price is not ("0" or null))
                bad(line, "isPaid", $"says the course is free, but its price is {price}; correct one of them.", row.Cells.TryGetValue(mapping.Fields["isPaid"].Column ?? "", out var cell) ? cell : null);
            else if (isPaid == "true" && price == "0")
                bad(line, "isPaid", "says the course is paid, but its price is free; correct one of them.", null);
        }
        fields.Remove("duration");
        fields.Remove("startDate");
        return fields;
    }

    /// <summary>The row's cells hashed, so repeats of 100,000 rows are found without keeping their text twice.</summary>
    private static Guid Signature(IReadOnlyList<string> headers, ImportRow row)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var h in headers)
        {
            // A cell and its length, so "a","bc" and "ab","c" differ; null (missing) differs from empty.
            var cell = row.Cells.TryGetValue(h, out var v) ? v : null;
            hash.AppendData(BitConverter.GetBytes(cell?.Length ?? -1));
            if (cell is not null) hash.AppendData(System.Text.Encoding.UTF8.GetBytes(cell));
        }
        return new Guid(hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>A stored course the row may describe, and by what, among courses this feed does not key.</summary>
    private static (int Id, string By)? Duplicate(Dictionary<string, string?> fields, CatalogLookups lookups,
        Dictionary<(int, string), int> byProviderTitle, Dictionary<string, int> byUrl)
    {
        if (fields.GetValueOrDefault("provider") is { } provider && lookups.ProvidersBySlug.TryGetValue(provider, out var p) && p.Id > 0
            && fields.GetValueOrDefault("title") is { } title && byProviderTitle.TryGetValue((p.Id, ProviderAlias.Fold(title)), out var id))
            return (id, "provider and title");
        if (fields.GetValueOrDefault("url") is { } url && byUrl.TryGetValue(url.Trim(), out var byAddress)) return (byAddress, "URL");
        return null;
    }

    /// <summary>
    /// The stored course with the row's fields over it, as the merge allows: the slug never changes; a feed changes a
    /// field only while it still holds what that feed last wrote (or nothing); a link only fills empty fields; an
    /// overwrite and the catalog's own file write every field they have.
    /// </summary>
    private static CourseRecord MergeInto(CourseRecord stored, Planned p, List<CourseSource> otherFeeds)
    {
        var merged = stored.ToFields();
        foreach (var field in CourseRecord.Fields)
        {
            if (field == "slug" || !p.Fields.TryGetValue(field, out var incoming)) continue;
            var current = stored[field];
            if (Equivalent(field, current, incoming)) continue;
            var take = p.Merge switch
            {
                Merge.Own or Merge.Overwrite => true,
                Merge.Link => string.IsNullOrWhiteSpace(current),
                Merge.Feed => string.IsNullOrWhiteSpace(current) && !(p.FeedValues?.ContainsKey(field) ?? false)
                              || p.FeedValues?.TryGetValue(field, out var last) == true && Equivalent(field, current, last),
            };
            if (take) merged[field] = incoming;
            else
            {
                var by = otherFeeds.FirstOrDefault(s => s.Values.TryGetValue(field, out var theirs) && Equivalent(field, current, theirs))?.Feed;
                p.Kept.Add(new KeptField(field, current, incoming, by is null ? "your edit" : $"from {by}"));
            }
        }
        return CourseRecord.FromFields(merged);
    }

    /// <summary>Fields the rules give a value when the text is empty (the currency of a free course is USD): an empty cell there is no change to list.</summary>
    private static readonly HashSet<string> Defaulted = new(StringComparer.Ordinal)
        { "currency", "kind", "format", "pacing", "level", "language", "status", "freeToAudit", "certificate", "ratingCount" };

    /// <summary>Two texts of one field that mean the same: trimmed, numbers by value, lists in any order.</summary>
    private static bool Equivalent(string field, string? a, string? b)
    {
        a = string.IsNullOrWhiteSpace(a) ? null : a.Trim();
        b = string.IsNullOrWhiteSpace(b) ? null : b.Trim();
        if (a == b) return true;
        if (a is null || b is null) return false;
        if (decimal.TryParse(a, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var x)
            && decimal.TryParse(b, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var y)) return x == y;
        if (field is "skills" or "prerequisites" or "prerequisiteCourses" or "sessions")
            return Parts(a).SequenceEqual(Parts(b), StringComparer.Ordinal);
        return string.Equals(a, b, field is "language" or "currency" or "country" or "kind" or "format" or "pacing" or "level" or "status"
            or "freeToAudit" or "certificate" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        static IEnumerable<string> Parts(string s) => s.Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal);
    }

    /// <summary>The row's provider as people know it: the name of the one it resolved to, else as the file wrote it.</summary>
    private static string? ProviderName(Dictionary<string, string?> fields, CatalogLookups lookups) =>
        fields.GetValueOrDefault("provider") is { } slug && lookups.ProvidersBySlug.TryGetValue(slug, out var provider) ? provider.Name : fields.GetValueOrDefault("provider");

    private static RowOutcome BadOutcome(int line, Dictionary<string, string?> fields) =>
        new(line, RowAction.Bad, fields.GetValueOrDefault("slug"), fields.GetValueOrDefault("title"), fields.GetValueOrDefault("provider"));

    private static string NearestText(ProviderDirectory providers, string name) =>
        providers.Nearest(name) is { Count: > 0 } near ? $" (nearest: {string.Join(", ", near.Select(n => $"\"{n}\""))})" : "";

    /// <summary>The slug, or the slug with "-2", "-3"… when taken; reserves what it returns.</summary>
    private static string Unique(string slug, HashSet<string> taken, int maxLength)
    {
        if (slug.Length == 0) return slug;
        if (taken.Add(slug)) return slug;
        for (var n = 2; ; n++)
        {
            var suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var candidate = (slug.Length + suffix.Length > maxLength ? slug[..(maxLength - suffix.Length)].TrimEnd('-') : slug) + suffix;
            if (taken.Add(candidate)) return candidate;
        }
    }

    private async Task WriteAsync(CourseMatchDb db, ImportFile file, Plan plan, string actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var audited = file.Rows.Count <= PerCourseAuditLimit;
        var source = $"Imported from {Short(file.FileName)}";
        var creates = plan.Rows.Where(p => p.Action == RowAction.Create).ToList();
        var updates = plan.Rows.Where(p => p.Action is RowAction.Update or RowAction.Link or RowAction.Overwrite).ToList();
        var linking = plan.Rows.Where(p => p.Action != RowAction.Unchanged && (p.Course!.PrerequisiteCourses.Count > 0 || p.StoredHasPrerequisiteCourses)).ToList();
        var remembering = plan.Rows.Where(p => p.Action == RowAction.Unchanged && p.RememberValues).ToList();
        var total = plan.Providers.Count + creates.Count + updates.Count + remembering.Count + linking.Count;
        var done = 0;
        db.ChangeTracker.AutoDetectChangesEnabled = true;

        // New providers first: their ids replace the placeholders the plan gave them.
        var providerIds = new Dictionary<int, int>();
        if (plan.Providers.Count > 0)
        {
            progress?.Report(new ImportProgress(0, total, "Creating providers"));
            var added = plan.Providers.Select(n => new Provider { Slug = n.Slug, Name = n.Name, Kind = n.Kind }).ToList();
            db.Providers.AddRange(added);
            await db.SaveChangesAsync(ct);
            foreach (var (p, planned) in added.Zip(plan.Providers))
            {
                providerIds[planned.PlaceholderId] = p.Id;
                Audit.Record(db, actor, "Provider", p.Slug, "Created", null, new { p.Slug, p.Name, Kind = p.Kind.ToKebab() }, $"{source}: a new provider named by its rows.");
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            progress?.Report(new ImportProgress(done += added.Count, total, "Creating providers"));
        }
        int ProviderId(CheckedCourse c) => c.ProviderId > 0 ? c.ProviderId : providerIds[c.ProviderId];

        foreach (var chunk in creates.Chunk(BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var added = new List<Course>(chunk.Length);
            foreach (var p in chunk)
            {
                var c = new Course { Slug = p.Course!.Slug, Title = p.Course.Title };
                p.Course.ApplyTo(c);
                c.ProviderId = ProviderId(p.Course);
                added.Add(c);
            }
            // New courses go in with COPY (ADR 0013): the same columns EF would write, without a statement per row.
            await BulkCopy.InsertAsync(db, added, ct);
            foreach (var c in added)
            {
                foreach (var s in c.Skills) s.CourseId = c.Id;
                foreach (var s in c.Prerequisites) s.CourseId = c.Id;
                foreach (var s in c.Sessions) s.CourseId = c.Id;
            }
            await BulkCopy.InsertAsync(db, added.SelectMany(c => c.Skills).ToList(), ct);
            await BulkCopy.InsertAsync(db, added.SelectMany(c => c.Prerequisites).ToList(), ct);
            await BulkCopy.InsertAsync(db, added.SelectMany(c => c.Sessions).ToList(), ct);
            if (plan.Feed is not null)
                await BulkCopy.InsertAsync(db, chunk.Zip(added, (p, c) => new CourseSource { CourseId = c.Id, Feed = plan.Feed, ExternalKey = p.Key!, Values = Remembered(p.Fields) }).ToList(), ct);
            // A new course on an old address owns it now: the redirect to the renamed course goes (as in the editor).
            var slugs = added.Select(c => c.Slug).ToList();
            await db.CourseSlugRedirects.Where(r => slugs.Contains(r.OldSlug)).ExecuteDeleteAsync(ct);
            if (audited)
            {
                foreach (var (p, c) in chunk.Zip(added)) Audit.Record(db, actor, "Course", c.Id, "Created", null, p.Record, $"{source} (line {p.Line}).");
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            progress?.Report(new ImportProgress(done += chunk.Length, total, "Creating"));
        }

        foreach (var chunk in updates.Chunk(BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var ids = chunk.Select(p => p.ExistingId!.Value).ToList();
            var courses = await db.Courses.Include(c => c.Skills).Include(c => c.Prerequisites).Include(c => c.Sessions)
                .AsSplitQuery().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
            var sources = plan.Feed is null ? [] : await db.CourseSources.Where(s => s.Feed == plan.Feed && ids.Contains(s.CourseId)).ToDictionaryAsync(s => s.CourseId, ct);
            foreach (var p in chunk)
            {
                var c = courses[p.ExistingId!.Value];
                p.Course!.ApplyTo(c);
                c.ProviderId = ProviderId(p.Course);
                if (plan.Feed is not null) Remember(db, sources, plan.Feed, p);
                if (audited) Audit.Record(db, actor, "Course", c.Id, p.Action switch
                    {
                        RowAction.Link => "Linked",
                        RowAction.Overwrite => "Overwritten",
                        _ => "Updated",
                    }, p.Before, p.Record, $"{source} (line {p.Line})" + (p.Kept.Count > 0 ? $"; kept {string.Join(", ", p.Kept.Select(k => k.Field))}." : "."));
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            progress?.Report(new ImportProgress(done += chunk.Length, total, "Updating"));
        }

        foreach (var chunk in remembering.Chunk(BatchSize))
        {
            var ids = chunk.Select(p => p.ExistingId!.Value).ToList();
            var sources = await db.CourseSources.Where(s => s.Feed == plan.Feed && ids.Contains(s.CourseId)).ToDictionaryAsync(s => s.CourseId, ct);
            foreach (var p in chunk) Remember(db, sources, plan.Feed!, p);
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
                var ids = chunk.Select(p => idsBySlug[p.Course!.Slug]).ToList();
                var courses = await db.Courses.Include(c => c.PrerequisiteCourses).Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
                foreach (var p in chunk) p.Course!.ApplyPrerequisiteCourses(courses[idsBySlug[p.Course.Slug]], idsBySlug);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                progress?.Report(new ImportProgress(done += chunk.Length, total, "Linking prerequisites"));
            }
        }

        var r = plan.Report;
        Audit.Record(db, actor, "Import", Short(file.FileName), "Imported", null,
            new
            {
                file = file.FileName, feed = plan.Feed, rows = r.Rows, created = r.Creates, updated = r.Updates, unchanged = r.Unchanged,
                linked = r.Links, overwritten = r.Overwrites, possibleDuplicates = r.PossibleDuplicates, refused = r.BadRowCount,
                keptEdits = r.KeptEdits, providersCreated = plan.Providers.Select(p => p.Slug),
                createdSlugs = creates.Take(AuditSlugCap).Select(p => p.Course!.Slug),
                updatedSlugs = updates.Take(AuditSlugCap).Select(p => p.Course!.Slug),
                listsTruncated = creates.Count > AuditSlugCap || updates.Count > AuditSlugCap,
            },
            $"{Short(file.FileName)}: {r.Creates:#,0} created, {r.Updates + r.Links + r.Overwrites:#,0} updated, {r.Unchanged:#,0} unchanged"
            + (r.BadRowCount > 0 ? $", {r.BadRowCount:#,0} refused" : "") + (plan.Providers.Count > 0 ? $", {plan.Providers.Count:#,0} providers created" : "") + ".");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What a feed's row said, as its course source remembers it: our course fields only.</summary>
    private static Dictionary<string, string?> Remembered(Dictionary<string, string?> fields) =>
        fields.Where(f => CourseRecord.Fields.Contains(f.Key) && f.Key != "slug").ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    private static bool SameValues(Dictionary<string, string?>? remembered, Dictionary<string, string?> fields)
    {
        var now = Remembered(fields);
        return remembered is not null && remembered.Count == now.Count && now.All(f => remembered.TryGetValue(f.Key, out var v) && v == f.Value);
    }

    private static void Remember(CourseMatchDb db, Dictionary<int, CourseSource> sources, string feed, Planned p)
    {
        if (sources.TryGetValue(p.ExistingId!.Value, out var s))
        {
            s.Values = Remembered(p.Fields);
            s.ImportedAt = DateTimeOffset.UtcNow;
        }
        else db.CourseSources.Add(new CourseSource { CourseId = p.ExistingId.Value, Feed = feed, ExternalKey = p.Key!, Values = Remembered(p.Fields) });
    }

    private static string Short(string s) => s.Length <= 100 ? s : s[..97] + "…";
}
