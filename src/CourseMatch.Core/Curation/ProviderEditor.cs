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

/// <param name="Aliases">The other names it is found by, folded as stored (<see cref="ProviderAlias"/>).</param>
public sealed record ProviderRow(int Id, string Slug, string Name, string Kind, string? Website, string? Country, int CourseCount, IReadOnlyList<string> Aliases);

public sealed record ProviderChoice(int Id, string Slug, string Name, int CourseCount);

public sealed record ProviderList(IReadOnlyList<ProviderRow> Rows, int Total, int Page, int PageSize);

/// <summary>What came of adding or removing an alias: the alias as stored (folded), or why nothing was written.</summary>
public sealed record AliasOutcome(string? Alias, FieldError? Error)
{
    public bool Ok => Error is null;
    internal static AliasOutcome Refused(string field, string message) => new(null, new FieldError(field, message));
}

/// <summary>
/// Lists, creates, edits and merges providers, and keeps their aliases; the writes are
/// <see cref="ReferenceEditor{TEntity, TValues, TForm}"/>'s. A merge moves every course and alias of the duplicate to
/// the survivor, and keeps the duplicate's name as an alias, so imports that wrote it still find the provider.
/// </summary>
public sealed class ProviderEditor(IDbContextFactory<CourseMatchDb> dbs)
    : ReferenceEditor<Provider, ProviderValues, ProviderForm>(dbs, Entity, Limits.ProviderName, "khan-academy")
{
    public const string Entity = "Provider";

    public async Task<ProviderList> ListAsync(string? search = null, int page = 1, int pageSize = 50, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await Dbs.CreateDbContextAsync(ct);
        var query = db.Providers.AsNoTracking();
        if (ReferenceEdits.Trim(search) is { } text)
        {
            var pattern = "%" + ReferenceEdits.Like(text) + "%";
            // Aliases are stored folded, so they are searched folded too.
            var aliasPattern = "%" + ReferenceEdits.Like(ProviderAlias.Fold(text)) + "%";
            query = query.Where(p => EF.Functions.ILike(p.Name, pattern, "\\") || EF.Functions.ILike(p.Slug, pattern, "\\")
                || db.ProviderAliases.Any(a => a.ProviderId == p.Id && EF.Functions.ILike(a.Alias, aliasPattern, "\\")));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(p => new { p.Id, p.Slug, p.Name, p.Kind, p.Website, p.Country, Courses = p.Courses.Count })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var aliases = (await db.ProviderAliases.AsNoTracking().Where(a => ids.Contains(a.ProviderId)).OrderBy(a => a.Alias)
            .Select(a => new { a.ProviderId, a.Alias }).ToListAsync(ct)).ToLookup(a => a.ProviderId, a => a.Alias);
        return new([.. rows.Select(r => new ProviderRow(r.Id, r.Slug, r.Name, r.Kind.ToKebab(), r.Website, r.Country, r.Courses, [.. aliases[r.Id]]))], total, page, pageSize);
    }

    public async Task<ProviderRow?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        var r = await db.Providers.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Id, p.Slug, p.Name, p.Kind, p.Website, p.Country, Courses = p.Courses.Count }).SingleOrDefaultAsync(ct);
        return r is null ? null : new ProviderRow(r.Id, r.Slug, r.Name, r.Kind.ToKebab(), r.Website, r.Country, r.Courses, await AliasesOfAsync(db, r.Id, ct));
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

    /// <summary>
    /// A name that folds to another provider's name, or a name or slug that is another provider's alias, would make two
    /// providers answer to the same text in an import (one of them silently), so it is refused.
    /// </summary>
    protected override async Task<FieldError?> ClashAsync(CourseMatchDb db, ProviderValues values, int? id, CancellationToken ct)
    {
        var folded = ProviderAlias.Fold(values.Name);
        var others = await db.Providers.AsNoTracking().Where(p => p.Id != id).Select(p => new { p.Name, p.Slug }).ToListAsync(ct);
        if (others.FirstOrDefault(o => ProviderAlias.Fold(o.Name) == folded) is { } same)
            return new FieldError("name", $"\"{values.Name}\" is already the name of {same.Name} ({same.Slug}). Choose another name, or merge the two providers.");

        var clashes = await db.ProviderAliases.AsNoTracking().Where(a => (a.Alias == folded || a.Alias == values.Slug) && a.ProviderId != id)
            .Select(a => new { a.Alias, a.Provider.Name, a.Provider.Slug }).ToListAsync(ct);
        if (clashes.FirstOrDefault(c => c.Alias == folded) is { } byName)
            return new FieldError("name", $"\"{values.Name}\" is an alias of {byName.Name} ({byName.Slug}), so imports that write it find that provider. Remove the alias there first, or merge the two providers.");
        if (clashes.FirstOrDefault() is { } bySlug)
            return new FieldError("slug", $"\"{values.Slug}\" is an alias of {bySlug.Name} ({bySlug.Slug}), so imports that write it find that provider. Choose another slug, or remove the alias there first.");
        return null;
    }

    protected override async Task<MergeMoved> MoveAsync(CourseMatchDb db, Provider survivor, Provider duplicate, CancellationToken ct)
    {
        var moved = await db.Courses.Where(c => c.ProviderId == duplicate.Id).OrderBy(c => c.Slug).Select(c => c.Slug).ToListAsync(ct);
        await db.Courses.Where(c => c.ProviderId == duplicate.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.ProviderId, survivor.Id), ct);

        // The duplicate's aliases, and its name, become the survivor's: an import that wrote them finds the survivor now.
        // Not a name that is the survivor's own or a third provider's (that provider answers to it already).
        await db.ProviderAliases.Where(a => a.ProviderId == duplicate.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.ProviderId, survivor.Id), ct);
        var name = ProviderAlias.Fold(duplicate.Name);
        var others = await db.Providers.AsNoTracking().Where(p => p.Id != duplicate.Id).Select(p => p.Name).ToListAsync(ct);
        if (name.Length > 0 && !others.Any(o => ProviderAlias.Fold(o) == name) && !await db.ProviderAliases.AnyAsync(a => a.Alias == name, ct))
            db.ProviderAliases.Add(new ProviderAlias { Alias = name, ProviderId = survivor.Id });
        var aliases = (await AliasesOfAsync(db, survivor.Id, ct)).Concat(db.ProviderAliases.Local.Where(a => a.ProviderId == survivor.Id).Select(a => a.Alias))
            .Distinct().Order(StringComparer.Ordinal).ToList();

        var kept = ProviderValues.Of(survivor);
        return new(new { survivor = kept, duplicate = ProviderValues.Of(duplicate), duplicateId = duplicate.Id, duplicateCourses = moved },
            new { survivor = kept, movedCourses = moved, aliases }, moved.Count);
    }

    /// <summary>The provider's aliases (folded, as stored), in order; null when no provider has the slug.</summary>
    public async Task<IReadOnlyList<string>?> AliasesAsync(string providerSlug, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        var slug = providerSlug.Trim();
        var id = await db.Providers.Where(p => p.Slug == slug).Select(p => (int?)p.Id).SingleOrDefaultAsync(ct);
        return id is null ? null : await AliasesOfAsync(db, id.Value, ct);
    }

    private static async Task<IReadOnlyList<string>> AliasesOfAsync(CourseMatchDb db, int providerId, CancellationToken ct) =>
        await db.ProviderAliases.AsNoTracking().Where(a => a.ProviderId == providerId).OrderBy(a => a.Alias).Select(a => a.Alias).ToListAsync(ct);

    /// <summary>
    /// Adds another name the provider goes by ("MITx"), so an import that writes it finds the provider. Stored folded
    /// (case, punctuation and a leading "The" do not matter). Refused, with nothing written, when it is empty or too long,
    /// is the provider's own name (which finds it already), or is another provider's name or slug, or any alias already.
    /// </summary>
    public async Task<AliasOutcome> AddAliasAsync(string providerSlug, string alias, string actor, CancellationToken ct = default)
    {
        var text = ReferenceEdits.Trim(alias);
        if (text is null) return AliasOutcome.Refused("alias", "Alias is required: another name the provider goes by, like \"MITx\".");
        var folded = ProviderAlias.Fold(text);
        if (Math.Max(text.Length, folded.Length) > Limits.ProviderName)
            return AliasOutcome.Refused("alias", $"Alias must be at most {Limits.ProviderName} characters (it has {text.Length}).");
        if (folded.Length == 0) return AliasOutcome.Refused("alias", "Alias must hold a letter or a digit.");

        await using var db = await Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockBySlugAsync(db, providerSlug, ct) is not { } provider) return NoSuchProvider(providerSlug);
        if (ProviderAlias.Fold(provider.Name) == folded)
            return AliasOutcome.Refused("alias", $"\"{text}\" is the provider's own name, which finds it already; it needs no alias.");

        var others = await db.Providers.AsNoTracking().Where(p => p.Id != provider.Id).Select(p => new { p.Slug, p.Name }).ToListAsync(ct);
        if (others.FirstOrDefault(o => ProviderAlias.Fold(o.Name) == folded || o.Slug == folded) is { } other)
            return AliasOutcome.Refused("alias", $"\"{text}\" is the {(other.Slug == folded ? "slug" : "name")} of another provider, {other.Name} ({other.Slug}), so imports that write it find that one.");
        if (await db.ProviderAliases.AsNoTracking().Where(a => a.Alias == folded).Select(a => new { a.ProviderId, a.Provider.Name, a.Provider.Slug }).SingleOrDefaultAsync(ct) is { } taken)
            return AliasTaken(text, taken.ProviderId == provider.Id ? null : (taken.Name, taken.Slug));

        var before = await AliasesOfAsync(db, provider.Id, ct);
        db.ProviderAliases.Add(new ProviderAlias { Alias = folded, ProviderId = provider.Id });
        Audit.Record(db, actor, Entity, provider.Id, "AliasAdded", new { aliases = before }, new { aliases = before.Append(folded).Order(StringComparer.Ordinal) },
            $"Added alias \"{folded}\" to provider {provider.Name} ({provider.Slug})");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e))
        {
            return AliasOutcome.Refused("alias", $"\"{text}\" became an alias a moment ago, in another edit; reload to see whose.");
        }
        await tx.CommitAsync(ct);
        return new(folded, null);
    }

    /// <summary>Removes one of the provider's aliases (given in any case or spacing); audited like every write.</summary>
    public async Task<AliasOutcome> RemoveAliasAsync(string providerSlug, string alias, string actor, CancellationToken ct = default)
    {
        var text = ReferenceEdits.Trim(alias);
        if (text is null) return AliasOutcome.Refused("alias", "Alias is required: the alias to remove.");
        var folded = ProviderAlias.Fold(text);

        await using var db = await Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockBySlugAsync(db, providerSlug, ct) is not { } provider) return NoSuchProvider(providerSlug);
        var before = await AliasesOfAsync(db, provider.Id, ct);
        if (!before.Contains(folded))
            return AliasOutcome.Refused("alias", $"\"{text}\" is not an alias of {provider.Name}; "
                + (before.Count == 0 ? "it has none." : $"its aliases are {string.Join(", ", before.Select(a => $"\"{a}\""))}."));

        db.ProviderAliases.Remove(new ProviderAlias { Alias = folded, ProviderId = provider.Id });
        Audit.Record(db, actor, Entity, provider.Id, "AliasRemoved", new { aliases = before }, new { aliases = before.Where(a => a != folded) },
            $"Removed alias \"{folded}\" from provider {provider.Name} ({provider.Slug})");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(folded, null);
    }

    /// <summary>The provider, locked so two alias edits of it take turns (each audit entry's before is then true).</summary>
    private static async Task<Provider?> LockBySlugAsync(CourseMatchDb db, string slug, CancellationToken ct) =>
        (await db.Providers.FromSql($"SELECT * FROM providers WHERE slug = {slug.Trim()} FOR UPDATE").AsNoTracking().ToListAsync(ct)).SingleOrDefault();

    private static AliasOutcome NoSuchProvider(string slug) =>
        AliasOutcome.Refused("provider", $"No provider has the slug \"{slug.Trim()}\".");

    /// <param name="other">The provider that has it, or null when it is this provider's.</param>
    private static AliasOutcome AliasTaken(string text, (string Name, string Slug)? other) =>
        AliasOutcome.Refused("alias", other is { } o
            ? $"\"{text}\" is already an alias of {o.Name} ({o.Slug}); remove it there first."
            : $"\"{text}\" is already an alias of this provider.");
}
