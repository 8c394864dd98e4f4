using System.Globalization;
using CourseMatch.Catalog;
using CourseMatch.Learners;

namespace CourseMatch.Web.Components.Shared.Questionnaire;

/// <summary>
/// The questionnaire's three steps: which answers each one asks for, and the choices its lists offer.
/// The page and the step components share this so "Next is blocked" and "the message beside the field" agree.
/// </summary>
public static class MatchSteps
{
    public const int Count = 3;

    public static string Title(int step) => step switch { 1 => "Your skills", 2 => "Your goal", _ => "What fits your life" };

    public static string Intro(int step) => step switch
    {
        1 => "For each subject, pick the sentence that sounds most like you today. Be honest: it decides where your plan starts.",
        2 => "What you want from learning, and where you want to get: we close the gaps that matter for your target first.",
        _ => "Money, time and place. We only suggest courses that fit these.",
    };

    public static bool Asks(int step, string field) => step switch
    {
        1 => field.StartsWith("skills.", StringComparison.Ordinal),
        2 => field == "goal" || field.StartsWith("target", StringComparison.Ordinal),
        _ => !field.StartsWith("skills.", StringComparison.Ordinal) && field != "goal" && !field.StartsWith("target", StringComparison.Ordinal),
    };

    /// <summary>The step that asks for <paramref name="field"/>, so a service error can send the learner back to it.</summary>
    public static int StepOf(string field) => Enumerable.Range(1, Count).First(s => Asks(s, field));

    /// <summary>Whether the location fields are shown: in-person or either, never for online only.</summary>
    public static bool AsksLocation(ProfileInput answers) => answers.Format != "online";

    /// <summary>
    /// The answers as they are sent: a city typed earlier and then hidden by choosing "online" is not sent, so a field
    /// the learner cannot see never blocks them; and only the skills checks in <paramref name="finished"/> are sent (one
    /// left half-way is as if it had not been started, and stays in the draft).
    /// </summary>
    public static ProfileInput ForSubmit(ProfileInput a, IReadOnlyDictionary<string, SkillChecks.CheckView>? finished = null) => new()
    {
        Skills = new(a.Skills), Goal = a.Goal, BudgetAmount = a.BudgetAmount, BudgetCurrency = a.BudgetCurrency,
        BudgetStrict = a.BudgetStrict, Format = a.Format, City = AsksLocation(a) ? a.City : null, Country = AsksLocation(a) ? a.Country : null,
        RadiusKm = a.RadiusKm, HoursPerWeek = a.HoursPerWeek, StartWithinWeeks = a.StartWithinWeeks, Pacing = a.Pacing, Language = a.Language,
        WantsCertificate = a.WantsCertificate, TargetRole = a.TargetRole, TargetLevels = a.TargetLevels is null ? null : new(a.TargetLevels),
        Checks = a.Checks?.Where(c => finished is not null && finished.TryGetValue(c.Key, out var v) && v.Token == c.Value)
            .ToDictionary(c => c.Key, c => c.Value),
    };

    /// <summary>The finished checks among the answers' tokens, read back from the server into <paramref name="into"/> (after a reload, or for stored answers).</summary>
    public static async Task ReadChecksAsync(SkillChecks.SkillChecker checker, ProfileInput answers, Dictionary<string, SkillChecks.CheckView> into)
    {
        foreach (var (skill, token) in answers.Checks ?? [])
            if (await checker.GetAsync(token) is { Done: true } done && done.Skill == skill) into[skill] = done;
    }

    /// <summary>The problems with one step's answers, keyed like the API ("hoursPerWeek", "location.city").</summary>
    public static Dictionary<string, string[]> Errors(ProfileInput answers, int step) =>
        ForSubmit(answers).ValidateAnswers().Where(e => Asks(step, e.Key))
            .ToDictionary(e => e.Key, e => FormWording.TryGetValue(e.Key, out var text) ? [text] : e.Value);

    /// <summary>
    /// The API's messages name codes ("career-switch", "two-letter country code"); on the form the learner picks
    /// from labelled choices, so these say it in the form's words.
    /// </summary>
    private static readonly Dictionary<string, string> FormWording = new()
    {
        ["goal"] = "Choose the goal that fits you best.",
        ["location.country"] = "Choose the country your city is in.",
    };

    public static readonly string[] Titles = [.. Enumerable.Range(1, Count).Select(Title)];

    /// <summary>The id of the input an error summary links to for a field key.</summary>
    public static string InputId(string field) => field switch
    {
        _ when field.StartsWith("skills.", StringComparison.Ordinal) => $"skill-{field["skills.".Length..]}-0",
        "goal" => "goal-career-switch",
        "target" or "target.role" or "target.levels" => "target-role",
        _ when field.StartsWith("target.levels.", StringComparison.Ordinal) => $"target-{field["target.levels.".Length..]}",
        "budget.amount" => "budget-amount", "budget.currency" => "budget-currency", "format" => "format-in-person",
        "location.city" => "city", "location.country" => "country", "location.radiusKm" => "radius",
        "hoursPerWeek" => "hours", "startWithinWeeks" => "start", "pacing" => "pacing-self-paced", "language" => "language",
        _ => "main",
    };

    /// <summary>What the questionnaire needs from the catalog: the skills with their descriptors, and the currencies we can convert.</summary>
    public sealed record Choices(List<Skill> Skills, List<string> Currencies, List<TargetRole> Roles)
    {
        /// <summary>Read for /match and for an advisor's copy of the questionnaire alike.</summary>
        public static async Task<Choices> LoadAsync(CatalogReader catalog)
        {
            var taxonomy = await catalog.SkillsAsync();
            var currencies = await catalog.CurrenciesAsync();
            return new([.. taxonomy.Skills], [.. OrderCurrencies(currencies.Append("USD"))], [.. taxonomy.Roles]);
        }
    }

    /// <summary>A draft kept in the browser's session storage: survives a reload or a lost connection.</summary>
    public sealed record Draft(int Step, ProfileInput Answers);

    /// <summary>
    /// Repairs a draft read back from the browser, which the learner (or an old version) could have changed: it rates
    /// exactly the skills the catalog has now, so a skill added since is asked for and a removed one is dropped.
    /// </summary>
    public static Draft Sanitize(Draft draft, IReadOnlyList<Skill> skills)
    {
        var answers = draft.Answers ?? new ProfileInput();
        var given = answers.Skills ?? [];
        answers.Skills = skills.ToDictionary(s => s.Slug, s => Math.Clamp(given.GetValueOrDefault(s.Slug), 0, Skill.MaxLevel));
        answers.BudgetCurrency ??= "USD";
        answers.Format ??= "any";
        answers.Pacing ??= "any";
        answers.Language ??= "en";
        answers.Checks = answers.Checks?.Where(c => skills.Any(s => s.Slug == c.Key) && c.Value is { Length: > 0 and <= SkillChecks.SkillChecker.MaxTokenLength })
            .ToDictionary(c => c.Key, c => c.Value);
        answers.TargetLevels = answers.TargetLevels is null ? null
            : skills.ToDictionary(s => s.Slug, s => answers.TargetLevels.GetValueOrDefault(s.Slug) is int l ? Math.Clamp(l, 0, Skill.MaxLevel) : (int?)null);
        return new(Math.Clamp(draft.Step, 1, Count), answers);
    }

    public sealed record Option(string Value, string Label, string? Hint = null);

    public static readonly Option[] Goals =
    [
        new("career-switch", "Switch careers", "Move into a data science or machine learning role. Cohorts, projects and certificates count."),
        new("upskill", "Upskill in my current role", "Bring the maths behind ML into the job you already have."),
        new("academic", "Prepare for academic study", "Get ready for a degree, a PhD or research that leans on this maths."),
        new("curiosity", "Out of curiosity", "Learn it for its own sake, at a pace that suits you."),
    ];

    public static readonly Option[] Formats =
    [
        new("in-person", "In person", "Classrooms and cohorts near you"),
        new("online", "Online", "Learn from anywhere"),
        new("any", "Either", "Show me both"),
    ];

    public static readonly Option[] Pacings =
    [
        new("self-paced", "Self-paced", "Start any time, go at my speed"),
        new("scheduled", "Scheduled", "Fixed dates, learning with a group"),
        new("any", "Either", "Both are fine"),
    ];

    public static readonly Option[] StartWindows =
    [
        new("2", "Within 2 weeks"), new("4", "Within a month"), new("12", "Within 3 months"),
        new("26", "Within 6 months"), new("52", "Within a year"),
    ];

    /// <summary>Languages a learner may ask for; a language no course is taught in gives empty tracks that say so.</summary>
    public static readonly Option[] LanguageOptions =
        new[] { "en", "de", "fr", "es", "pt", "it", "nl", "pl", "sv", "tr", "ru", "ar", "hi", "zh", "ja", "ko" }
            .Select(code => new Option(code, Languages.Name(code))).ToArray();

    /// <summary>Countries by English name, from the runtime's region data (ISO 3166 two-letter codes).</summary>
    public static readonly Option[] Countries = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name); } catch (ArgumentException) { return null; } })
        .OfType<RegionInfo>()
        .Where(r => r.TwoLetterISORegionName.Length == 2 && r.TwoLetterISORegionName.All(char.IsAsciiLetterUpper))
        .DistinctBy(r => r.TwoLetterISORegionName)
        .Select(r => new Option(r.TwoLetterISORegionName, r.EnglishName))
        .OrderBy(o => o.Label, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The common currencies first, then the rest of those we have exchange rates for.</summary>
    public static IReadOnlyList<string> OrderCurrencies(IEnumerable<string> known)
    {
        string[] common = ["USD", "EUR", "GBP"];
        var all = known.ToHashSet();
        return common.Where(all.Contains).Concat(all.Except(common).Order(StringComparer.Ordinal)).ToList();
    }
}
