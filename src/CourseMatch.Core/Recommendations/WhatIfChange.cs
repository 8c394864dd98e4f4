using System.Globalization;
using CourseMatch.Catalog;
using CourseMatch.Learners;

namespace CourseMatch.Recommendations;

/// <summary>
/// One answer changed on a plan, to see what the plan would be: the budget, the hours a week, the format, or the target
/// in one skill. A change is applied to the answers as the questionnaire holds them (<see cref="ProfileInput"/>), so it is
/// checked by the same rules and reported under the same field names.
/// </summary>
public abstract record WhatIfChange
{
    /// <summary>The answer the change is made to, as errors name it ("budget.amount", "hoursPerWeek", ...).</summary>
    public abstract string Field { get; }

    internal abstract void ApplyTo(ProfileInput input, SkillTaxonomy taxonomy);

    /// <summary>The change as the start of a sentence: "With a budget of $300".</summary>
    internal abstract string Phrase(LearnerProfile before, SkillTaxonomy taxonomy);
}

/// <summary>A new budget amount (in the answers' currency), or none at all.</summary>
public sealed record BudgetChange(decimal? Amount) : WhatIfChange
{
    public override string Field => "budget.amount";

    internal override void ApplyTo(ProfileInput input, SkillTaxonomy taxonomy) => input.BudgetAmount = Amount;

    internal override string Phrase(LearnerProfile before, SkillTaxonomy taxonomy) =>
        Amount is decimal a ? $"With a budget of {Reasons.Money(a, before.BudgetCurrency)}" : "Without a budget";
}

public sealed record HoursChange(int HoursPerWeek) : WhatIfChange
{
    public override string Field => "hoursPerWeek";

    internal override void ApplyTo(ProfileInput input, SkillTaxonomy taxonomy) => input.HoursPerWeek = HoursPerWeek;

    internal override string Phrase(LearnerProfile before, SkillTaxonomy taxonomy)
    {
        var more = HoursPerWeek - before.HoursPerWeek;
        return more switch
        {
            > 0 => $"With {more} more hour{(more == 1 ? "" : "s")} a week",
            < 0 => $"With {-more} fewer hour{(more == -1 ? "" : "s")} a week",
            _ => $"With {HoursPerWeek} hours a week",
        };
    }
}

/// <summary>in-person, online or any.</summary>
public sealed record FormatChange(string Format) : WhatIfChange
{
    public override string Field => "format";

    internal override void ApplyTo(ProfileInput input, SkillTaxonomy taxonomy) => input.Format = Format;

    internal override string Phrase(LearnerProfile before, SkillTaxonomy taxonomy) => Format switch
    {
        "in-person" => "With in-person courses only",
        "online" => "With online courses only",
        _ => "With courses in any format",
    };
}

/// <summary>The level wanted in one skill, or null for "not interested".</summary>
public sealed record TargetChange(string Skill, int? Level) : WhatIfChange
{
    public override string Field => $"target.levels.{Skill}";

    internal override void ApplyTo(ProfileInput input, SkillTaxonomy taxonomy)
    {
        // Answers that name no role aim at the goal's role: name it, so the one level set by hand overrides only itself.
        if (input.TargetRole is null && input.TargetLevels is null) input.TargetRole = input.RoleOf(taxonomy);
        input.TargetLevels = new Dictionary<string, int?>(input.TargetLevels ?? []) { [Skill] = Level };
    }

    internal override string Phrase(LearnerProfile before, SkillTaxonomy taxonomy)
    {
        var name = taxonomy.Names.GetValueOrDefault(Skill, Skill);
        return Level is int level
            ? $"Aiming for level {level.ToString(CultureInfo.InvariantCulture)} in {name}"
            : $"Without {name}";
    }
}
