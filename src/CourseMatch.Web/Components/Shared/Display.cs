using System.Globalization;
using CourseMatch.Catalog;
using CourseMatch.Recommendations;

namespace CourseMatch.Web.Components.Shared;

/// <summary>How prices, durations, places and enum values read to a person; every page, card and print view uses these.</summary>
public static class Display
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="paidUnlisted">Paid, but the catalog does not say how much (<paramref name="price"/> is then null).</param>
    public static string Price(decimal? price, string? currency, bool freeToAudit, bool paidUnlisted)
    {
        if (price is null) return (freeToAudit, paidUnlisted) switch
        {
            (true, true) => "Free to audit; paid certificate (price not listed)",
            (true, false) => "Free to audit; price not listed",
            (false, true) => "Paid (price not listed)",
            (false, false) => "Price not listed",
        };
        if (price == 0) return "Free";
        var amount = price.Value % 1 == 0 ? price.Value.ToString("#,0", Invariant) : price.Value.ToString("#,0.00", Invariant);
        var text = currency switch
        {
            "USD" => "$" + amount, "GBP" => "£" + amount, "EUR" => "€" + amount,
            _ => $"{amount} {currency}",
        };
        if (currency is "USD" or "GBP" or "EUR") text += " " + currency;
        return freeToAudit ? $"Free to audit · {text} with certificate" : text;
    }

    /// <summary>"6–8 weeks · 2–4 h/week · 1–2 hours in all": each part one number, or a range when its upper end is given.</summary>
    public static string Duration(int? weeks, int? weeksMax, decimal? hoursPerWeek, decimal? hoursPerWeekMax, decimal? totalHours, decimal? totalHoursMax)
    {
        var parts = new List<string>();
        if (weeks is int w) parts.Add(weeksMax is null && w == 1 ? "1 week" : $"{Span(w, weeksMax)} weeks");
        if (hoursPerWeek is decimal h) parts.Add($"{Span(h, hoursPerWeekMax)} h/week");
        if (totalHours is decimal t) parts.Add(totalHoursMax is null && t == 1 ? "1 hour in all" : $"{Span(t, totalHoursMax)} hours in all");
        return parts.Count == 0 ? "Duration not listed" : string.Join(" · ", parts);
    }

    /// <summary>"2–4" with an en dash, as ranges are printed; the low end alone without a high one.</summary>
    private static string Span(decimal low, decimal? high) => high is decimal h ? $"{Num(low)}–{Num(h)}" : Num(low);

    public static string Place(string? city, string? region, string? country) =>
        string.Join(", ", new[] { city, region, country }.Where(s => !string.IsNullOrWhiteSpace(s)));

    public static string Num(decimal d) => d % 1 == 0 ? d.ToString("0", Invariant) : d.ToString("0.#", Invariant);

    public static string Rating(decimal? rating, int count) =>
        rating is null ? "Not rated" : $"{rating.Value.ToString("0.0", Invariant)} / 5" + (count > 0 ? $" ({Count(count, "rating")})" : "");

    /// <summary>An estimate rounded to what it can claim, two significant figures: 310,000; 48,000; 1,900.</summary>
    public static string About(int n)
    {
        if (n < 100) return n.ToString("#,0", Invariant);
        var unit = (int)Math.Pow(10, (int)Math.Floor(Math.Log10(n)) - 1);
        return (Math.Round((double)n / unit) * unit).ToString("#,0", Invariant);
    }

    /// <summary>"1 course", "1,204 courses": a number and a noun that agrees with it (the nouns used take an s).</summary>
    public static string Count(int n, string noun) => $"{n.ToString("#,0", Invariant)} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>"4 March 2027": how a day reads in sentences.</summary>
    public static string Day(DateOnly day) => day.ToString("d MMMM yyyy", Invariant);
    public static string Day(DateTimeOffset at) => at.ToString("d MMMM yyyy", Invariant);

    /// <summary>"4 Mar 2027": a day in lists and tables.</summary>
    public static string ShortDay(DateOnly day) => day.ToString("d MMM yyyy", Invariant);

    /// <summary>"4 Mar 2027, 14:05 UTC": when something happened, for people.</summary>
    public static string When(DateTimeOffset at) => at.ToString("d MMM yyyy, HH:mm", Invariant) + " UTC";

    /// <summary>"2027-03-04 14:05 UTC": a timestamp in the admin's tables, sortable at a glance.</summary>
    public static string Stamp(DateTimeOffset at, bool seconds = false) =>
        at.UtcDateTime.ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", Invariant) + " UTC";

    /// <summary>"In person · $3,950 USD · New York City, US": the facts line of a plan's pick.</summary>
    public static string PickFacts(CourseFormat format, decimal? price, string? currency, bool freeToAudit, bool paidUnlisted, string? city, string? country) =>
        string.Join(" · ", new[] { format.Label(), Price(price, currency, freeToAudit, paidUnlisted), city is null ? null : Place(city, null, country) }.Where(s => s is not null));

    public static string PickFacts(PlanItem i) => PickFacts(i.Format, i.Price, i.Currency, i.FreeToAudit, i.PaidUnlisted, i.City, i.Country);

    /// <summary>"confidence 82%": the tagger's confidence in a course's inferred skills; empty when it gave none.</summary>
    public static string Confidence(decimal? confidence) => confidence is decimal c ? $"confidence {Percent((double)c)}" : "";

    /// <summary>"82%": a share from 0 to 1 (a confidence, a similarity), rounded to a whole percent.</summary>
    public static string Percent(double share) => $"{Math.Round(share * 100, MidpointRounding.AwayFromZero).ToString("0", Invariant)}%";

    // Every member is named: an unmapped new member is a build error (CS8509), see Directory.Build.props.
    public static string Label(this CourseFormat f) => f switch
    {
        CourseFormat.InPerson => "In person",
        CourseFormat.Online => "Online",
        CourseFormat.Hybrid => "Hybrid",
    };

    public static string Label(this Pacing p) => p switch
    {
        Pacing.SelfPaced => "Self-paced",
        Pacing.Scheduled => "Scheduled",
    };

    public static string Label(this CourseLevel l) => l switch
    {
        CourseLevel.Beginner => "Beginner",
        CourseLevel.Intermediate => "Intermediate",
        CourseLevel.Advanced => "Advanced",
        CourseLevel.All => "All levels",
    };
}
