using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using CourseMatch.Tagging;
using Npgsql;

namespace CourseMatch.Curation;

/// <summary>A stored course as the edit form starts from it: its record, its status and the xmin it was read at.</summary>
public sealed record EditableCourse(int Id, CourseRecord Record, CourseStatus Status, uint Version);

public enum EditResult { Saved, Invalid, Conflict, NotFound }

/// <summary>
/// What a save or a status change came to. <see cref="EditResult.Conflict"/> carries the course as someone else
/// saved it meanwhile (<see cref="Current"/>), so the admin can compare and choose; nothing was written.
/// </summary>
public sealed record EditOutcome
{
    public required EditResult Result { get; init; }
    /// <summary>Saved: the course as stored now (normalised), with its new version. Conflict: the stored course.</summary>
    public EditableCourse? Current { get; init; }
    public IReadOnlyList<FieldError> Errors { get; init; } = [];

    public bool IsSaved => Result == EditResult.Saved;

    internal static EditOutcome Saved(EditableCourse c) => new() { Result = EditResult.Saved, Current = c };
    internal static EditOutcome Invalid(List<FieldError> errors) => new() { Result = EditResult.Invalid, Errors = errors };
    internal static EditOutcome Invalid(string field, string message) => Invalid([new FieldError(field, message)]);
    internal static EditOutcome Conflict(EditableCourse c) => new() { Result = EditResult.Conflict, Current = c };
    internal static EditOutcome NotFound { get; } = new() { Result = EditResult.NotFound };
}

/// <summary>
/// The admin's course editing: load, save (create or update) under the shared <see cref="CourseRules"/>, duplicate,
/// publish, unpublish and archive. Every write is checked against the version the admin started from (xmin) and
/// audited in the same SaveChanges.
/// </summary>
public sealed class CourseEditor(IDbContextFactory<CourseMatchDb> dbs, CourseTagging tagging)
{
    public const string Entity = "Course";

    public async Task<EditableCourse?> LoadAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var course = await db.Courses.WithEverything().FirstOrDefaultAsync(c => c.Id == id, ct);
        return course is null ? null : new EditableCourse(course.Id, await RecordAsync(db, course, ct), course.Status, course.Version);
    }

    /// <summary>
    /// Creates (<paramref name="id"/> null) or updates a course. On update, <paramref name="version"/> is the version
    /// the admin loaded; if the stored course changed since, the answer is a conflict and nothing is written.
    /// </summary>
    public async Task<EditOutcome> SaveAsync(int? id, CourseRecord record, uint? version, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        Course? course = null;
        CourseRecord? before = null;
        if (id is { } existingId)
        {
            course = await Tracked(db).FirstOrDefaultAsync(c => c.Id == existingId, ct);
            if (course is null) return EditOutcome.NotFound;
            if (version is not { } v || course.Version != v) return EditOutcome.Conflict(await CurrentAsync(db, course, ct));
            before = await RecordAsync(db, course, ct);
        }

        var lookups = await CatalogLookups.LoadAsync(db, ct);
        var (checkedCourse, errors) = CourseRules.Check(record, lookups);
        if (checkedCourse is null) return EditOutcome.Invalid(errors);

        if (lookups.CourseIdsBySlug.TryGetValue(checkedCourse.Slug, out var holder) && holder != id)
            return EditOutcome.Invalid("slug", $"\"{checkedCourse.Slug}\" is already the address of another course; choose another.");
        if (Cycle(lookups, before?.Slug, checkedCourse) is { } cycle)
            return EditOutcome.Invalid("prerequisiteCourses", $"That would make a prerequisite loop: {string.Join(" → ", cycle)}.");

        if (course is null)
        {
            course = new Course { Id = await NextIdAsync(db, ct), Slug = checkedCourse.Slug, Title = checkedCourse.Title };
            db.Courses.Add(course);
        }
        var textChanged = before is not null
            && (course.Title != checkedCourse.Title || course.Summary != checkedCourse.Summary || course.Description != checkedCourse.Description);
        var outcome = await WriteAsync(db, course, checkedCourse, lookups, before, before is null ? "Created" : "Updated", actor, ct);
        // Skills the tagger inferred (or could not yet) came from the old text, so the new text is tagged again. A person's
        // skills are theirs to change; a new course waits for the next tagging run, as an imported one does.
        if (outcome.IsSaved && textChanged && course.SkillsStatus != SkillsStatus.Confirmed)
            tagging.StartInBackground(new TagRequest { Scope = TagScope.All, CourseIds = [course.Id] });
        return outcome;
    }

    /// <summary>A new draft copy: same fields, slug "&lt;slug&gt;-copy" (or -copy-2, …), title "… (copy)".</summary>
    public async Task<EditOutcome> DuplicateAsync(int id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var source = await db.Courses.WithEverything().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (source is null) return EditOutcome.NotFound;
        var lookups = await CatalogLookups.LoadAsync(db, ct);
        var original = await RecordAsync(db, source, ct);

        var stem = source.Slug.Length > Limits.CourseSlug - 10 ? source.Slug[..(Limits.CourseSlug - 10)].TrimEnd('-') : source.Slug;
        var slug = $"{stem}-copy";
        for (var n = 2; lookups.CourseIdsBySlug.ContainsKey(slug); n++) slug = $"{stem}-copy-{n}";
        var title = source.Title.Length > Limits.CourseTitle - 7 ? source.Title[..(Limits.CourseTitle - 8)] + "…" : source.Title;
        var copy = original with { Slug = slug, Title = $"{title} (copy)", Status = CourseStatus.Draft.ToKebab() };

        var (checkedCourse, errors) = CourseRules.Check(copy, lookups);
        if (checkedCourse is null) return EditOutcome.Invalid(errors);
        var course = new Course { Id = await NextIdAsync(db, ct), Slug = slug, Title = checkedCourse.Title };
        db.Courses.Add(course);
        return await WriteAsync(db, course, checkedCourse, lookups, null, "Duplicated", actor, ct, $"Copy of {source.Slug} (#{source.Id})");
    }

    /// <summary>
    /// Publishes, unpublishes (back to draft) or archives: changes only the status of the stored course, if it is still
    /// at <paramref name="version"/>.
    /// </summary>
    public async Task<EditOutcome> SetStatusAsync(int id, CourseStatus status, uint version, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var course = await Tracked(db).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (course is null) return EditOutcome.NotFound;
        if (course.Version != version) return EditOutcome.Conflict(await CurrentAsync(db, course, ct));
        var before = await RecordAsync(db, course, ct);
        var lookups = await CatalogLookups.LoadAsync(db, ct);
        var (checkedCourse, errors) = CourseRules.Check(before with { Status = status.ToKebab() }, lookups);
        // A course that no longer passes the rules (older data) may still be taken down, but not put up.
        if (checkedCourse is null)
        {
            if (status == CourseStatus.Published) return EditOutcome.Invalid(errors);
            course.Status = status;
            db.Entry(course).Property(c => c.Version).OriginalValue = version;
            var after = before with { Status = status.ToKebab() };
            Audit.Record(db, actor, Entity, course.Id, ActionFor(status), before, after);
            return await SaveOrConflictAsync(db, course, after, ct);
        }
        return await WriteAsync(db, course, checkedCourse, lookups, before, ActionFor(status), actor, ct);
    }

    private static string ActionFor(CourseStatus status) => status switch
    {
        CourseStatus.Published => "Published",
        CourseStatus.Archived => "Archived",
        _ => "Unpublished",
    };

    private static IQueryable<Course> Tracked(CourseMatchDb db) => db.Courses
        .AsSplitQuery()
        .Include(c => c.Provider)
        .Include(c => c.Sessions)
        .Include(c => c.Skills).ThenInclude(s => s.Skill)
        .Include(c => c.Prerequisites).ThenInclude(p => p.Skill)
        .Include(c => c.PrerequisiteCourses);

    /// <summary>Applies the checked fields, records the audit entry and saves both in one SaveChanges.</summary>
    private async Task<EditOutcome> WriteAsync(CourseMatchDb db, Course course, CheckedCourse checkedCourse, CatalogLookups lookups,
        CourseRecord? before, string action, string actor, CancellationToken ct, string? summary = null)
    {
        var expected = course.Version;
        checkedCourse.ApplyTo(course);
        checkedCourse.ApplyPrerequisiteCourses(course, lookups.CourseIdsBySlug);
        if (db.Entry(course).State != EntityState.Added)
        {
            // Child rows (skills, sessions) live in other tables: touch the course row so its xmin moves with every
            // edit and a concurrent save of the same version is caught by the WHERE xmin = … of this UPDATE.
            db.Entry(course).Property(c => c.Title).IsModified = true;
            db.Entry(course).Property(c => c.Version).OriginalValue = expected;
        }

        // Navigations for the audit record: the provider and skills the ids point at.
        course.Provider = await db.Providers.FirstAsync(p => p.Id == course.ProviderId, ct);
        var skillIds = course.Skills.Select(s => s.SkillId).Concat(course.Prerequisites.Select(p => p.SkillId)).Distinct().ToList();
        var skills = await db.Skills.Where(s => skillIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        foreach (var s in course.Skills) s.Skill = skills[s.SkillId];
        foreach (var p in course.Prerequisites) p.Skill = skills[p.SkillId];
        var slugsById = lookups.CourseIdsBySlug.ToDictionary(kv => kv.Value, kv => kv.Key);
        var after = CourseRecord.FromCourse(course, slugsById);
        if (before?.Slug != course.Slug) await MoveAddressAsync(db, course, before?.Slug, ct);

        Audit.Record(db, actor, Entity, course.Id, action, before, after, summary);
        return await SaveOrConflictAsync(db, course, after, ct);
    }

    /// <summary>
    /// Keeps old addresses working, in the same SaveChanges as the edit: a renamed course leaves a redirect from its old
    /// slug. A course that takes a slug (renamed, created or duplicated) takes it from any redirect: if it was an old slug
    /// of another course, the new course owns that address now and the other course's old links stop reaching it. Chains
    /// need no care: a redirect points at a course, not at a slug, so it always leads to the current one.
    /// </summary>
    private static async Task MoveAddressAsync(CourseMatchDb db, Course course, string? oldSlug, CancellationToken ct)
    {
        if (await db.CourseSlugRedirects.FindAsync([course.Slug], ct) is { } taken) db.CourseSlugRedirects.Remove(taken);
        if (oldSlug is null) return;
        if (await db.CourseSlugRedirects.FindAsync([oldSlug], ct) is { } stale) stale.CourseId = course.Id;
        else db.CourseSlugRedirects.Add(new CourseSlugRedirect { OldSlug = oldSlug, CourseId = course.Id });
    }

    private async Task<EditOutcome> SaveOrConflictAsync(CourseMatchDb db, Course course, CourseRecord after, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone saved between our read and our write: show them what is stored now.
            await using var fresh = await dbs.CreateDbContextAsync(ct);
            var current = await fresh.Courses.WithEverything().FirstOrDefaultAsync(c => c.Id == course.Id, ct);
            return current is null ? EditOutcome.NotFound : EditOutcome.Conflict(new EditableCourse(current.Id, await RecordAsync(fresh, current, ct), current.Status, current.Version));
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: var name } && name?.Contains("slug", StringComparison.Ordinal) == true)
        {
            return EditOutcome.Invalid("slug", $"\"{course.Slug}\" is already the address of another course; choose another.");
        }
        return EditOutcome.Saved(new EditableCourse(course.Id, after, course.Status, course.Version));
    }

    private static async Task<EditableCourse> CurrentAsync(CourseMatchDb db, Course course, CancellationToken ct) =>
        new(course.Id, await RecordAsync(db, course, ct), course.Status, course.Version);

    private static async Task<CourseRecord> RecordAsync(CourseMatchDb db, Course course, CancellationToken ct)
    {
        var ids = course.PrerequisiteCourses.Select(p => p.RequiredCourseId).ToList();
        var slugs = ids.Count == 0 ? [] : await db.Courses.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Slug, ct);
        return CourseRecord.FromCourse(course, slugs);
    }

    /// <summary>The id the new course will have, taken before the insert so its audit entry can name it in the same SaveChanges.</summary>
    private static async Task<int> NextIdAsync(CourseMatchDb db, CancellationToken ct) =>
        (int)await db.Database.SqlQueryRaw<long>("SELECT nextval(pg_get_serial_sequence('courses', 'id')) AS \"Value\"").SingleAsync(ct);

    /// <summary>A prerequisite loop the save would make, or null. A renamed course keeps its place in the graph under its new slug.</summary>
    private static IReadOnlyList<string>? Cycle(CatalogLookups lookups, string? oldSlug, CheckedCourse c)
    {
        var changes = new List<(string, IReadOnlyCollection<string>)> { (c.Slug, c.PrerequisiteCourses) };
        if (oldSlug is not null && oldSlug != c.Slug)
        {
            changes.Add((oldSlug, Array.Empty<string>()));
            foreach (var (slug, requires) in lookups.RequiredCourses.Where(kv => kv.Key != oldSlug && kv.Value.Contains(oldSlug)))
                changes.Add((slug, requires.Select(r => r == oldSlug ? c.Slug : r).ToList()));
        }
        return lookups.FindCycle(changes);
    }
}
