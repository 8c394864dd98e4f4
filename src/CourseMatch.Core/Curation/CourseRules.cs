using System.Globalization;
using System.Text.RegularExpressions;
using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

/// <summary>A problem with one field, in words an admin can act on.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A course record whose every field parsed and passed the rules, with references resolved to ids.</summary>
/// <param name="Skills">Skill id → level reached (1–4).</param>
/// <param name="DurationWeeksMax">The upper end of a range of weeks, above <paramref name="DurationWeeks"/>; null for one number.</param>
/// <param name="PaidUnlisted">Paid, but the amount is not listed; <paramref name="Price"/> is then null.</param>
/// <param name="Prerequisites">Skill id → minimum level (1–4).</param>
public sealed record CheckedCourse(
    string Slug, string Title, int ProviderId, string ProviderName, CourseKind Kind, string? Summary, string? Description, string? Url,
    CourseFormat Format, Pacing Pacing, string? City, string? Region, string? Country, int? PlaceId,
    int? DurationWeeks, int? DurationWeeksMax, decimal? HoursPerWeek, decimal? HoursPerWeekMax, decimal? TotalHours, decimal? TotalHoursMax,
    decimal? Price, string? Currency, bool FreeToAudit, bool PaidUnlisted,
    CourseLevel Level, string Language, bool Certificate, decimal? Rating, int RatingCount,
    CourseStatus Status, string? Source, DateOnly? AsOf,
    Dictionary<int, int> Skills, Dictionary<int, int> Prerequisites, List<string> PrerequisiteCourses,
    List<(DateOnly Start, DateOnly? End)> Sessions, List<string> SkillNames)
{
    /// <summary>
    /// Writes every field onto the entity (new or tracked). Prerequisite courses are not set here: they need the ids
    /// of courses that may be created in the same batch, so callers set them once those are saved (<see cref="ApplyPrerequisiteCourses"/>).
    /// </summary>
    public void ApplyTo(Course c)
    {
        c.Slug = Slug; c.Title = Title; c.ProviderId = ProviderId; c.Kind = Kind; c.Summary = Summary; c.Description = Description;
        c.Url = Url; c.Format = Format; c.Pacing = Pacing; c.City = City; c.Region = Region; c.Country = Country; c.PlaceId = PlaceId;
        c.DurationWeeks = DurationWeeks; c.DurationWeeksMax = DurationWeeksMax; c.HoursPerWeek = HoursPerWeek; c.HoursPerWeekMax = HoursPerWeekMax;
        c.TotalHours = TotalHours; c.TotalHoursMax = TotalHoursMax;
        c.Price = Price; c.Currency = Currency; c.FreeToAudit = FreeToAudit; c.PaidUnlisted = PaidUnlisted;
        c.Level = Level; c.Language = Language; c.Certificate = Certificate; c.Rating = Rating;
        c.RatingCount = RatingCount; c.Status = Status; c.Source = Source; c.AsOf = AsOf;
        c.SearchKeywords = Data.Seed.CatalogSeeder.SearchKeywords(ProviderName, SkillNames);

        // Skills set by a person (the editor, a file that names them) are confirmed; the same skills written back
        // (a merge that keeps them) leave the tagger's mark as it was.
        var skillsChanged = Skills.Count != c.Skills.Count || !c.Skills.All(s => Skills.TryGetValue(s.SkillId, out var l) && l == s.Level)
            || Prerequisites.Count != c.Prerequisites.Count || !c.Prerequisites.All(s => Prerequisites.TryGetValue(s.SkillId, out var l) && l == s.MinLevel);
        if (skillsChanged)
        {
            c.SkillsStatus = Skills.Count > 0 || Prerequisites.Count > 0 ? SkillsStatus.Confirmed : SkillsStatus.Unknown;
            c.SkillsConfidence = null;
        }

        c.Skills.RemoveAll(s => !Skills.ContainsKey(s.SkillId));
        foreach (var (id, level) in Skills)
        {
            if (c.Skills.FirstOrDefault(s => s.SkillId == id) is { } row) { if (row.Level != level) row.Level = level; }
            else c.Skills.Add(new CourseSkill { SkillId = id, Level = level });
        }
        c.Prerequisites.RemoveAll(s => !Prerequisites.ContainsKey(s.SkillId));
        foreach (var (id, level) in Prerequisites)
        {
            if (c.Prerequisites.FirstOrDefault(s => s.SkillId == id) is { } row) { if (row.MinLevel != level) row.MinLevel = level; }
            else c.Prerequisites.Add(new CoursePrerequisite { SkillId = id, MinLevel = level });
        }
        c.Sessions.RemoveAll(s => !Sessions.Contains((s.StartDate, s.EndDate)));
        foreach (var (start, end) in Sessions.Where(x => !c.Sessions.Any(s => s.StartDate == x.Start && s.EndDate == x.End)))
            c.Sessions.Add(new CourseSession { StartDate = start, EndDate = end });
    }

    /// <summary>
    /// True when saving this would change nothing of the stored course (load its skills, prerequisites, sessions and required
    /// courses first); required courses are compared by id, through <paramref name="courseIdsBySlug"/>.
    /// </summary>
    public bool SameAs(Course c, IReadOnlyDictionary<string, int> courseIdsBySlug) =>
        Slug == c.Slug && Title == c.Title && ProviderId == c.ProviderId && Kind == c.Kind && Summary == c.Summary
        && Description == c.Description && Url == c.Url && Format == c.Format && Pacing == c.Pacing && City == c.City
        && Region == c.Region && Country == c.Country && PlaceId == c.PlaceId
        && DurationWeeks == c.DurationWeeks && DurationWeeksMax == c.DurationWeeksMax
        && HoursPerWeek == c.HoursPerWeek && HoursPerWeekMax == c.HoursPerWeekMax
        && TotalHours == c.TotalHours && TotalHoursMax == c.TotalHoursMax
        && Price == c.Price && Currency == c.Currency && FreeToAudit == c.FreeToAudit && PaidUnlisted == c.PaidUnlisted
        && Level == c.Level && Language == c.Language && Certificate == c.Certificate
        && Rating == c.Rating && RatingCount == c.RatingCount && Status == c.Status && Source == c.Source && AsOf == c.AsOf
        && Skills.Count == c.Skills.Count && c.Skills.All(s => Skills.TryGetValue(s.SkillId, out var l) && l == s.Level)
        && Prerequisites.Count == c.Prerequisites.Count && c.Prerequisites.All(s => Prerequisites.TryGetValue(s.SkillId, out var l) && l == s.MinLevel)
        && Sessions.Count == c.Sessions.Count && c.Sessions.All(s => Sessions.Contains((s.StartDate, s.EndDate)))
        && PrerequisiteCourses.Count == c.PrerequisiteCourses.Count
        && PrerequisiteCourses.All(s => courseIdsBySlug.TryGetValue(s, out var id) && c.PrerequisiteCourses.Any(p => p.RequiredCourseId == id));

    /// <summary>Sets the required courses by id (the course itself must have its id already).</summary>
    public void ApplyPrerequisiteCourses(Course c, IReadOnlyDictionary<string, int> courseIdsBySlug)
    {
        var wanted = PrerequisiteCourses.Select(s => courseIdsBySlug[s]).ToHashSet();
        c.PrerequisiteCourses.RemoveAll(p => !wanted.Contains(p.RequiredCourseId));
        foreach (var id in wanted.Where(id => c.PrerequisiteCourses.All(p => p.RequiredCourseId != id)))
            c.PrerequisiteCourses.Add(new CoursePrerequisiteCourse { CourseId = c.Id, RequiredCourseId = id });
    }
}

/// <summary>What the rules look things up in: providers, skills, courses, places and the prerequisite graph, read once.</summary>
public sealed class CatalogLookups
{
    public required Dictionary<string, (int Id, string Name)> ProvidersBySlug { get; init; }
    public required Dictionary<string, string> ProviderSlugsByName { get; init; }
    public required Dictionary<string, (int Id, string Name)> SkillsBySlug { get; init; }
    public required Dictionary<string, int> CourseIdsBySlug { get; init; }
    /// <summary>Course slug → slugs of the courses it requires, as stored.</summary>
    public required Dictionary<string, List<string>> RequiredCourses { get; init; }
    /// <summary>"city|CC" (lower-case city, upper-case country) → place id of the most populous match.</summary>
    public required Dictionary<string, int> Places { get; init; }

    public static async Task<CatalogLookups> LoadAsync(CourseMatchDb db, CancellationToken ct = default)
    {
        var providers = await db.Providers.AsNoTracking().Select(p => new { p.Id, p.Slug, p.Name }).ToListAsync(ct);
        var skills = await db.Skills.AsNoTracking().Select(s => new { s.Id, s.Slug, s.Name }).ToListAsync(ct);
        var courses = await db.Courses.AsNoTracking().Select(c => new { c.Id, c.Slug }).ToListAsync(ct);
        var slugById = courses.ToDictionary(c => c.Id, c => c.Slug);
        var edges = await db.CoursePrerequisiteCourses.AsNoTracking().Select(p => new { p.CourseId, p.RequiredCourseId }).ToListAsync(ct);
        var places = await db.Places.AsNoTracking().OrderByDescending(p => p.Population)
            .Select(p => new { p.Id, p.Name, p.AsciiName, p.Country }).ToListAsync(ct);
        var placeIndex = new Dictionary<string, int>();
        foreach (var p in places)
        {
            placeIndex.TryAdd($"{p.Name.ToLowerInvariant()}|{p.Country}", p.Id);
            placeIndex.TryAdd($"{p.AsciiName.ToLowerInvariant()}|{p.Country}", p.Id);
        }
        return new CatalogLookups
        {
            ProvidersBySlug = providers.ToDictionary(p => p.Slug, p => (p.Id, p.Name)),
            ProviderSlugsByName = providers.GroupBy(p => p.Name.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First().Slug),
            SkillsBySlug = skills.ToDictionary(s => s.Slug, s => (s.Id, s.Name)),
            CourseIdsBySlug = courses.ToDictionary(c => c.Slug, c => c.Id),
            RequiredCourses = edges.GroupBy(e => slugById[e.CourseId]).ToDictionary(g => g.Key, g => g.Select(e => slugById[e.RequiredCourseId]).ToList()),
            Places = placeIndex,
        };
    }

    public int? FindPlace(string city, string country)
    {
        var name = CourseMatch.Places.Gazetteer.Aliases.TryGetValue(city.Trim(), out var alias) ? alias : city.Trim();
        return Places.TryGetValue($"{name.ToLowerInvariant()}|{country.Trim().ToUpperInvariant()}", out var id) ? id : null;
    }

    /// <summary>
    /// A prerequisite cycle the stored graph would have with these courses' requirements replaced, or null.
    /// </summary>
    public IReadOnlyList<string>? FindCycle(IEnumerable<(string Slug, IReadOnlyCollection<string> Requires)> changes)
    {
        var graph = RequiredCourses.ToDictionary(kv => kv.Key, kv => (IReadOnlyCollection<string>)kv.Value);
        foreach (var (slug, requires) in changes) graph[slug] = requires;
        return PrerequisiteGraph.FindCycle(graph);
    }
}

public static partial class CourseRules
{
    /// <summary>
    /// Every field of the record against the rules. References (provider, skills, required courses, the city) are
    /// looked up in <paramref name="lookups"/>; <paramref name="alsoCourses"/> are slugs that will exist by the time this
    /// is saved (other rows of the same import). Cycles are checked by the caller across the whole batch.
    /// </summary>
    public static (CheckedCourse? Course, List<FieldError> Errors) Check(CourseRecord r, CatalogLookups lookups, IReadOnlySet<string>? alsoCourses = null)
    {
        var errors = new List<FieldError>();
        void Error(string field, string message) => errors.Add(new FieldError(field, message));
        static string? T(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

        var slug = T(r.Slug);
        if (slug is null) Error("slug", "Required: a short name for the address, like \"mit-18-06-linear-algebra\".");
        else if (slug.Length > Limits.CourseSlug) Error("slug", $"At most {Limits.CourseSlug} characters.");
        else if (!Slugs.IsValid(slug)) Error("slug", $"Use {Slugs.Rule}, like \"intro-to-statistics\".");

        var title = T(r.Title);
        if (title is null) Error("title", "Required.");
        else if (title.Length > Limits.CourseTitle) Error("title", $"At most {Limits.CourseTitle} characters.");

        (int Id, string Name) provider = default;
        var providerText = T(r.Provider);
        if (providerText is null) Error("provider", "Required: the provider's slug.");
        else if (!lookups.ProvidersBySlug.TryGetValue(providerText, out provider)
                 && !(lookups.ProviderSlugsByName.TryGetValue(providerText.ToLowerInvariant(), out var bySlug) && lookups.ProvidersBySlug.TryGetValue(bySlug, out provider)))
            Error("provider", $"\"{Short(providerText)}\" is not a provider; add it under Providers first, or use an existing provider's slug.");

        var kind = Enum(r.Kind, "kind", CourseKind.Course, errors);
        var format = Enum(r.Format, "format", CourseFormat.Online, errors);
        var pacing = Enum(r.Pacing, "pacing", Catalog.Pacing.SelfPaced, errors);
        var level = Enum(r.Level, "level", CourseLevel.All, errors);
        var status = Enum(r.Status, "status", CourseStatus.Draft, errors);

        var summary = T(r.Summary);
        if (summary?.Length > Limits.CourseSummary) Error("summary", $"At most {Limits.CourseSummary} characters (this has {summary.Length}).");
        var description = T(r.Description);
        if (description?.Length > Limits.CourseDescription) Error("description", $"At most {Limits.CourseDescription:#,0} characters (this has {description.Length:#,0}).");

        var url = T(r.Url);
        if (url is not null && (url.Length > Limits.Url || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            Error("url", "Give the full web address, starting with https://.");
        var source = T(r.Source);
        if (source?.Length > Limits.CourseSource) Error("source", $"At most {Limits.CourseSource} characters.");

        var city = T(r.City);
        var region = T(r.Region);
        var country = T(r.Country)?.ToUpperInvariant();
        int? placeId = null;
        if (city?.Length > Limits.City) Error("city", $"At most {Limits.City} characters.");
        if (region?.Length > Limits.City) Error("region", $"At most {Limits.City} characters.");
        if (country is not null && !(country.Length == 2 && country.All(char.IsAsciiLetterUpper))) Error("country", "Use the two-letter ISO 3166 code, like GB or US.");
        if (format != CourseFormat.Online)
        {
            if (city is null) Error("city", $"Required for {(format == CourseFormat.InPerson ? "in-person" : "hybrid")} courses: where it takes place.");
            if (country is null) Error("country", $"Required for {(format == CourseFormat.InPerson ? "in-person" : "hybrid")} courses.");
        }
        if (city is not null && country is { Length: 2 } && country.All(char.IsAsciiLetterUpper) && city.Length <= Limits.City)
        {
            placeId = lookups.FindPlace(city, country);
            if (placeId is null && format != CourseFormat.Online)
                Error("city", $"\"{Short(city)}\" in {country} is not in our gazetteer (cities of 15,000+ people); use the nearest larger city, so distances work.");
        }

        var (weeksLow, weeksHigh) = Range(r.DurationWeeks, "durationWeeks", 1m, 520m, wholeNumbers: true, "a whole number of weeks from 1 to 520", errors);
        var (weeks, weeksMax) = ((int?)weeksLow, (int?)weeksHigh);
        var (hoursPerWeek, hoursPerWeekMax) = Range(r.HoursPerWeek, "hoursPerWeek", 0.01m, 168m, wholeNumbers: false, "a number of hours greater than 0 and at most 168", errors);
        var (totalHours, totalHoursMax) = Range(r.TotalHours, "totalHours", 0.01m, 100_000m, wholeNumbers: false, "a number of hours greater than 0 and at most 100,000", errors);

        var (price, paidUnlisted) = Price(r.Price, errors);
        var currency = T(r.Currency)?.ToUpperInvariant();
        if (currency is not null && !(currency.Length == 3 && currency.All(char.IsAsciiLetterUpper)))
            Error("currency", "Use the three-letter ISO 4217 code, like USD, EUR or GBP.");
        else if (currency is not null && !IsIso4217(currency))
            Error("currency", $"\"{currency}\" is not an ISO 4217 currency.");
        if (price > 0 && currency is null) Error("currency", "Required when there is a price.");
        if (price == 0 && currency is null) currency = "USD";

        var freeToAudit = Bool(r.FreeToAudit, "freeToAudit", errors);
        var certificate = Bool(r.Certificate, "certificate", errors);
        var language = T(r.Language)?.ToLowerInvariant() ?? "en";
        if (!LanguagePattern().IsMatch(language)) Error("language", "Use a two-letter ISO 639-1 code, like en or fr.");
        var rating = Dec(r.Rating, "rating", 0m, 5m, errors, "A rating is between 0 and 5.");
        var ratingCount = Int(r.RatingCount, "ratingCount", 0, int.MaxValue, errors) ?? 0;
        DateOnly? asOf = null;
        if (T(r.AsOf) is { } asOfText)
        {
            if (DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) asOf = d;
            else Error("asOf", "Use a date like 2026-11-24.");
        }

        var skills = Levels(r.Skills, "skills", lookups, errors);
        var prerequisites = Levels(r.Prerequisites, "prerequisites", lookups, errors);
        foreach (var (id, min) in prerequisites)
            // Equal levels are allowed: a course may use a skill at the level it expects (the demo catalog has such courses).
            if (skills.TryGetValue(id, out var reached) && reached < min)
                Error("prerequisites", $"{lookups.SkillsBySlug.First(s => s.Value.Id == id).Key}: a course cannot teach a lower level than it requires (requires {min}, teaches {reached}).");

        var required = new List<string>();
        foreach (var part in Split(r.PrerequisiteCourses))
        {
            if (part == slug) Error("prerequisiteCourses", "A course cannot require itself.");
            else if (!lookups.CourseIdsBySlug.ContainsKey(part) && alsoCourses?.Contains(part) != true) Error("prerequisiteCourses", $"\"{Short(part)}\" is not a course in the catalog.");
            else if (!required.Contains(part)) required.Add(part);
        }

        var sessions = new List<(DateOnly, DateOnly?)>();
        foreach (var part in Split(r.Sessions))
        {
            var ends = part.Split("..", 2);
            if (!DateOnly.TryParseExact(ends[0].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            { Error("sessions", $"\"{Short(part)}\": write a start date like 2027-01-11, or a range like 2027-01-11..2027-03-05."); continue; }
            DateOnly? end = null;
            if (ends.Length == 2)
            {
                if (!DateOnly.TryParseExact(ends[1].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var e))
                { Error("sessions", $"\"{Short(part)}\": the end date is not a date like 2027-03-05."); continue; }
                if (e < start) { Error("sessions", $"\"{Short(part)}\": ends before it starts."); continue; }
                end = e;
            }
            if (!sessions.Contains((start, end))) sessions.Add((start, end));
        }

        if (errors.Count > 0) return (null, errors);
        var skillNames = skills.Keys.Select(id => lookups.SkillsBySlug.First(s => s.Value.Id == id).Value.Name).ToList();
        return (new CheckedCourse(slug!, title!, provider.Id, provider.Name!, kind, summary, description, url,
            format, pacing, city, region, country, placeId,
            weeks, weeksMax, hoursPerWeek, hoursPerWeekMax, totalHours, totalHoursMax,
            price, currency, freeToAudit, paidUnlisted,
            level, language, certificate, rating, ratingCount,
            status, source, asOf,
            skills, prerequisites, required, sessions, skillNames), errors);
    }

    private static string Short(string s) => s.Length <= 60 ? s : s[..57] + "…";

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(p => p.Length > 0);

    private static T Enum<T>(string? text, string field, T fallback, List<FieldError> errors) where T : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (EnumText.TryParse<T>(text.Trim(), out var v)) return v;
        errors.Add(new FieldError(field, $"\"{Short(text.Trim())}\" is not one of: {string.Join(", ", EnumText.Names<T>())}."));
        return fallback;
    }

    private static int? Int(string? text, string field, int min, int max, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        errors.Add(new FieldError(field, min == 1 ? "Must be a whole number greater than 0." : $"Must be a whole number from {min} to {max:#,0}."));
        return null;
    }

    private static decimal? Dec(string? text, string field, decimal min, decimal max, List<FieldError> errors, string? message = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return Math.Round(v, 2);
        errors.Add(new FieldError(field, message ?? (min > 0 ? "Must be a number greater than 0." : $"Must be a number from {min} to {max:#,0}.")));
        return null;
    }

    /// <summary>
    /// A number, or a range written low-high ("2-4"; an en dash and spaces around it are read too) whose ends both keep the
    /// field's bounds. Equal ends are one number. <paramref name="rule"/> says in words what one number must be.
    /// </summary>
    private static (decimal? Low, decimal? High) Range(string? text, string field, decimal min, decimal max, bool wholeNumbers, string rule, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var s = text.Trim();
        bool TryNumber(string part, out decimal value)
        {
            var parsed = decimal.TryParse(part.Trim(), wholeNumbers ? NumberStyles.Integer : NumberStyles.Number, CultureInfo.InvariantCulture, out value);
            value = Math.Round(value, 2);
            return parsed && value >= min && value <= max;
        }

        // Looking from the second character on leaves a leading minus sign to the number, so "-3" is refused as below the minimum.
        var dash = s.IndexOfAny(CourseRecord.RangeDashes, 1);
        if (dash < 0)
        {
            if (TryNumber(s, out var one)) return (one, null);
            errors.Add(new FieldError(field, $"Must be {rule}, or a range like 2-4."));
            return (null, null);
        }
        if (!TryNumber(s[..dash], out var low) || !TryNumber(s[(dash + 1)..], out var high))
        {
            errors.Add(new FieldError(field, $"\"{Short(s)}\": each end of a range must be {rule}, like 2-4."));
            return (null, null);
        }
        if (low > high)
        {
            errors.Add(new FieldError(field, $"\"{Short(s)}\": write the lower end first, like {high.ToString(CultureInfo.InvariantCulture)}-{low.ToString(CultureInfo.InvariantCulture)}."));
            return (null, null);
        }
        return low == high ? (low, null) : (low, high);
    }

    /// <summary>A number (0 for free), or <see cref="CourseRecord.PaidUnlistedPrice"/> for paid without an amount.</summary>
    private static (decimal? Price, bool PaidUnlisted) Price(string? text, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, false);
        var s = text.Trim();
        if (s.Equals(CourseRecord.PaidUnlistedPrice, StringComparison.OrdinalIgnoreCase)) return (null, true);
        if (!decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var price))
            errors.Add(new FieldError("price", $"\"{Short(s)}\" is not a price: write a number (0 for free), or \"{CourseRecord.PaidUnlistedPrice}\" when it is paid but the price is not listed."));
        else if (price < 0) errors.Add(new FieldError("price", "Must be 0 (free) or more."));
        else if (price > 1_000_000m) errors.Add(new FieldError("price", "Must be at most 1,000,000."));
        else return (Math.Round(price, 2), false);
        return (null, false);
    }

    private static bool Bool(string? text, string field, List<FieldError> errors)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "false" or "no" or "0": return false;
            case "true" or "yes" or "1": return true;
            default: errors.Add(new FieldError(field, "Write true or false.")); return false;
        }
    }

    private static Dictionary<int, int> Levels(string? text, string field, CatalogLookups lookups, List<FieldError> errors)
    {
        var result = new Dictionary<int, int>();
        foreach (var part in Split(text))
        {
            var bits = part.Split(':', 2, StringSplitOptions.TrimEntries);
            if (bits.Length != 2 || !int.TryParse(bits[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var level))
            { errors.Add(new FieldError(field, $"\"{Short(part)}\": write skill:level, like linear-algebra:2.")); continue; }
            if (!lookups.SkillsBySlug.TryGetValue(bits[0], out var skill))
            { errors.Add(new FieldError(field, $"\"{Short(bits[0])}\" is not a skill; the skills are {string.Join(", ", lookups.SkillsBySlug.Keys.Order())}.")); continue; }
            if (level is < 1 or > Skill.MaxLevel)
            { errors.Add(new FieldError(field, $"{bits[0]}: level {level} is not 1–4.")); continue; }
            if (!result.TryAdd(skill.Id, level)) errors.Add(new FieldError(field, $"{bits[0]} is listed twice."));
        }
        return result;
    }

    private static readonly HashSet<string> Currencies = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return (string?)new RegionInfo(c.Name).ISOCurrencySymbol; } catch (ArgumentException) { return null; } })
        .OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>Known ISO 4217 codes, from the runtime's region data (ICU), so "ABC" is caught and not only "abc1".</summary>
    public static bool IsIso4217(string code) => Currencies.Count == 0 || Currencies.Contains(code);

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex LanguagePattern();
}
