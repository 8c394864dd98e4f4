using System.Globalization;
using CourseMatch.Catalog;
using CourseMatch.Learners;

namespace CourseMatch.Recommendations;

/// <summary>Plain-words reasons for a pick, built from the same facts the ranker's features come from.</summary>
public static class Reasons
{
    /// <param name="roleName">The name of the role the learner aims at, when their target came from one.</param>
    public static string[] For(LearnerProfile learner, CandidateCourse c, IReadOnlyDictionary<string, string> skillNames, string? placeName, string? roleName = null)
    {
        var reasons = new List<string>();
        string Name(string slug) => skillNames.TryGetValue(slug, out var n) ? n.ToLowerInvariant() is var l && l == "python programming" ? "Python" : n : slug;

        // Skills the tagger inferred are said as such, until a person reviews them.
        var (teaches, expects) = c.SkillsInferred ? ("Probably teaches", "Probably expects") : ("Teaches", "Expects");
        // What it teaches towards the learner's targets, most first; the target is named where the learner set one.
        int Gain(KeyValuePair<string, int> t) => learner.Gain(t.Key, t.Value);
        foreach (var (skill, taught) in c.Teaches.Where(t => Gain(t) > 0).OrderByDescending(Gain).Take(2))
        {
            var have = learner.Level(skill);
            var target = learner.Targets.GetValueOrDefault(skill);
            // A level the skills check measured is said as such: the learner can trust it, or check again.
            var now = learner.IsMeasured(skill) ? $"measured: level {have} in {Name(skill)}" : $"you are at {have}";
            reasons.Add(learner.Targets.Count == 0 ? $"{teaches} {Name(skill)} to level {taught}; {now}"
                : target <= have ? $"{teaches} {Name(skill)} to level {taught}: further than your target of {target}; {now}"
                : roleName is not null ? $"{teaches} {Name(skill)} to level {taught}; you want level {target} ({roleName}); {now}"
                : $"{teaches} {Name(skill)} to level {taught}; you want level {target}; {now}");
        }
        var unwanted = c.Teaches.Keys.Where(k => learner.Want(k) is null).Select(Name).ToList();
        var already = c.Teaches.Where(t => learner.Want(t.Key) is not null && Gain(t) == 0).Select(t => Name(t.Key)).ToList();
        if (already.Count > 0 && already.Count + unwanted.Count == c.Teaches.Count)
            reasons.Add($"Mostly revision: you already know {string.Join(" and ", already)} at this level");
        if (unwanted.Count > 0) reasons.Add($"Also covers {string.Join(" and ", unwanted)}, which you did not ask for");

        if (c.SkillsInferred) reasons.Add("Skills inferred from its description, not yet reviewed");
        if (c.Requires.Count == 0) reasons.Add("No prerequisites listed");
        else
        {
            var gaps = c.Requires.Where(r => learner.Level(r.Key) < r.Value).ToList();
            if (gaps.Count == 0) reasons.Add("You meet its prerequisites");
            else foreach (var (skill, min) in gaps.Take(2))
                reasons.Add($"{expects} {Name(skill)} at level {min}; you are at {learner.Level(skill)}");
        }

        if (c.IsFree) reasons.Add("Free");
        // Only a price of 0 makes a course free, so one without a price sits in a paid track: say why there.
        else if (c.Price is null) reasons.Add((c.FreeToAudit, c.PaidUnlisted) switch
        {
            (true, _) => "Free to audit; the certificate's price is not listed",
            (false, true) => "Paid; the price is not listed",
            (false, false) => "Price not listed by the provider; counted as paid",
        });
        else if (learner.BudgetAmount is decimal budget && c.PriceInBudgetCurrency is decimal inBudget)
        {
            var converted = c.Currency != learner.BudgetCurrency ? $" (about {Money(inBudget, learner.BudgetCurrency)} at an approximate exchange rate)" : "";
            var price = Money(c.Price.Value, c.Currency ?? "USD");
            reasons.Add(inBudget <= budget
                ? $"Within your {Money(budget, learner.BudgetCurrency)} budget: {price}{converted}"
                : $"Over your {Money(budget, learner.BudgetCurrency)} budget: {price}{converted}");
        }
        else reasons.Add($"Costs {Money(c.Price.Value, c.Currency ?? "USD")}");
        if (c.FreeToAudit && c.Price is > 0) reasons.Add("Free to audit without the certificate");

        var weekly = c.HoursPerWeek ?? (c.WeeklyHours is decimal w ? Math.Round(w, 1) : null);
        if (weekly is decimal h)
            reasons.Add(h <= learner.HoursPerWeek
                ? $"Fits {learner.HoursPerWeek} hours a week (needs about {Num(h)})"
                : $"Needs about {Num(h)} hours a week; you have {learner.HoursPerWeek}");
        else if (c.EffortHours is decimal total)
            reasons.Add($"About {Num(total)} hours in all: roughly {Math.Ceiling(total / Math.Max(1, learner.HoursPerWeek))} weeks at {learner.HoursPerWeek} hours a week");

        if (c.IsInPerson && c.DistanceKm is double km)
            reasons.Add(km < 5 ? $"In {c.City}" : $"{Math.Round(km):0} km from {placeName ?? learner.City}, in {c.City}");
        if (c.IsSelfPaced) reasons.Add("Self-paced: start any time");
        else if (c.NextSessionStart is DateOnly s) reasons.Add($"Next starts {s.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}");

        if (learner.Goal == Goal.CareerSwitch && c.Kind is CourseKind.Bootcamp or CourseKind.Program) reasons.Add("A structured program suits a career switch");
        if (learner.WantsCertificate && c.Certificate) reasons.Add("Gives a certificate");
        if (learner.WantsCertificate && !c.Certificate) reasons.Add("No certificate");
        return [.. reasons];
    }

    /// <summary>
    /// Money as the stored reasons write it ("$500", "£1,200", "30 CHF"). Reasons are sentences kept with the plan,
    /// written once when it is made, so they are worded here rather than by the page that shows them.
    /// </summary>
    internal static string Money(decimal amount, string currency) => currency switch
    {
        "USD" => "$" + amount.ToString("#,0.##", CultureInfo.InvariantCulture),
        "GBP" => "£" + amount.ToString("#,0.##", CultureInfo.InvariantCulture),
        "EUR" => "€" + amount.ToString("#,0.##", CultureInfo.InvariantCulture),
        _ => amount.ToString("#,0.##", CultureInfo.InvariantCulture) + " " + currency,
    };

    private static string Num(decimal d) => d.ToString("0.#", CultureInfo.InvariantCulture);
}
