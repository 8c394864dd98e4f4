using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

/// <summary>The values of a provider or skill that every edit names: its address and its display name.</summary>
public interface IReferenceValues
{
    string Slug { get; }
    string Name { get; }
}

/// <summary>What a merge moved, for the outcome and the survivor's audit entry.</summary>
/// <param name="Before">The audit entry's "before": both rows and what the duplicate's courses held.</param>
/// <param name="After">The audit entry's "after".</param>
/// <param name="Courses">How many courses the merge touched.</param>
/// <param name="Note">Something the admin should know about the merge (added to the summary), or null.</param>
public sealed record MergeMoved(object Before, object After, int Courses, string? Note = null);

/// <summary>
/// The part the provider and skill editors share: create, update and merge of a row that has a unique slug. Every write
/// is checked first (nothing is written when a field is wrong), audited in the same transaction, and refuses to
/// overwrite values someone else saved since the form loaded (the row is locked, then compared with what the admin
/// loaded). What differs (the fields, what a rename refreshes, what a merge moves) the editor says.
/// </summary>
public abstract class ReferenceEditor<TEntity, TValues, TForm>(IDbContextFactory<CourseMatchDb> dbs)
    where TEntity : class
    where TValues : class, IReferenceValues, IEquatable<TValues>
{
    protected IDbContextFactory<CourseMatchDb> Dbs { get; } = dbs;

    /// <summary>The entity's name in the audit log, e.g. "Provider"; in lower case it is the noun messages use.</summary>
    protected abstract string Entity { get; }
    protected abstract DbSet<TEntity> Set(CourseMatchDb db);
    protected abstract (TValues? Values, List<FieldError> Errors) Validate(TForm form);
    protected abstract TValues ValuesOf(TEntity row);
    protected abstract TEntity NewRow(TValues values);
    protected abstract void Apply(TEntity row, TValues values);
    /// <summary>The fields that differ, for the audit summary ("name, kind").</summary>
    protected abstract IEnumerable<string> Changed(TValues before, TValues after);
    /// <summary>Rewrites the search words of the courses that name the row (after a rename or a merge).</summary>
    protected abstract Task RefreshKeywordsAsync(CourseMatchDb db, int id, CancellationToken ct);
    /// <summary>Moves what points at the duplicate onto the survivor; the base then deletes the duplicate and audits.</summary>
    protected abstract Task<MergeMoved> MoveAsync(CourseMatchDb db, TEntity survivor, TEntity duplicate, CancellationToken ct);

    private string Noun => Entity.ToLowerInvariant();

    public async Task<ReferenceEditOutcome<TValues>> CreateAsync(TForm form, string actor, CancellationToken ct = default)
    {
        var (values, errors) = Validate(form);
        if (values is null) return ReferenceEditOutcome<TValues>.Invalid(errors);
        await using var db = await Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await Set(db).AnyAsync(r => EF.Property<string>(r, "Slug") == values.Slug, ct)) return SlugTaken(values.Slug);
        var row = NewRow(values);
        Set(db).Add(row);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return SlugTaken(values.Slug); }
        Audit.Record(db, actor, Entity, IdOf(db, row), "Created", null, values, $"Created {Noun} {values.Name} ({values.Slug})");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(values, []);
    }

    /// <summary>The id of the row with this slug (for redirecting to the page of one just created).</summary>
    public async Task<int?> IdOfAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        return await Set(db).Where(r => EF.Property<string>(r, "Slug") == slug).Select(r => (int?)EF.Property<int>(r, "Id")).SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Saves the form over the row, provided it still holds <paramref name="loaded"/> (what the admin started from):
    /// otherwise nothing is written and the stored values come back as the conflict.
    /// </summary>
    public async Task<ReferenceEditOutcome<TValues>> UpdateAsync(int id, TValues loaded, TForm form, string actor, CancellationToken ct = default)
    {
        var (values, errors) = Validate(form);
        if (values is null) return ReferenceEditOutcome<TValues>.Invalid(errors);
        await using var db = await Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked, so nobody changes it between this comparison and the write.
        var row = (await LockAsync(db, [id], ct)).SingleOrDefault();
        if (row is null) return ReferenceEditOutcome<TValues>.Missing();
        var stored = ValuesOf(row);
        if (!stored.Equals(loaded)) return ReferenceEditOutcome<TValues>.Stale(stored);
        if (stored.Equals(values)) return new(values, []);
        if (values.Slug != stored.Slug
            && await Set(db).AnyAsync(r => EF.Property<string>(r, "Slug") == values.Slug && EF.Property<int>(r, "Id") != id, ct))
            return SlugTaken(values.Slug);

        Apply(row, values);
        Audit.Record(db, actor, Entity, id, "Updated", stored, values, $"Updated {Noun} {values.Name} ({values.Slug}): {string.Join(", ", Changed(stored, values))}");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return SlugTaken(values.Slug); }
        if (stored.Name != values.Name) await RefreshKeywordsAsync(db, id, ct);
        await tx.CommitAsync(ct);
        return new(values, []);
    }

    /// <summary>
    /// Moves what points at the duplicate onto the survivor (<see cref="MoveAsync"/>) and deletes the duplicate: one
    /// transaction, one audit entry on the survivor.
    /// </summary>
    public async Task<ReferenceMergeOutcome> MergeAsync(int survivorId, int duplicateId, string actor, CancellationToken ct = default)
    {
        if (survivorId == duplicateId) return ReferenceMergeOutcome.Refused($"A {Noun} cannot be merged into itself: pick a different duplicate.");
        await using var db = await Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = await LockAsync(db, [survivorId, duplicateId], ct);
        var survivor = rows.SingleOrDefault(r => IdOf(db, r) == survivorId);
        var duplicate = rows.SingleOrDefault(r => IdOf(db, r) == duplicateId);
        if (survivor is null) return ReferenceMergeOutcome.Refused($"This {Noun} no longer exists: someone may have merged or deleted it.");
        if (duplicate is null) return ReferenceMergeOutcome.Refused("The duplicate no longer exists: someone may have merged it already.");

        var moved = await MoveAsync(db, survivor, duplicate, ct);
        await RefreshKeywordsAsync(db, survivorId, ct);
        await Set(db).Where(r => EF.Property<int>(r, "Id") == duplicateId).ExecuteDeleteAsync(ct);

        var (kept, gone) = (ValuesOf(survivor), ValuesOf(duplicate));
        Audit.Record(db, actor, Entity, survivorId, "Merged", moved.Before, moved.After,
            $"Merged {Noun} {gone.Name} ({gone.Slug}) into {kept.Name} ({kept.Slug}): {Courses(moved.Courses)} moved"
            + (moved.Note is null ? "" : "; " + moved.Note));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(true, null, moved.Courses, moved.Note);
    }

    internal static string Courses(int n) => n == 1 ? "1 course" : $"{n} courses";

    /// <summary>The rows with these ids, locked FOR UPDATE in id order (so two merges cannot deadlock).</summary>
    private Task<List<TEntity>> LockAsync(CourseMatchDb db, int[] ids, CancellationToken ct)
    {
        // The table name comes from the model, never from input; the ids are a parameter.
        var sql = "SELECT * FROM " + db.Model.FindEntityType(typeof(TEntity))!.GetTableName() + " WHERE id = ANY({0}) ORDER BY id FOR UPDATE";
        return Set(db).FromSqlRaw(sql, ids).ToListAsync(ct);
    }

    private static int IdOf(CourseMatchDb db, TEntity row) => db.Entry(row).Property<int>("Id").CurrentValue;

    private ReferenceEditOutcome<TValues> SlugTaken(string slug) =>
        ReferenceEditOutcome<TValues>.Invalid([new FieldError("slug", $"Slug \"{slug}\" is already used by another {Noun}.")]);
}
