// TEMPORARY: replaced by the helpers' branches at merge.
using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
namespace CourseMatch.Catalog
{
    public sealed class ProviderDirectory
    {
        private readonly List<(int Id, string Slug, string Name)> all = [];
        public static async Task<ProviderDirectory> LoadAsync(CourseMatchDb db, CancellationToken ct)
        {
            var d = new ProviderDirectory();
            d.all.AddRange((await db.Providers.AsNoTracking().ToListAsync(ct)).Select(p => (p.Id, p.Slug, p.Name)));
            return d;
        }
        public bool TryFind(string text, out (int Id, string Slug, string Name) provider)
        {
            provider = all.FirstOrDefault(p => p.Slug == text.Trim() || ProviderAlias.Fold(p.Name) == ProviderAlias.Fold(text));
            return provider.Slug is not null;
        }
        public IReadOnlyList<string> Nearest(string text, int max = 3) => [];
        public static string SlugFor(string name) => Slugs.From(name, Limits.ReferenceSlug);
        public static ProviderKind GuessKind(string name) => ProviderKind.Platform;
    }
}
