using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Curation;

/// <summary>A provider as the edit form holds it: text, checked by <see cref="ProviderEditor"/>.</summary>
public sealed class ProviderForm
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public string? Website { get; set; }
    public string? Country { get; set; }

    public static ProviderForm From(ProviderValues v) => new() { Slug = v.Slug, Name = v.Name, Kind = v.Kind, Website = v.Website, Country = v.Country };
}

/// <summary>A provider's stored values: what the audit log records, and what an edit is checked against for conflicts.</summary>
public sealed record ProviderValues(string Slug, string Name, string Kind, string? Website, string? Country)
{
    public static ProviderValues Of(Provider p) => new(p.Slug, p.Name, p.Kind.ToKebab(), p.Website, p.Country);
}

public sealed record ProviderRow(int Id, string Slug, string Name, string Kind, string? Website, string? Country, int CourseCount);

public sealed record ProviderChoice(int Id, string Slug, string Name, int CourseCount);

public sealed record ProviderList(IReadOnlyList<ProviderRow> Rows, int Total, int Page, int PageSize);

/// <summary>
/// Lists, creates, edits and merges providers. Every write is checked first (nothing is written when a field is
/// wrong), audited in the same transaction, and refuses to overwrite values someone else saved since the form loaded.
/// </summary>
public sealed class ProviderEditor(NpgsqlDataSource source)
{
    public const int MaxName = 200, MaxWebsite = 2000;

    private CourseMatchDb Db() => CourseMatchDb.Create(source);

    public async Task<ProviderList> ListAsync(string? search = null, int page = 1, int pageSize = 50, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = Db();
        var query = db.Providers.AsNoTracking();
        if (ReferenceEdits.Trim(search) is { } text)
        {
            var pattern = "%" + Like(text) + "%";
            query = query.Where(p => EF.Functions.ILike(p.Name, pattern, "\\") || EF.Functions.ILike(p.Slug, pattern, "\\"));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(p => new { p.Id, p.Slug, p.Name, p.Kind, p.Website, p.Country, Courses = p.Courses.Count })
            .ToListAsync(ct);
        return new([.. rows.Select(r => new ProviderRow(r.Id, r.Slug, r.Name, r.Kind.ToKebab(), r.Website, r.Country, r.Courses))], total, page, pageSize);
    }

    public async Task<ProviderRow?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = Db();
        var r = await db.Providers.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Id, p.Slug, p.Name, p.Kind, p.Website, p.Country, Courses = p.Courses.Count }).SingleOrDefaultAsync(ct);
        return r is null ? null : new ProviderRow(r.Id, r.Slug, r.Name, r.Kind.ToKebab(), r.Website, r.Country, r.Courses);
    }

    /// <summary>Every provider by name, for picking a duplicate to merge.</summary>
    public async Task<IReadOnlyList<ProviderChoice>> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = Db();
        return await db.Providers.AsNoTracking().OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Select(p => new ProviderChoice(p.Id, p.Slug, p.Name, p.Courses.Count)).ToListAsync(ct);
    }

    public static ProviderValues ValuesOf(ProviderRow r) => new(r.Slug, r.Name, r.Kind, r.Website, r.Country);

    /// <summary>Every field against the rules; the slug's uniqueness is checked on save.</summary>
    public static (ProviderValues? Values, List<FieldError> Errors) Check(ProviderForm form)
    {
        var errors = new List<FieldError>();
        var slug = ReferenceEdits.Slug(form.Slug, errors, "khan-academy");

        var name = ReferenceEdits.Trim(form.Name);
        if (name is null) errors.Add(new FieldError("name", "Name is required."));
        else if (name.Length > MaxName) errors.Add(new FieldError("name", $"Name must be at most {MaxName} characters (it has {name.Length})."));

        ProviderKind kind = default;
        if (ReferenceEdits.Trim(form.Kind) is not { } kindText) errors.Add(new FieldError("kind", $"Kind is required: one of {string.Join(", ", EnumText.Names<ProviderKind>())}."));
        else if (!EnumText.TryParse(kindText, out kind)) errors.Add(new FieldError("kind", $"Kind must be one of {string.Join(", ", EnumText.Names<ProviderKind>())}."));

        var website = ReferenceEdits.Trim(form.Website);
        if (website is not null)
        {
            if (website.Length > MaxWebsite) errors.Add(new FieldError("website", $"Website must be at most {MaxWebsite} characters."));
            else if (!Uri.TryCreate(website, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
                errors.Add(new FieldError("website", "Website must be a full web address starting with http:// or https://, like \"https://www.khanacademy.org\"."));
        }

        var country = ReferenceEdits.Trim(form.Country)?.ToUpperInvariant();
        if (country is not null && !(country.Length == 2 && country.All(char.IsAsciiLetterUpper)))
            errors.Add(new FieldError("country", "Country must be a two-letter ISO 3166 code, like \"US\" or \"GB\"."));

        return errors.Count > 0 ? (null, errors) : (new ProviderValues(slug!, name!, kind.ToKebab(), website, country), errors);
    }

    public async Task<ReferenceEditOutcome<ProviderValues>> CreateAsync(ProviderForm form, string actor, CancellationToken ct = default)
    {
        var (values, errors) = Check(form);
        if (values is null) return ReferenceEditOutcome<ProviderValues>.Invalid(errors);
        await using var db = Db();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Providers.AnyAsync(p => p.Slug == values.Slug, ct)) return SlugTaken(values.Slug);
        var row = new Provider { Slug = values.Slug, Name = values.Name };
        Apply(row, values);
        db.Providers.Add(row);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return SlugTaken(values.Slug); }
        Audit.Record(db, actor, "Provider", row.Id, "Created", null, values, $"Created provider {values.Name} ({values.Slug})");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(values, []);
    }

    /// <summary>The id of the provider just created with this slug (for redirecting to its page).</summary>
    public async Task<int?> IdOfAsync(string slug, CancellationToken ct = default)
    {
        await using var db = Db();
        return await db.Providers.Where(p => p.Slug == slug).Select(p => (int?)p.Id).SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Saves the form over the provider, provided it still holds <paramref name="loaded"/> (what the admin started
    /// from): otherwise nothing is written and the stored values come back as the conflict.
    /// </summary>
    public async Task<ReferenceEditOutcome<ProviderValues>> UpdateAsync(int id, ProviderValues loaded, ProviderForm form, string actor, CancellationToken ct = default)
    {
        var (values, errors) = Check(form);
        if (values is null) return ReferenceEditOutcome<ProviderValues>.Invalid(errors);
        await using var db = Db();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked, so nobody changes it between this comparison and the write.
        var row = (await db.Providers.FromSql($"SELECT * FROM providers WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (row is null) return ReferenceEditOutcome<ProviderValues>.Missing();
        var stored = ProviderValues.Of(row);
        if (stored != loaded) return ReferenceEditOutcome<ProviderValues>.Stale(stored);
        if (stored == values) return new(values, []);
        if (values.Slug != stored.Slug && await db.Providers.AnyAsync(p => p.Slug == values.Slug && p.Id != id, ct)) return SlugTaken(values.Slug);

        Apply(row, values);
        Audit.Record(db, actor, "Provider", id, "Updated", stored, values, $"Updated provider {values.Name} ({values.Slug}): {Changed(stored, values)}");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return SlugTaken(values.Slug); }
        if (stored.Name != values.Name) await ReferenceEdits.RefreshProviderKeywordsAsync(db, id, ct);
        await tx.CommitAsync(ct);
        return new(values, []);
    }

    /// <summary>How many courses the provider has: what a merge of it into another would move (for the confirmation).</summary>
    public async Task<int> CourseCountAsync(int providerId, CancellationToken ct = default)
    {
        await using var db = Db();
        return await db.Courses.CountAsync(c => c.ProviderId == providerId, ct);
    }

    /// <summary>
    /// Moves every course of the duplicate to the survivor, refreshes those courses' search words, and deletes the
    /// duplicate: one transaction, one audit entry on the survivor listing what moved.
    /// </summary>
    public async Task<ReferenceMergeOutcome> MergeAsync(int survivorId, int duplicateId, string actor, CancellationToken ct = default)
    {
        if (survivorId == duplicateId) return ReferenceMergeOutcome.Refused("A provider cannot be merged into itself: pick a different duplicate.");
        await using var db = Db();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.Providers.FromSql($"SELECT * FROM providers WHERE id IN ({survivorId}, {duplicateId}) ORDER BY id FOR UPDATE").ToListAsync(ct);
        var survivor = rows.SingleOrDefault(p => p.Id == survivorId);
        var duplicate = rows.SingleOrDefault(p => p.Id == duplicateId);
        if (survivor is null) return ReferenceMergeOutcome.Refused("This provider no longer exists: someone may have merged or deleted it.");
        if (duplicate is null) return ReferenceMergeOutcome.Refused("The duplicate no longer exists: someone may have merged it already.");

        var moved = await db.Courses.Where(c => c.ProviderId == duplicateId).OrderBy(c => c.Slug).Select(c => c.Slug).ToListAsync(ct);
        await db.Courses.Where(c => c.ProviderId == duplicateId).ExecuteUpdateAsync(u => u.SetProperty(c => c.ProviderId, survivorId), ct);
        await ReferenceEdits.RefreshProviderKeywordsAsync(db, survivorId, ct);
        await db.Providers.Where(p => p.Id == duplicateId).ExecuteDeleteAsync(ct);

        var survivorValues = ProviderValues.Of(survivor);
        Audit.Record(db, actor, "Provider", survivorId, "Merged",
            new { survivor = survivorValues, duplicate = ProviderValues.Of(duplicate), duplicateId, duplicateCourses = moved },
            new { survivor = survivorValues, movedCourses = moved },
            $"Merged provider {duplicate.Name} ({duplicate.Slug}) into {survivor.Name} ({survivor.Slug}): {Courses(moved.Count)} moved");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(true, null, moved.Count);
    }

    private static void Apply(Provider row, ProviderValues v)
    {
        row.Slug = v.Slug;
        row.Name = v.Name;
        EnumText.TryParse<ProviderKind>(v.Kind, out var kind);
        row.Kind = kind;
        row.Website = v.Website;
        row.Country = v.Country;
    }

    private static ReferenceEditOutcome<ProviderValues> SlugTaken(string slug) =>
        ReferenceEditOutcome<ProviderValues>.Invalid([new FieldError("slug", $"Slug \"{slug}\" is already used by another provider.")]);

    internal static string Courses(int n) => n == 1 ? "1 course" : $"{n} courses";

    private static string Changed(ProviderValues a, ProviderValues b) => string.Join(", ", new[]
    {
        a.Slug != b.Slug ? "slug" : null, a.Name != b.Name ? "name" : null, a.Kind != b.Kind ? "kind" : null,
        a.Website != b.Website ? "website" : null, a.Country != b.Country ? "country" : null,
    }.OfType<string>());

    internal static string Like(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
