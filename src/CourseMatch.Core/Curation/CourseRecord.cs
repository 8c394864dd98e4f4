using System.Globalization;
using CourseMatch.Catalog;

namespace CourseMatch.Curation;

/// <summary>
/// A course as people write it: every field as text, the way it arrives from the edit form, a CSV cell or a
/// JSON import. <see cref="CourseRules.Check"/> turns it into a <see cref="CheckedCourse"/> or into messages
/// naming each bad field; the edit form, the importer and the CLI share that one set of rules.
/// </summary>
/// <remarks>
/// List fields use one text form everywhere: skills and prerequisites as "slug:level; slug:level",
/// prerequisite courses as "slug; slug", sessions as "2027-01-11..2027-03-05; 2027-09-06" (end optional).
/// Weeks, hours a week and total hours are a number or a range, "2-4" (see <see cref="RangeDash"/>); a price is a number
/// (0 for free) or <see cref="PaidUnlistedPrice"/> for a paid course whose catalog does not say how much.
/// </remarks>
public sealed record CourseRecord
{
    public string? Slug { get; init; }
    public string? Title { get; init; }
    /// <summary>The provider's slug (or its exact name).</summary>
    public string? Provider { get; init; }
    public string? Kind { get; init; }
    public string? Summary { get; init; }
    public string? Description { get; init; }
    public string? Url { get; init; }
    public string? Format { get; init; }
    public string? Pacing { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }
    public string? Country { get; init; }
    public string? DurationWeeks { get; init; }
    public string? HoursPerWeek { get; init; }
    public string? TotalHours { get; init; }
    public string? Price { get; init; }
    public string? Currency { get; init; }
    public string? FreeToAudit { get; init; }
    public string? Level { get; init; }
    public string? Language { get; init; }
    public string? Certificate { get; init; }
    public string? Rating { get; init; }
    public string? RatingCount { get; init; }
    public string? Status { get; init; }
    public string? Source { get; init; }
    public string? AsOf { get; init; }
    public string? Skills { get; init; }
    public string? Prerequisites { get; init; }
    public string? PrerequisiteCourses { get; init; }
    public string? Sessions { get; init; }

    /// <summary>Field names in file order: CSV headers, JSON property names and form field keys all use these.</summary>
    public static readonly string[] Fields =
    [
        "slug", "title", "provider", "kind", "summary", "description", "url", "format", "pacing", "city", "region", "country",
        "durationWeeks", "hoursPerWeek", "totalHours", "price", "currency", "freeToAudit", "level", "language", "certificate",
        "rating", "ratingCount", "status", "source", "asOf", "skills", "prerequisites", "prerequisiteCourses", "sessions",
    ];

    public static readonly string[] RequiredFields = ["slug", "title", "provider"];

    /// <summary>Joins the two ends of a range as written ("2-4"): a plain hyphen, which any keyboard and spreadsheet keeps.</summary>
    public const char RangeDash = '-';
    /// <summary>What separates a range's ends when read: the hyphen, and the en dash catalogs print ("2–4").</summary>
    public static readonly char[] RangeDashes = [RangeDash, '\u2013'];
    /// <summary>The price of a course that is paid but whose catalog does not say how much ("Paid Course").</summary>
    public const string PaidUnlistedPrice = "paid";

    public string? this[string field] => field switch
    {
        "slug" => Slug, "title" => Title, "provider" => Provider, "kind" => Kind, "summary" => Summary, "description" => Description,
        "url" => Url, "format" => Format, "pacing" => Pacing, "city" => City, "region" => Region, "country" => Country,
        "durationWeeks" => DurationWeeks, "hoursPerWeek" => HoursPerWeek, "totalHours" => TotalHours, "price" => Price,
        "currency" => Currency, "freeToAudit" => FreeToAudit, "level" => Level, "language" => Language, "certificate" => Certificate,
        "rating" => Rating, "ratingCount" => RatingCount, "status" => Status, "source" => Source, "asOf" => AsOf, "skills" => Skills,
        "prerequisites" => Prerequisites, "prerequisiteCourses" => PrerequisiteCourses, "sessions" => Sessions,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a course field."),
    };

    /// <summary>Builds a record from field → text pairs (a CSV row after mapping, a form); unknown keys are ignored.</summary>
    public static CourseRecord FromFields(IReadOnlyDictionary<string, string?> f)
    {
        string? V(string k) => f.TryGetValue(k, out var v) ? v : null;
        return new CourseRecord
        {
            Slug = V("slug"), Title = V("title"), Provider = V("provider"), Kind = V("kind"), Summary = V("summary"),
            Description = V("description"), Url = V("url"), Format = V("format"), Pacing = V("pacing"), City = V("city"),
            Region = V("region"), Country = V("country"), DurationWeeks = V("durationWeeks"), HoursPerWeek = V("hoursPerWeek"),
            TotalHours = V("totalHours"), Price = V("price"), Currency = V("currency"), FreeToAudit = V("freeToAudit"),
            Level = V("level"), Language = V("language"), Certificate = V("certificate"), Rating = V("rating"),
            RatingCount = V("ratingCount"), Status = V("status"), Source = V("source"), AsOf = V("asOf"), Skills = V("skills"),
            Prerequisites = V("prerequisites"), PrerequisiteCourses = V("prerequisiteCourses"), Sessions = V("sessions"),
        };
    }

    public Dictionary<string, string?> ToFields() => Fields.ToDictionary(f => f, f => this[f]);

    /// <summary>The record of a stored course (load Provider, Skills/Prerequisites with their Skill, Sessions first); required courses by slug.</summary>
    public static CourseRecord FromCourse(Course c, IReadOnlyDictionary<int, string> courseSlugsById)
    {
        static string? Num(decimal? d) => d?.ToString("0.##", CultureInfo.InvariantCulture);
        static string? Whole(int? n) => n?.ToString(CultureInfo.InvariantCulture);
        // The lower end stands alone when there is no upper end; an upper end without a lower one cannot come from the rules.
        static string? Range(string? low, string? high) => low is null || high is null ? low : $"{low}{RangeDash}{high}";
        return new CourseRecord
        {
            Slug = c.Slug, Title = c.Title, Provider = c.Provider.Slug, Kind = c.Kind.ToKebab(), Summary = c.Summary,
            Description = c.Description, Url = c.Url, Format = c.Format.ToKebab(), Pacing = c.Pacing.ToKebab(), City = c.City,
            Region = c.Region, Country = c.Country, DurationWeeks = Range(Whole(c.DurationWeeks), Whole(c.DurationWeeksMax)),
            HoursPerWeek = Range(Num(c.HoursPerWeek), Num(c.HoursPerWeekMax)), TotalHours = Range(Num(c.TotalHours), Num(c.TotalHoursMax)),
            Price = c.PaidUnlisted ? PaidUnlistedPrice : Num(c.Price), Currency = c.Currency,
            FreeToAudit = c.FreeToAudit ? "true" : "false", Level = c.Level.ToKebab(), Language = c.Language,
            Certificate = c.Certificate ? "true" : "false", Rating = Num(c.Rating), RatingCount = c.RatingCount.ToString(CultureInfo.InvariantCulture),
            Status = c.Status.ToKebab(), Source = c.Source, AsOf = c.AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Skills = string.Join("; ", c.Skills.OrderBy(s => s.Skill.Slug, StringComparer.Ordinal).Select(s => $"{s.Skill.Slug}:{s.Level}")),
            Prerequisites = string.Join("; ", c.Prerequisites.OrderBy(s => s.Skill.Slug, StringComparer.Ordinal).Select(s => $"{s.Skill.Slug}:{s.MinLevel}")),
            PrerequisiteCourses = string.Join("; ", c.PrerequisiteCourses.Select(p => courseSlugsById.TryGetValue(p.RequiredCourseId, out var s) ? s : p.RequiredCourseId.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)),
            Sessions = string.Join("; ", c.Sessions.OrderBy(s => s.StartDate).Select(s => s.EndDate is { } end ? $"{s.StartDate:yyyy-MM-dd}..{end:yyyy-MM-dd}" : $"{s.StartDate:yyyy-MM-dd}")),
        };
    }
}
