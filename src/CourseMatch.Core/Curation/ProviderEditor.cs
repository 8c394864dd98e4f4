using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

/// <summary>A provider as the edit form holds it: text, checked by <see cref="ProviderEditor"/>.</summary>
public sealed class ProviderForm : ReferenceForm
{
    public string? Kind { get; set; }
    public string? Website { get; set; }
    public string? Country { get; set; }

    public static ProviderForm From(ProviderValues v) => new() { Slug = v.Slug, Name = v.Name, Kind = v.Kind, Website = v.Website, Country = v.Country };
}

/// <summary>A provider's stored values: what the audit log records, and what an edit is checked against for conflicts.</summary>
public sealed record ProviderValues(string Slug, string Name, string Kind, string? Website, string? Country) : IReferenceValues<ProviderValues, Provider>
{
    public static ProviderValues Of(Provider p) => new(p.Slug, p.Name, p.Kind.ToKebab(), p.Website, p.Country);

    public Provider ToNew() => ApplyTo(new Provider { Slug = Slug, Name = Name });

    public Provider ApplyTo(Provider row)
    {
        (row.Slug, row.Name, row.Website, row.Country) = (Slug, Name, Website, Country);
        row.Kind = EnumText.TryParse<ProviderKind>(Kind, out var kind) ? kind : default;
        return row;
    }

    public IEnumerable<string> ChangedFrom(ProviderValues a) => new[]
    {
        a.Slug != Slug ? "slug" : null, a.Name != Name ? "name" : null, a.Kind != Kind ? "kind" : null,
        a.Website != Website ? "website" : null, a.Country != Country ? "country" : null,
    }.OfType<string>();
}

public sealed record ProviderRow(int Id, string Slug, string Name, string Kind, string? Website, string? Country, int CourseCount);

public sealed record ProviderChoice(int Id, string Slug, string Name, int CourseCount);

public sealed record ProviderList(IReadOnlyList<ProviderRow> Rows, int Total, int Page, int PageSize);

/// <summary>
/// Lists, creates, edits and merges providers; the writes are <see cref="ReferenceEditor{TEntity, TValues, TForm}"/>'s.
/// A merge moves every course of the duplicate to the survivor.
/// </summary>
public sealed class ProviderEditor(IDbContextFactory<CourseMatchDb> dbs)
    : ReferenceEditor<Provider, ProviderValues, ProviderForm>(dbs, "Provider", Limits.ProviderName, "khan-academy")
{
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

    /// <summary>Kind, website and country against the rules.</summary>
    protected override ProviderValues? Check(ProviderForm form, string? slug, string? name, List<FieldError> errors)
    {
        var kind = ReferenceEdits.Choice<ProviderKind>(form.Kind, "kind", errors);

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

        return errors.Count > 0 ? null : new ProviderValues(slug!, name!, kind.ToKebab(), website, country);
    }

    /// <summary>How many courses the provider has: what a merge of it into another would move (for the confirmation).</summary>
    public async Task<int> CourseCountAsync(int providerId, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        return await db.Courses.CountAsync(c => c.ProviderId == providerId, ct);
    }

    protected override Task RefreshKeywordsAsync(CourseMatchDb db, int id, CancellationToken ct) => ReferenceEdits.RefreshProviderKeywordsAsync(db, id, ct);

    protected override async Task<MergeMoved> MoveAsync(CourseMatchDb db, Provider survivor, Provider duplicate, CancellationToken ct)
    {
        var moved = await db.Courses.Where(c => c.ProviderId == duplicate.Id).OrderBy(c => c.Slug).Select(c => c.Slug).ToListAsync(ct);
        await db.Courses.Where(c => c.ProviderId == duplicate.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.ProviderId, survivor.Id), ct);
        var kept = ProviderValues.Of(survivor);
        return new(new { survivor = kept, duplicate = ProviderValues.Of(duplicate), duplicateId = duplicate.Id, duplicateCourses = moved },
            new { survivor = kept, movedCourses = moved }, moved.Count);
    }
}
