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
namespace CourseMatch.Curation
{
    public static class SameAsStub
    {
        public static bool SameAs(this CheckedCourse n, Course c, IReadOnlyDictionary<string, int> idsBySlug) =>
        n.Slug == c.Slug && n.Title == c.Title && n.ProviderId == c.ProviderId && n.Kind == c.Kind && n.Summary == c.Summary
        && n.Description == c.Description && n.Url == c.Url && n.Format == c.Format && n.Pacing == c.Pacing && n.City == c.City
        && n.Region == c.Region && n.Country == c.Country && n.PlaceId == c.PlaceId && n.DurationWeeks == c.DurationWeeks
        && n.HoursPerWeek == c.HoursPerWeek && n.TotalHours == c.TotalHours && n.Price == c.Price && n.Currency == c.Currency
        && n.FreeToAudit == c.FreeToAudit && n.Level == c.Level && n.Language == c.Language && n.Certificate == c.Certificate
        && n.Rating == c.Rating && n.RatingCount == c.RatingCount && n.Status == c.Status && n.Source == c.Source && n.AsOf == c.AsOf
        && n.Skills.Count == c.Skills.Count && c.Skills.All(s => n.Skills.TryGetValue(s.SkillId, out var l) && l == s.Level)
        && n.Prerequisites.Count == c.Prerequisites.Count && c.Prerequisites.All(s => n.Prerequisites.TryGetValue(s.SkillId, out var l) && l == s.MinLevel)
        && n.Sessions.Count == c.Sessions.Count && c.Sessions.All(s => n.Sessions.Contains((s.StartDate, s.EndDate)))
        && n.PrerequisiteCourses.Count == c.PrerequisiteCourses.Count
        && n.PrerequisiteCourses.All(s => idsBySlug.TryGetValue(s, out var id) && c.PrerequisiteCourses.Any(p => p.RequiredCourseId == id));
    }
}
