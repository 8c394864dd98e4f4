using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

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
public sealed record ProviderValues(string Slug, string Name, string Kind, string? Website, string? Country) : IReferenceValues
{
    public static ProviderValues Of(Provider p) => new(p.Slug, p.Name, p.Kind.ToKebab(), p.Website, p.Country);
}

public sealed record ProviderRow(int Id, string Slug, string Name, string Kind, string? Website, string? Country, int CourseCount);

public sealed record ProviderChoice(int Id, string Slug, string Name, int CourseCount);

public sealed record ProviderList(IReadOnlyList<ProviderRow> Rows, int Total, int Page, int PageSize);

/// <summary>
/// Lists, creates, edits and merges providers; the writes are <see cref="ReferenceEditor{TEntity, TValues, TForm}"/>'s.
/// A merge moves every course of the duplicate to the survivor.
/// </summary>
public sealed class ProviderEditor(IDbContextFactory<CourseMatchDb> dbs) : ReferenceEditor<Provider, ProviderValues, ProviderForm>(dbs)
{
    protected override string Entity => "Provider";

    public async Task<ProviderList> ListAsync(string? search = null, int page = 1, int pageSize = 50, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await Dbs.CreateDbContextAsync(ct);
        var query = db.Providers.AsNoTracking();
        if (ReferenceEdits.Trim(search) is { } text)
        {
            var pattern = "%" + ReferenceEdits.Like(text) + "%";
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
        await using var db = await Dbs.CreateDbContextAsync(ct);
        var r = await db.Providers.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Id, p.Slug, p.Name, p.Kind, p.Website, p.Country, Courses = p.Courses.Count }).SingleOrDefaultAsync(ct);
        return r is null ? null : new ProviderRow(r.Id, r.Slug, r.Name, r.Kind.ToKebab(), r.Website, r.Country, r.Courses);
    }

    /// <summary>Every provider by name, for picking a duplicate to merge.</summary>
    public async Task<IReadOnlyList<ProviderChoice>> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
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
        else if (name.Length > Limits.ProviderName) errors.Add(new FieldError("name", $"Name must be at most {Limits.ProviderName} characters (it has {name.Length})."));

        ProviderKind kind = default;
        if (ReferenceEdits.Trim(form.Kind) is not { } kindText) errors.Add(new FieldError("kind", $"Kind is required: one of {string.Join(", ", EnumText.Names<ProviderKind>())}."));
        else if (!EnumText.TryParse(kindText, out kind)) errors.Add(new FieldError("kind", $"Kind must be one of {string.Join(", ", EnumText.Names<ProviderKind>())}."));

        var website = ReferenceEdits.Trim(form.Website);
        if (website is not null)
        {
            if (website.Length > Limits.Url) errors.Add(new FieldError("website", $"Website must be at most {Limits.Url} characters."));
            else if (!Uri.TryCreate(website, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
                errors.Add(new FieldError("website", "Website must be a full web address starting with http:// or https://, like \"https://www.khanacademy.org\"."));
        }

        var country = ReferenceEdits.Trim(form.Country)?.ToUpperInvariant();
        if (country is not null && !(country.Length == 2 && country.All(char.IsAsciiLetterUpper)))
            errors.Add(new FieldError("country", "Country must be a two-letter ISO 3166 code, like \"US\" or \"GB\"."));

        return errors.Count > 0 ? (null, errors) : (new ProviderValues(slug!, name!, kind.ToKebab(), website, country), errors);
    }

    /// <summary>How many courses the provider has: what a merge of it into another would move (for the confirmation).</summary>
    public async Task<int> CourseCountAsync(int providerId, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        return await db.Courses.CountAsync(c => c.ProviderId == providerId, ct);
    }

    protected override DbSet<Provider> Set(CourseMatchDb db) => db.Providers;
    protected override (ProviderValues? Values, List<FieldError> Errors) Validate(ProviderForm form) => Check(form);
    protected override ProviderValues ValuesOf(Provider row) => ProviderValues.Of(row);
    protected override Task RefreshKeywordsAsync(CourseMatchDb db, int id, CancellationToken ct) => ReferenceEdits.RefreshProviderKeywordsAsync(db, id, ct);

    protected override Provider NewRow(ProviderValues values)
    {
        var row = new Provider { Slug = values.Slug, Name = values.Name };
        Apply(row, values);
        return row;
    }

    protected override void Apply(Provider row, ProviderValues v)
    {
        row.Slug = v.Slug;
        row.Name = v.Name;
        EnumText.TryParse<ProviderKind>(v.Kind, out var kind);
        row.Kind = kind;
        row.Website = v.Website;
        row.Country = v.Country;
    }

    protected override IEnumerable<string> Changed(ProviderValues a, ProviderValues b) => new[]
    {
        a.Slug != b.Slug ? "slug" : null, a.Name != b.Name ? "name" : null, a.Kind != b.Kind ? "kind" : null,
        a.Website != b.Website ? "website" : null, a.Country != b.Country ? "country" : null,
    }.OfType<string>();

    protected override async Task<MergeMoved> MoveAsync(CourseMatchDb db, Provider survivor, Provider duplicate, CancellationToken ct)
    {
        var moved = await db.Courses.Where(c => c.ProviderId == duplicate.Id).OrderBy(c => c.Slug).Select(c => c.Slug).ToListAsync(ct);
        await db.Courses.Where(c => c.ProviderId == duplicate.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.ProviderId, survivor.Id), ct);
        var kept = ProviderValues.Of(survivor);
        return new(new { survivor = kept, duplicate = ProviderValues.Of(duplicate), duplicateId = duplicate.Id, duplicateCourses = moved },
            new { survivor = kept, movedCourses = moved }, moved.Count);
    }
}
