using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Catalog;

/// <summary>Reads of single courses and the small lookup lists that pages and the API show; the search is <see cref="CatalogSearch"/>.</summary>
public sealed class CatalogReader(ReadDatabase dbs)
{
    public Task<Course?> PublishedBySlugAsync(string slug, CancellationToken ct = default) => dbs.ReadAsync<Course?>(async () =>
    {
        if (slug.Length > Limits.CourseSlug) return null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Courses.WithEverything().FirstOrDefaultAsync(c => c.Slug == slug && c.Status == CourseStatus.Published, ct);
    });

    /// <summary>
    /// The current slug of the published course that <paramref name="oldSlug"/> was an address of before a rename, or
    /// null: when there is no such redirect, the course is not published, or a course has that slug itself now.
    /// </summary>
    public Task<string?> RedirectAsync(string oldSlug, CancellationToken ct = default) => dbs.ReadAsync<string?>(async () =>
    {
        if (oldSlug.Length > Limits.CourseSlug) return null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.CourseSlugRedirects.AsNoTracking()
            .Where(r => r.OldSlug == oldSlug && !db.Courses.Any(c => c.Slug == oldSlug))
            .Join(db.Courses.Where(c => c.Status == CourseStatus.Published), r => r.CourseId, c => c.Id, (_, c) => c.Slug)
            .SingleOrDefaultAsync(ct);
    });

    /// <summary>The courses to compare, in the order asked; unknown slugs are simply absent.</summary>
    public Task<List<Course>> PublishedBySlugsAsync(IReadOnlyList<string> slugs, CancellationToken ct = default) => dbs.ReadAsync<List<Course>>(async () =>
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var found = await db.Courses.WithEverything()
            .Where(c => slugs.Contains(c.Slug) && c.Status == CourseStatus.Published).ToListAsync(ct);
        return slugs.Select(s => found.FirstOrDefault(c => c.Slug == s)).OfType<Course>().ToList();
    });

    public Task<SkillTaxonomy> SkillsAsync(CancellationToken ct = default) => dbs.ReadAsync<SkillTaxonomy>(async () =>
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await SkillTaxonomy.LoadAsync(db, ct);
    });

    public sealed record ProviderSummary(string Slug, string Name, ProviderKind Kind, string? Website, string? Country, int Courses);

    public Task<List<ProviderSummary>> ProvidersAsync(CancellationToken ct = default) => dbs.ReadAsync<List<ProviderSummary>>(async () =>
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Providers.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new ProviderSummary(p.Slug, p.Name, p.Kind, p.Website, p.Country, p.Courses.Count(c => c.Status == CourseStatus.Published)))
            .ToListAsync(ct);
    });

    /// <summary>The currencies a budget can be given in: those we have an exchange rate for.</summary>
    public Task<List<string>> CurrenciesAsync(CancellationToken ct = default) => dbs.ReadAsync<List<string>>(async () =>
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ExchangeRates.AsNoTracking().Select(r => r.Currency).ToListAsync(ct);
    });
}
