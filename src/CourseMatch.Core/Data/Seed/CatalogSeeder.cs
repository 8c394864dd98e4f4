using CourseMatch.Catalog;
using CourseMatch.Learners;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Data.Seed;

/// <summary>
/// Loads the demo catalog. Re-runnable: rows are matched by slug and brought up to date, so running it
/// twice changes nothing, and courses that admins added are left alone.
/// </summary>
public static class CatalogSeeder
{
    public static async Task<int> SeedAsync(CourseMatchDb db, SeedCatalog seed, CancellationToken ct = default)
    {
        Validate(seed);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var providers = await UpsertAsync(db.Providers, db.Providers, p => p.Slug, seed.Providers, p => p.Slug,
            p => new Provider { Slug = p.Slug, Name = p.Name }, (row, p) =>
            {
                row.Name = p.Name;
                row.Kind = Parse<ProviderKind>(p.Kind, $"provider {p.Slug} kind");
                row.Website = p.Website;
                row.Country = p.Country;
            }, ct);
        var skills = await UpsertAsync(db.Skills, db.Skills, s => s.Slug, seed.Skills, s => s.Slug,
            s => new Skill { Slug = s.Slug, Name = s.Name }, (row, s) =>
            {
                row.Name = s.Name;
                row.Category = Parse<SkillCategory>(s.Category, $"skill {s.Slug} category");
                if (!row.LevelDescriptors.SequenceEqual(s.Levels)) row.LevelDescriptors = [.. s.Levels];
            }, ct);
        // Target roles: added when missing, never overwritten (admins edit them).
        var roles = await db.TargetRoles.Select(r => r.Slug).ToListAsync(ct);
        db.TargetRoles.AddRange(TargetRole.Seed().Where(r => !roles.Contains(r.Slug)));
        await db.SaveChangesAsync(ct);
        // The skills check's items: the same rule (added when missing, never overwritten).
        await SkillChecks.ItemBank.SeedAsync(db, ct);

        var slugs = seed.Courses.Select(c => c.Slug).ToList();
        var stored = db.Courses.Where(c => slugs.Contains(c.Slug))
            .Include(c => c.Sessions).Include(c => c.Skills).Include(c => c.Prerequisites).Include(c => c.PrerequisiteCourses);
        var courses = await UpsertAsync(db.Courses, stored, c => c.Slug, seed.Courses, s => s.Slug,
            s => new Course { Slug = s.Slug, Title = s.Title }, (c, s) => Apply(c, s, providers[s.Provider], skills), ct);
        await db.SaveChangesAsync(ct);

        foreach (var s in seed.Courses)
        {
            var c = courses[s.Slug];
            var wanted = s.PrerequisiteCourses.Select(slug => courses[slug].Id).ToHashSet();
            c.PrerequisiteCourses.RemoveAll(p => !wanted.Contains(p.RequiredCourseId));
            foreach (var id in wanted.Where(id => c.PrerequisiteCourses.All(p => p.RequiredCourseId != id)))
                c.PrerequisiteCourses.Add(new CoursePrerequisiteCourse { CourseId = c.Id, RequiredCourseId = id });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return seed.Courses.Count;
    }

    /// <summary>
    /// Matches seed rows to the <paramref name="stored"/> ones by slug, adds a row for each new slug, and writes the
    /// seed's values onto every matched or added row. Returns the stored and added rows by slug.
    /// </summary>
    private static async Task<Dictionary<string, TRow>> UpsertAsync<TRow, TSeed>(
        DbSet<TRow> table, IQueryable<TRow> stored, Func<TRow, string> slugOf, IEnumerable<TSeed> seeds, Func<TSeed, string> seedSlugOf,
        Func<TSeed, TRow> create, Action<TRow, TSeed> apply, CancellationToken ct) where TRow : class
    {
        var rows = await stored.ToDictionaryAsync(slugOf, ct);
        foreach (var s in seeds)
        {
            var slug = seedSlugOf(s);
            if (!rows.TryGetValue(slug, out var row))
                table.Add(row = rows[slug] = create(s));
            apply(row, s);
        }
        return rows;
    }

    private static void Apply(Course c, SeedCourse s, Provider provider, Dictionary<string, Skill> skills)
    {
        c.Title = s.Title;
        c.Provider = provider;
        c.Kind = Parse<CourseKind>(s.Kind, $"course {s.Slug} kind");
        c.Summary = s.Summary;
        c.Description = s.Description;
        c.Url = s.Url;
        c.Format = Parse<CourseFormat>(s.Format, $"course {s.Slug} format");
        c.Pacing = Parse<Pacing>(s.Pacing, $"course {s.Slug} pacing");
        c.City = s.City;
        c.Region = s.Region;
        c.Country = s.Country;
        c.DurationWeeks = s.DurationWeeks;
        c.HoursPerWeek = s.HoursPerWeek;
        c.TotalHours = s.TotalHours;
        c.Price = s.Price;
        c.Currency = s.Price is null ? s.Currency : s.Currency ?? "USD";
        c.FreeToAudit = s.FreeToAudit ?? false;
        c.Level = Parse<CourseLevel>(s.Level, $"course {s.Slug} level");
        c.Language = s.Language;
        c.Certificate = s.Certificate ?? false;
        c.Rating = s.Rating;
        c.RatingCount = s.RatingCount ?? 0;
        c.Status = CourseStatus.Published;
        c.Source = s.Source;
        c.AsOf = s.AsOf;

        var sessions = s.Sessions.Select(x => (x.Start, x.End)).ToHashSet();
        c.Sessions.RemoveAll(x => !sessions.Contains((x.StartDate, x.EndDate)));
        foreach (var (start, end) in sessions.Where(x => !c.Sessions.Any(y => y.StartDate == x.Start && y.EndDate == x.End)))
            c.Sessions.Add(new CourseSession { StartDate = start, EndDate = end });

        Sync(c.Skills, s.Skills, skills, (skill, level) => new CourseSkill { Skill = skill, SkillId = skill.Id, Level = level },
             x => x.SkillId, (x, level) => x.Level = level, x => x.Level);
        Sync(c.Prerequisites, s.Prerequisites, skills, (skill, level) => new CoursePrerequisite { Skill = skill, SkillId = skill.Id, MinLevel = level },
             x => x.SkillId, (x, level) => x.MinLevel = level, x => x.MinLevel);

        c.SearchKeywords = SearchKeywords(provider.Name, s.Skills.Keys.Select(k => skills[k].Name));
        // The curated shelf's skills are a person's.
        c.SkillsStatus = c.Skills.Count > 0 || c.Prerequisites.Count > 0 ? SkillsStatus.Confirmed : SkillsStatus.Unknown;
        c.SkillsConfidence = null;
    }

    /// <summary>The B-weighted words of a course: who teaches it and what it teaches.</summary>
    public static string SearchKeywords(string providerName, IEnumerable<string> skillNames) =>
        string.Join(' ', skillNames.Prepend(providerName));

    private static void Sync<T>(List<T> rows, Dictionary<string, int> wanted, Dictionary<string, Skill> skills,
        Func<Skill, int, T> create, Func<T, int> skillId, Action<T, int> setLevel, Func<T, int> getLevel)
    {
        var want = wanted.ToDictionary(kv => skills[kv.Key].Id, kv => (skills[kv.Key], kv.Value));
        rows.RemoveAll(r => !want.ContainsKey(skillId(r)));
        foreach (var (id, (skill, level)) in want)
        {
            var row = rows.FirstOrDefault(r => skillId(r) == id);
            if (row is null) rows.Add(create(skill, level));
            else if (getLevel(row) != level) setLevel(row, level);
        }
    }

    private static T Parse<T>(string text, string what) where T : struct, Enum =>
        EnumText.TryParse<T>(text, out var v) ? v : throw new InvalidDataException($"Seed catalog: {what} '{text}' is not one of {string.Join(", ", EnumText.Names<T>())}.");

    /// <summary>Rejects a seed file that would store something the catalog must never hold.</summary>
    public static void Validate(SeedCatalog seed)
    {
        var problems = new List<string>();
        var providers = seed.Providers.Select(p => p.Slug).ToHashSet();
        var skills = seed.Skills.Select(s => s.Slug).ToHashSet();
        var courses = new HashSet<string>();
        foreach (var s in seed.Skills.Where(s => s.Levels.Count != 5))
            problems.Add($"skill {s.Slug}: needs five level descriptors, has {s.Levels.Count}");
        foreach (var c in seed.Courses)
        {
            if (!courses.Add(c.Slug)) problems.Add($"course {c.Slug}: slug used twice");
            if (!providers.Contains(c.Provider)) problems.Add($"course {c.Slug}: unknown provider {c.Provider}");
            foreach (var (k, v) in c.Skills.Concat(c.Prerequisites))
            {
                if (!skills.Contains(k)) problems.Add($"course {c.Slug}: unknown skill {k}");
                if (v is < 1 or > 4) problems.Add($"course {c.Slug}: skill {k} level {v} is not 1–4");
            }
            if (c.Price < 0) problems.Add($"course {c.Slug}: negative price");
            if (c.Currency is { } cur && !(cur.Length == 3 && cur.All(char.IsAsciiLetterUpper))) problems.Add($"course {c.Slug}: currency '{cur}' is not ISO 4217");
            if (!string.Equals(c.Format, "online", StringComparison.OrdinalIgnoreCase) && (c.City is null || c.Country is null))
                problems.Add($"course {c.Slug}: {c.Format} course needs a city and country");
        }
        foreach (var c in seed.Courses)
            foreach (var p in c.PrerequisiteCourses.Where(p => !courses.Contains(p)))
                problems.Add($"course {c.Slug}: unknown prerequisite course {p}");
        var graph = seed.Courses.ToDictionary(c => c.Slug, c => (IReadOnlyCollection<string>)c.PrerequisiteCourses);
        if (PrerequisiteGraph.FindCycle(graph) is { } cycle)
            problems.Add($"prerequisite cycle: {string.Join(" → ", cycle)}");
        if (problems.Count > 0)
            throw new InvalidDataException("Seed catalog is invalid:\n  " + string.Join("\n  ", problems));
    }
}
