using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Web.Components.Shared;

namespace CourseMatch.Web.Features.Admin.Courses;

public sealed record Option(string Value, string Label);

/// <summary>What the edit form offers to choose from, read once per page.</summary>
public sealed record CourseChoices(IReadOnlyList<Option> Providers, IReadOnlyList<Option> Skills)
{
    public static readonly CourseChoices Empty = new([], []);
}

/// <summary>How the edit form lays out the record's fields: label, input kind, hint, choices.</summary>
public sealed record FieldSpec(string Key, string Label, string Input = "text", string? Hint = null, IReadOnlyList<Option>? Options = null, bool Wide = false);

public static class CourseFields
{
    private static List<Option> Enum<T>(Func<T, string>? label = null) where T : struct, System.Enum =>
        System.Enum.GetValues<T>().Select(v => new Option(v.ToKebab(), label?.Invoke(v) ?? Sentence(v.ToKebab()))).ToList();

    private static string Sentence(string kebab)
    {
        var s = kebab.Replace('-', ' ');
        return char.ToUpperInvariant(s[0]) + s[1..];
    }

    public static readonly IReadOnlyList<Option> Kinds = Enum<CourseKind>();
    public static readonly IReadOnlyList<Option> Formats = Enum<CourseFormat>(f => f.Label());
    public static readonly IReadOnlyList<Option> Pacings = Enum<Pacing>(p => p.Label());
    public static readonly IReadOnlyList<Option> Levels = Enum<CourseLevel>(l => l.Label());
    public static readonly IReadOnlyList<Option> Statuses = Enum<CourseStatus>();

    private const string RangeHint = "A number, or a range like 2-4.";

    /// <summary>The form's sections, in order. "provider" takes its options from <see cref="CourseChoices"/>.</summary>
    public static IReadOnlyList<(string Legend, IReadOnlyList<FieldSpec> Fields)> Sections(CourseChoices choices) =>
    [
        ("What it is", [
            new("title", "Title", Wide: true),
            new("slug", "Slug (address)", Hint: "Lower-case letters, digits and hyphens: the public page is /courses/<slug>."),
            new("provider", "Provider", "select", Options: choices.Providers),
            new("kind", "Kind", "select", Options: Kinds),
            new("level", "Level", "select", Options: Levels),
            new("language", "Language", Hint: "Two-letter ISO 639-1 code, like en."),
            new("summary", "Summary", "textarea", "One or two sentences for the catalog card.", Wide: true),
            new("description", "Description", "textarea", "Markdown; raw HTML is not shown.", Wide: true),
            new("url", "Course web address", "url", "The full address, starting with https://.", Wide: true),
        ]),
        ("Format and place", [
            new("format", "Format", "select", Options: Formats),
            new("pacing", "Pacing", "select", Options: Pacings),
            new("city", "City", Hint: "Required for in-person and hybrid courses; a city of 15,000+ people."),
            new("region", "Region"),
            new("country", "Country", Hint: "Two-letter ISO 3166 code, like GB or US."),
            new("sessions", "Sessions", Hint: "Start dates or ranges, separated by semicolons: 2027-01-11..2027-03-05; 2027-09-06.", Wide: true),
        ]),
        // Plain text, not "number": a range ("2-4") and "paid" need the hyphen and letters a numeric keypad lacks.
        ("Time", [
            new("durationWeeks", "Duration in weeks", Hint: RangeHint),
            new("hoursPerWeek", "Hours a week", Hint: RangeHint),
            new("totalHours", "Total hours", Hint: $"{RangeHint} Give either total hours or weeks and hours a week."),
        ]),
        ("Price", [
            new("price", "Price", Hint: $"0 for free; \"{CourseRecord.PaidUnlistedPrice}\" when it is paid but the price is not listed; leave empty when unknown."),
            new("currency", "Currency", Hint: "Three-letter ISO 4217 code, like USD, EUR or GBP."),
            new("freeToAudit", "Free to audit", "checkbox"),
            new("certificate", "Certificate on completion", "checkbox"),
        ]),
        ("Skills", [
            new("skills", "Skills taught", Hint: "skill:level reached (1–4), separated by semicolons, e.g. \"linear-algebra:2; calculus:1\".", Wide: true),
            new("prerequisites", "Skills required", Hint: "skill:minimum level (1–4), e.g. \"python:1\".", Wide: true),
            new("prerequisiteCourses", "Courses required", Hint: "Course slugs separated by semicolons, e.g. \"mit-ocw-18-01-single-variable-calculus\".", Wide: true),
        ]),
        ("Source and rating", [
            new("source", "Source", Hint: "Where these facts come from (a web address or a note).", Wide: true),
            new("asOf", "Facts checked on", "date"),
            new("rating", "Rating", "number", "0 to 5."),
            new("ratingCount", "Number of ratings", "number"),
        ]),
    ];

    /// <summary>Every field's label, for the conflict comparison and messages.</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels =
        Sections(CourseChoices.Empty).SelectMany(s => s.Fields).ToDictionary(f => f.Key, f => f.Label)
            .Append(KeyValuePair.Create("status", "Status")).ToDictionary();

    public static string Label(string field) => Labels.TryGetValue(field, out var l) ? l : field;
}
