using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

/// <summary>A provider's or skill's stored values, and how they are read from and written to its row.</summary>
public interface IReferenceValues<TSelf, TEntity> where TSelf : IReferenceValues<TSelf, TEntity>
{
    string Slug { get; }
    string Name { get; }
    static abstract TSelf Of(TEntity row);
    /// <summary>Writes the values onto the row (a new one, or one being updated) and returns it.</summary>
    TEntity ApplyTo(TEntity row);
    /// <summary>A new row holding the values.</summary>
    TEntity ToNew();
    /// <summary>The fields that differ from <paramref name="before"/>, for the audit summary ("name, kind").</summary>
    IEnumerable<string> ChangedFrom(TSelf before);
}

/// <summary>What every provider or skill form holds: its address and its display name, as typed.</summary>
public abstract class ReferenceForm
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
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
/// <param name="dbs">One context per operation.</param>
/// <param name="entity">The entity's name in the audit log, e.g. "Provider"; in lower case it is the noun messages use.</param>
/// <param name="maxName">How long the name may be.</param>
/// <param name="exampleSlug">A slug that messages show as an example.</param>
public abstract class ReferenceEditor<TEntity, TValues, TForm>(IDbContextFactory<CourseMatchDb> dbs, string entity, int maxName, string exampleSlug)
    where TEntity : class
    where TValues : class, IReferenceValues<TValues, TEntity>, IEquatable<TValues>
    where TForm : ReferenceForm
{
    protected IDbContextFactory<CourseMatchDb> Dbs { get; } = dbs;

    private string Entity => entity;

    /// <summary>
    /// The fields other than slug and name against the rules, adding to <paramref name="errors"/>; the values when
    /// there are no errors (the slug and name are then valid), else null. The slug's uniqueness is checked on save.
    /// </summary>
    protected abstract TValues? Check(TForm form, string? slug, string? name, List<FieldError> errors);
    /// <summary>Rewrites the search words of the courses that name the row (after a rename or a merge).</summary>
    protected abstract Task RefreshKeywordsAsync(CourseMatchDb db, int id, CancellationToken ct);
    /// <summary>Moves what points at the duplicate onto the survivor; the base then deletes the duplicate and audits.</summary>
    protected abstract Task<MergeMoved> MoveAsync(CourseMatchDb db, TEntity survivor, TEntity duplicate, CancellationToken ct);
    /// <summary>Rewrites what stores the row by its slug (not its id) when a slug goes away: renamed, or merged into another row.</summary>
    protected virtual Task SlugChangedAsync(CourseMatchDb db, string from, string to, CancellationToken ct) => Task.CompletedTask;
    /// <summary>
    /// A rule a new name or slug breaks against other stored rows, beyond the unique slug (for a provider: a name that is
    /// another provider's name or alias); null when there is none. <paramref name="id"/> is null on create.
    /// </summary>
    protected virtual Task<FieldError?> ClashAsync(CourseMatchDb db, TValues values, int? id, CancellationToken ct) => Task.FromResult<FieldError?>(null);

    private string Noun => Entity.ToLowerInvariant();

    /// <summary>Every field of the form against the rules: nothing is written unless this gives values.</summary>
    public (TValues? Values, List<FieldError> Errors) Validate(TForm form)
    {
        var errors = new List<FieldError>();
        var (slug, name) = ReferenceEdits.SlugAndName(form, maxName, exampleSlug, errors);
        var values = Check(form, slug, name, errors);
        return (errors.Count > 0 ? null : values, errors);
    }

    public async Task<ReferenceEditOutcome<TValues>> CreateAsync(TForm form, string actor, CancellationToken ct = default)
    {
        var (values, errors) = Validate(form);
        if (values is null) return ReferenceEditOutcome<TValues>.Invalid(errors);
        await using var db = await Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await Set(db).AnyAsync(r => EF.Property<string>(r, "Slug") == values.Slug, ct)) return SlugTaken(values.Slug);
        if (await ClashAsync(db, values, null, ct) is { } clash) return ReferenceEditOutcome<TValues>.Invalid([clash]);
        var row = values.ToNew();
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
        var stored = TValues.Of(row);
        if (!stored.Equals(loaded)) return ReferenceEditOutcome<TValues>.Stale(stored);
        if (stored.Equals(values)) return new(values, []);
        if (values.Slug != stored.Slug
            && await Set(db).AnyAsync(r => EF.Property<string>(r, "Slug") == values.Slug && EF.Property<int>(r, "Id") != id, ct))
            return SlugTaken(values.Slug);
        // Only a new name or slug can clash: an old clash does not block editing the other fields.
        if ((values.Name != stored.Name || values.Slug != stored.Slug) && await ClashAsync(db, values, id, ct) is { } clash)
            return ReferenceEditOutcome<TValues>.Invalid([clash]);

        values.ApplyTo(row);
        Audit.Record(db, actor, Entity, id, "Updated", stored, values, $"Updated {Noun} {values.Name} ({values.Slug}): {string.Join(", ", values.ChangedFrom(stored))}");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return SlugTaken(values.Slug); }
        if (stored.Name != values.Name) await RefreshKeywordsAsync(db, id, ct);
        if (stored.Slug != values.Slug) await SlugChangedAsync(db, stored.Slug, values.Slug, ct);
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
        await SlugChangedAsync(db, TValues.Of(duplicate).Slug, TValues.Of(survivor).Slug, ct);
        await RefreshKeywordsAsync(db, survivorId, ct);
        await Set(db).Where(r => EF.Property<int>(r, "Id") == duplicateId).ExecuteDeleteAsync(ct);

        var (kept, gone) = (TValues.Of(survivor), TValues.Of(duplicate));
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

    private static DbSet<TEntity> Set(CourseMatchDb db) => db.Set<TEntity>();

    private static int IdOf(CourseMatchDb db, TEntity row) => db.Entry(row).Property<int>("Id").CurrentValue;

    private ReferenceEditOutcome<TValues> SlugTaken(string slug) =>
        ReferenceEditOutcome<TValues>.Invalid([new FieldError("slug", $"Slug \"{slug}\" is already used by another {Noun}.")]);
}
