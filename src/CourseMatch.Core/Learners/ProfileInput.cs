using System.Globalization;
using CourseMatch.Catalog;

namespace CourseMatch.Learners;

/// <summary>
/// The questionnaire's answers as they arrive (API JSON or the /match form), before they are trusted.
/// <see cref="Validate"/> names each bad field the way the API reports it: "skills.linear-algebra", "budget.amount", ...
/// </summary>
public sealed class ProfileInput
{
    public const decimal MaxBudget = 1_000_000;
    public const int MaxCityLength = Limits.City;
    public const int MaxStartWithinWeeks = 104;

    /// <summary>Skill slug → self-rated level; a skill of the taxonomy that is left out counts as 0.</summary>
    public Dictionary<string, int> Skills { get; set; } = [];
    public string? Goal { get; set; }
    public decimal? BudgetAmount { get; set; }
    public string BudgetCurrency { get; set; } = "USD";
    public bool BudgetStrict { get; set; }
    public string Format { get; set; } = "any";
    public string? City { get; set; }
    public string? Country { get; set; }
    public int RadiusKm { get; set; } = 50;
    public int HoursPerWeek { get; set; } = 5;
    public int StartWithinWeeks { get; set; } = 12;
    public string Pacing { get; set; } = "any";
    public string Language { get; set; } = "en";
    public bool WantsCertificate { get; set; }
    /// <summary>The role aimed at (a slug); without it and without <see cref="TargetLevels"/>, the goal's default role.</summary>
    public string? TargetRole { get; set; }
    /// <summary>Target levels set by hand (null: not interested); with a role they override its levels, alone they are the whole target.</summary>
    public Dictionary<string, int?>? TargetLevels { get; set; }

    /// <summary>
    /// Skill slug → the token of a finished skills check for it. The check's level is stored with the answers as measured
    /// (<see cref="LearnerProfile.Measured"/>); <see cref="Skills"/> says which level the plan uses (the page sets it to
    /// the measured one when the learner accepts it).
    /// </summary>
    public Dictionary<string, string>? Checks { get; set; }

    public bool WantsInPerson => Format == "in-person";

    /// <summary>Every problem with the answers, keyed by field; empty when they can be used.</summary>
    public Dictionary<string, string[]> Validate(SkillTaxonomy taxonomy)
    {
        var errors = ValidateAnswers();
        foreach (var skill in Skills.Keys.Where(s => !taxonomy.Contains(s)))
            errors[$"skills.{skill}"] = [$"'{skill}' is not one of the skills: {string.Join(", ", taxonomy.Slugs)}."];
        if (TargetRole is not null && taxonomy.Role(TargetRole) is null)
            errors["target.role"] = [$"'{Echoed.Short(TargetRole)}' is not a role; use one of: {string.Join(", ", taxonomy.Roles.Select(r => r.Slug))}."];
        foreach (var skill in (TargetLevels ?? []).Keys.Where(s => !taxonomy.Contains(s)))
            errors[$"target.levels.{Echoed.Short(skill)}"] = [$"'{Echoed.Short(skill)}' is not one of the skills: {string.Join(", ", taxonomy.Slugs)}."];
        if (errors.Count == 0 && Targets(taxonomy) is { Count: > 0 } targets && targets.Values.All(t => t is null))
            errors["target"] = ["Pick at least one skill you want to learn."];
        return errors;
    }

    /// <summary>
    /// The problems that need no catalog to find: every answer but whether each skill exists. The questionnaire checks
    /// these as the learner types; its skills come from the taxonomy, which <see cref="Validate"/> checks on submit.
    /// </summary>
    public Dictionary<string, string[]> ValidateAnswers()
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        foreach (var (skill, level) in Skills.Where(s => s.Value is < 0 or > Skill.MaxLevel))
            Fail($"skills.{skill}", $"Pick a level from 0 (new to it) to {Skill.MaxLevel} (expert).");
        if (Goal is null) Fail("goal", "Choose a goal: career-switch, upskill, academic or curiosity.");
        else if (!EnumText.TryParse<Goal>(Goal, out _)) Fail("goal", $"'{Goal}' is not a goal; use career-switch, upskill, academic or curiosity.");
        if (BudgetAmount is < 0) Fail("budget.amount", "The budget cannot be negative.");
        else if (BudgetAmount is > MaxBudget) Fail("budget.amount", $"The budget must be at most {MaxBudget:#,0}.");
        if (BudgetCurrency is not { Length: 3 } || !BudgetCurrency.All(char.IsAsciiLetterUpper))
            Fail("budget.currency", "Use a three-letter currency code such as USD, EUR or GBP.");
        if (!EnumText.TryParse<FormatPreference>(Format, out _)) Fail("format", "Choose in-person, online or any.");
        if (WantsInPerson || !string.IsNullOrWhiteSpace(City))
        {
            if (string.IsNullOrWhiteSpace(City)) Fail("location.city", "Tell us the city you would travel from for in-person courses.");
            else if (City.Length > MaxCityLength) Fail("location.city", $"The city name is too long (at most {MaxCityLength} characters).");
            if (Country is not { Length: 2 } || !Country.All(char.IsAsciiLetter)) Fail("location.country", "Use a two-letter country code such as US, GB or DE.");
        }
        if (RadiusKm is < 1 or > LearnerProfile.MaxRadiusKm) Fail("location.radiusKm", $"The travel radius must be between 1 and {LearnerProfile.MaxRadiusKm:#,0} km.");
        if (HoursPerWeek is < 1 or > LearnerProfile.MaxHoursPerWeek) Fail("hoursPerWeek", $"Hours a week must be between 1 and {LearnerProfile.MaxHoursPerWeek}.");
        if (StartWithinWeeks is < 0 or > MaxStartWithinWeeks) Fail("startWithinWeeks", $"When you want to start must be between 0 and {MaxStartWithinWeeks} weeks from now.");
        if (!EnumText.TryParse<PacingPreference>(Pacing, out _)) Fail("pacing", "Choose self-paced, scheduled or any.");
        if (Language is not { Length: 2 } || !Language.All(char.IsAsciiLetterLower)) Fail("language", "Use a two-letter language code such as en.");
        foreach (var (skill, level) in (TargetLevels ?? []).Where(t => t.Value is < 0 or > Skill.MaxLevel))
            Fail($"target.levels.{Echoed.Short(skill)}", $"Pick a target level from 0 to {Skill.MaxLevel}, or null for not interested.");
        if (TargetLevels is { Count: > 100 }) Fail("target.levels", "Give at most one target level per skill.");
        if (Checks is { Count: > 100 }) Fail("checks", "Give at most one skills check per skill.");
        return errors;
    }

    /// <summary>
    /// The target level per skill of the taxonomy (null: not interested): the role's levels (the goal's default role when
    /// neither a role nor levels were given), overridden by the levels set by hand. Empty when the role is not in the
    /// catalog (plans then want every skill, as before targets).
    /// </summary>
    public Dictionary<string, int?> Targets(SkillTaxonomy taxonomy)
    {
        var roleSlug = TargetRole ?? (TargetLevels is null ? DefaultRole() : null);
        var role = taxonomy.Role(roleSlug);
        if (role is null && TargetLevels is null) return [];
        return taxonomy.Skills.ToDictionary(s => s.Slug, s =>
            TargetLevels is not null && TargetLevels.TryGetValue(s.Slug, out var set) ? set
            : role?.Targets.GetValueOrDefault(s.Slug)?.Level);
    }

    private string DefaultRole() => Learners.TargetRole.DefaultFor(EnumText.TryParse<Goal>(Goal, out var g) ? g : Learners.Goal.Curiosity);

    /// <summary>The role the target came from (given, or the goal's default), when it exists.</summary>
    public string? RoleOf(SkillTaxonomy taxonomy) => taxonomy.Role(TargetRole ?? (TargetLevels is null ? DefaultRole() : null))?.Slug;

    /// <summary>The trusted profile, with a level for every skill of the taxonomy; call only when <see cref="Validate"/> found nothing.</summary>
    public LearnerProfile ToProfile(SkillTaxonomy taxonomy) => new()
    {
        Skills = taxonomy.Complete(Skills),
        Goal = EnumText.TryParse<Goal>(Goal, out var g) ? g : Learners.Goal.Curiosity,
        BudgetAmount = BudgetAmount,
        BudgetCurrency = BudgetCurrency,
        BudgetStrict = BudgetStrict && BudgetAmount is not null,
        Format = EnumText.TryParse<FormatPreference>(Format, out var f) ? f : FormatPreference.Any,
        City = string.IsNullOrWhiteSpace(City) ? null : City.Trim(),
        Country = string.IsNullOrWhiteSpace(Country) ? null : Country.Trim().ToUpperInvariant(),
        RadiusKm = RadiusKm,
        HoursPerWeek = HoursPerWeek,
        StartWithinWeeks = StartWithinWeeks,
        Pacing = EnumText.TryParse<PacingPreference>(Pacing, out var p) ? p : PacingPreference.Any,
        Language = Language,
        WantsCertificate = WantsCertificate,
        TargetRole = RoleOf(taxonomy),
        Targets = Targets(taxonomy),
    };

    /// <summary>Stored answers as the form edits them, with every skill the taxonomy has now.</summary>
    public static ProfileInput FromProfile(LearnerProfile p, SkillTaxonomy taxonomy) => new()
    {
        Skills = taxonomy.Complete(p.Skills),
        Goal = p.Goal.ToKebab(), BudgetAmount = p.BudgetAmount, BudgetCurrency = p.BudgetCurrency, BudgetStrict = p.BudgetStrict,
        Format = p.Format.ToKebab(), City = p.City, Country = p.Country, RadiusKm = p.RadiusKm, HoursPerWeek = p.HoursPerWeek,
        StartWithinWeeks = p.StartWithinWeeks, Pacing = p.Pacing.ToKebab(), Language = p.Language, WantsCertificate = p.WantsCertificate,
        TargetRole = p.TargetRole,
        Checks = p.Measured.Count == 0 ? null : p.Measured.Where(m => m.Value.Check is not null).ToDictionary(m => m.Key, m => m.Value.Check!),
        // A role's levels are not repeated as hand-set ones; answers from before targets keep none (the goal's role then).
        TargetLevels = p.Targets.Count == 0 || (p.TargetRole is not null && taxonomy.Role(p.TargetRole) is { } role
            && p.Targets.All(t => role.Targets.GetValueOrDefault(t.Key)?.Level == t.Value)) ? null : new(p.Targets),
    };
}
