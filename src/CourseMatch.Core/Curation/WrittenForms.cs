using System.Buffers;
using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using CourseMatch.Catalog;

namespace CourseMatch.Curation;

/// <summary>What one cell means: our fields in their canonical text form (as CourseRecord holds them), or why it cannot be read.</summary>
/// <param name="Fields">Our field → its canonical text; empty when the cell says nothing we store.</param>
/// <param name="Error">One sentence quoting the value and saying what to write instead; it does not name the field.</param>
public sealed record Reading(IReadOnlyDictionary<string, string?> Fields, string? Error)
{
    /// <summary>An empty cell, or one that states nothing we store ("Self-paced" as a duration): change nothing.</summary>
    public static readonly Reading Nothing = new(FieldValues.Empty, null);
}

/// <summary>One documented form: what a file writes in a field, and what we store for it.</summary>
/// <param name="Means">The stored fields in words, such as "price 1481, currency USD".</param>
public sealed record FormExample(string Field, string Written, string Means, IReadOnlyDictionary<string, string?> Fields);

/// <summary>
/// Values as real catalogs write them ("$1,481.00", "8 weeks, 1-2 hours a week", "Beginner Level", "Español",
/// "23rd Sep, 2024"), read into the text forms <see cref="CourseRules.Check"/> accepts. Pure and allocation-light: a
/// 100,000-row import reads about 1.5 million cells.
/// </summary>
/// <remarks>
/// Canonical forms: numbers invariant with at most two decimals and no grouping; ranges "1-2" (low first; equal ends
/// are one number, and a range never collapses to its upper end); booleans "true"/"false"; enums in kebab case; dates
/// "yyyy-MM-dd"; a language as its ISO 639-1 code; a country as its ISO 3166 code; a currency as its ISO 4217 code;
/// price "paid" for a paid course whose catalog does not say how much.
/// </remarks>
public static partial class WrittenForms
{
    /// <summary>The fields a mapping may fill: CourseRecord.Fields plus the virtual fields below.</summary>
    /// <remarks>
    /// sourceId is the feed's own id; duration is one free-text column that fills weeks, hours a week and total hours;
    /// startDate fills sessions (or pacing, for "On-Demand"); isPaid fills nothing directly, the importer decides.
    /// </remarks>
    public static readonly string[] VirtualFields = ["sourceId", "duration", "startDate", "isPaid"];

    /// <summary>The cell <paramref name="raw"/> of <paramref name="field"/> in our canonical forms, or one clear refusal.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The field is not one of CourseRecord.Fields or <see cref="VirtualFields"/>.</exception>
    public static Reading Read(string field, string? raw)
    {
        // An unknown field is a mistake in the caller, not in the file: it throws even for an empty cell.
        if (!FormsByField.TryGetValue(field, out var form))
            throw new ArgumentOutOfRangeException(nameof(field), field, "Not a field a mapping can fill.");
        if (string.IsNullOrWhiteSpace(raw)) return Reading.Nothing;

        var text = raw.AsSpan().Trim();
        // "N/A" in a typed field means unknown; in a title or a description it is what the text says.
        if (form != Form.Text && NotStated.Contains(text)) return Reading.Nothing;
        return form switch
        {
            Form.Text => One(field, raw.Trim()),
            Form.Price => ReadPrice(text),
            Form.Currency => ReadCurrency(text),
            Form.Duration => ReadDuration(text, DurationTarget.Any),
            Form.DurationWeeks => ReadDuration(text, DurationTarget.Weeks),
            Form.HoursPerWeek => ReadDuration(text, DurationTarget.HoursPerWeek),
            Form.TotalHours => ReadDuration(text, DurationTarget.TotalHours),
            Form.Level => Keyword(LevelWords, text) ?? Refuse(text, LevelAdvice),
            Form.Kind => Keyword(KindWords, text) ?? Refuse(text, KindAdvice),
            Form.Format => Keyword(FormatWords, text) ?? Refuse(text, FormatAdvice),
            Form.Pacing => Keyword(PacingWords, text) ?? Refuse(text, PacingAdvice),
            Form.Status => Keyword(StatusWords, text) ?? Refuse(text, StatusAdvice),
            Form.FreeToAudit => Keyword(FreeToAuditWords, text) ?? Refuse(text, BooleanAdvice),
            Form.Certificate => Keyword(CertificateWords, text) ?? Refuse(text, BooleanAdvice),
            Form.IsPaid => Keyword(IsPaidWords, text) ?? Refuse(text, "is not paid or free; write paid, free, true or false"),
            Form.Language => ReadLanguage(text),
            Form.Country => ReadCountry(text),
            Form.AsOf => ReadDate(text, "asOf"),
            Form.StartDate => Keyword(StartAnytimeWords, text) ?? ReadDate(text, "sessions"),
            Form.Rating => ReadRating(text),
            Form.RatingCount => ReadRatingCount(text),
        };
    }

    private enum Form
    {
        Text, Price, Currency, Duration, DurationWeeks, HoursPerWeek, TotalHours, Level, Kind, Format, Pacing, Status,
        FreeToAudit, Certificate, IsPaid, Language, Country, AsOf, StartDate, Rating, RatingCount,
    }

    private static readonly FrozenDictionary<string, Form> FormsByField = BuildForms();

    private static FrozenDictionary<string, Form> BuildForms()
    {
        var typed = new Dictionary<string, Form>
        {
            ["price"] = Form.Price, ["currency"] = Form.Currency, ["duration"] = Form.Duration, ["durationWeeks"] = Form.DurationWeeks,
            ["hoursPerWeek"] = Form.HoursPerWeek, ["totalHours"] = Form.TotalHours, ["level"] = Form.Level, ["kind"] = Form.Kind,
            ["format"] = Form.Format, ["pacing"] = Form.Pacing, ["status"] = Form.Status, ["freeToAudit"] = Form.FreeToAudit,
            ["certificate"] = Form.Certificate, ["isPaid"] = Form.IsPaid, ["language"] = Form.Language, ["country"] = Form.Country,
            ["asOf"] = Form.AsOf, ["startDate"] = Form.StartDate, ["rating"] = Form.Rating, ["ratingCount"] = Form.RatingCount,
        };
        var forms = new Dictionary<string, Form>(StringComparer.Ordinal);
        foreach (var field in CourseRecord.Fields) forms[field] = typed.GetValueOrDefault(field, Form.Text);
        foreach (var field in VirtualFields) forms[field] = typed.GetValueOrDefault(field, Form.Text);
        return forms.ToFrozenDictionary(StringComparer.Ordinal);
    }

    // ---- Results ----

    private static Reading One(string field, string value) => new(new FieldValues([new(field, value)]), null);

    private static Reading Many(params KeyValuePair<string, string?>[] fields) => new(new FieldValues(fields), null);

    private static KeyValuePair<string, string?> Pair(string field, string? value) => new(field, value);

    /// <summary>The one refusal sentence: the value quoted, what it is not and what to write, then the way out.</summary>
    private static Reading Refuse(ReadOnlySpan<char> text, string advice) => new(FieldValues.Empty, $"\"{Short(text)}\" {advice}, or map the value.");

    private static string Short(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..57], "…");

    /// <summary>As <c>ToString("0.##", InvariantCulture)</c>, without parsing a custom format for every cell.</summary>
    private static string Number(decimal value)
    {
        if (value is < 0 or > 1_000_000_000_000m) return value.ToString("0.##", CultureInfo.InvariantCulture);
        var cents = (ulong)Math.Round(value * 100, MidpointRounding.AwayFromZero);
        var (whole, fraction) = Math.DivRem(cents, 100UL);
        if (fraction == 0) return whole.ToString(CultureInfo.InvariantCulture);
        Span<char> text = stackalloc char[24];
        whole.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        text[length++] = '.';
        text[length++] = (char)('0' + fraction / 10);
        if (fraction % 10 != 0) text[length++] = (char)('0' + fraction % 10);
        return text[..length].ToString();
    }

    /// <summary>ASCII digits with at most one '.', at most 18 digits: a decimal without the general parser, which is slow for a hot path.</summary>
    private static bool TryPlainDecimal(ReadOnlySpan<char> text, out decimal value)
    {
        value = 0;
        ulong mantissa = 0;
        byte scale = 0;
        var digits = 0;
        var point = false;
        foreach (var ch in text)
        {
            if (ch == '.' && !point) { point = true; continue; }
            if (!char.IsAsciiDigit(ch) || ++digits > 18) return false;
            mantissa = mantissa * 10 + (ulong)(ch - '0');
            if (point) scale++;
        }
        if (digits == 0) return false;
        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, isNegative: false, scale);
        return true;
    }

    /// <summary>"1-2", or one number when the ends are equal once stored (two decimals).</summary>
    private static string Range(decimal low, decimal high) =>
        Math.Round(low, 2) == Math.Round(high, 2) ? Number(low) : string.Concat(Number(low), CourseRecord.RangeDash.ToString(), Number(high));

    // ---- Keywords ----

    private const int KeywordLength = 48;

    /// <summary>Lower-case letters and digits only, so "Self-Paced", "self paced" and "SELF_PACED" meet one key; empty when too long to be one.</summary>
    private static ReadOnlySpan<char> Squash(ReadOnlySpan<char> text, Span<char> buffer)
    {
        var length = 0;
        foreach (var ch in text)
        {
            if (!char.IsLetterOrDigit(ch)) continue;
            if (length == buffer.Length) return [];
            buffer[length++] = char.ToLowerInvariant(ch);
        }
        return buffer[..length];
    }

    private static Reading? Keyword(FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> words, ReadOnlySpan<char> text)
    {
        Span<char> buffer = stackalloc char[KeywordLength];
        var key = Squash(text, buffer);
        if (key.IsEmpty)
        {
            // Symbols squash to nothing, so a tick is looked up as written.
            return text.Length <= 2 && words.TryGetValue(text, out var symbol) ? symbol : null;
        }
        return words.TryGetValue(key, out var reading) ? reading : null;
    }

    private static FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> Words(params (Reading Reading, string[] Written)[] entries)
    {
        var words = new Dictionary<string, Reading>(StringComparer.Ordinal);
        Span<char> buffer = stackalloc char[KeywordLength];
        foreach (var (reading, written) in entries)
            foreach (var w in written)
            {
                var squashed = Squash(w, buffer);
                var key = squashed.IsEmpty ? w : squashed.ToString();
                // Two spellings may squash alike ("free audit", "free (audit)"); they must then mean the same.
                if (!words.TryAdd(key, reading) && !ReferenceEquals(words[key], reading))
                    throw new InvalidOperationException($"\"{w}\" is listed with two meanings.");
            }
        return words.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private static (Reading, string[]) Named<T>(string field, T value, params string[] written) where T : struct, System.Enum =>
        (One(field, value.ToKebab()), [value.ToKebab(), .. written]);

    private static string Choices<T>() where T : struct, System.Enum
    {
        var names = EnumText.Names<T>().ToList();
        return string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    /// <summary>What a catalog writes for "not known": unknown, so nothing changes (not a refusal).</summary>
    /// <remarks>"NA" is not here: it is Namibia as a country code.</remarks>
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> NotStated =
        new[] { "n/a", "-", "–", "—", "?", "tbd", "tba", "unknown", "not specified", "not stated" }
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly string LevelAdvice = $"is not a level; write {Choices<CourseLevel>()}";
    private static readonly string KindAdvice = $"is not a kind of course; write {Choices<CourseKind>()}";
    private static readonly string FormatAdvice = $"is not a format; write {Choices<CourseFormat>()}";
    private static readonly string PacingAdvice = $"is not a pacing; write {Choices<Pacing>()}";
    private static readonly string StatusAdvice = $"is not a status; write {Choices<CourseStatus>()}";
    private const string BooleanAdvice = "is not yes or no; write true or false";

    private static string[] WithLevelSuffix(params string[] words) => [.. words, .. words.Select(w => w + " level"), .. words.Select(w => w + " levels")];

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> LevelWords = Words(
        Named("level", CourseLevel.Beginner, WithLevelSuffix("beginner", "introductory", "intro", "basic", "basics", "foundational", "foundation",
            "fundamentals", "novice", "elementary", "entry", "entry-level", "starter", "easy", "beginners")),
        Named("level", CourseLevel.Intermediate, WithLevelSuffix("intermediate", "medium", "moderate")),
        Named("level", CourseLevel.Advanced, WithLevelSuffix("advanced", "expert", "experts")),
        Named("level", CourseLevel.All, WithLevelSuffix("all", "mixed", "any", "everyone", "all abilities", "beginner to advanced")));

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> KindWords = Words(
        Named("kind", CourseKind.Program, "programme", "specialization", "specialisation", "professional certificate", "certificate",
            "certificate program", "certificate programme", "microcredential", "micro-credential", "MicroMasters", "MicroMasters program",
            "MicroBachelors", "nanodegree", "nanodegree program", "degree", "online degree", "XSeries", "XSeries program",
            "professional program", "track", "skill track", "career track", "career path", "learning path"),
        Named("kind", CourseKind.Course, "guided project", "project", "mooc", "online course", "short course", "class", "tutorial"),
        Named("kind", CourseKind.Bootcamp, "boot camp", "coding bootcamp", "immersive"),
        Named("kind", CourseKind.Seminar, "webinar", "talk", "lecture", "workshop", "colloquium"),
        Named("kind", CourseKind.Book, "ebook", "e-book", "textbook", "paperback", "hardcover"));

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> FormatWords = Words(
        Named("format", CourseFormat.Online, "remote", "virtual", "live online", "web", "e-learning", "distance", "distance learning"),
        Named("format", CourseFormat.InPerson, "in person", "on campus", "campus", "classroom", "onsite", "on-site", "face to face",
            "offline", "in class"),
        Named("format", CourseFormat.Hybrid, "blended", "online and in person", "in person and online"));

    private static readonly Reading SelfPaced = One("pacing", Pacing.SelfPaced.ToKebab());

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> PacingWords = Words(
        (SelfPaced, ["self-paced", "Self-paced on your time", "on demand", "own pace", "at your own pace", "learn at your own pace",
            "asynchronous", "async", "flexible schedule"]),
        Named("pacing", Pacing.Scheduled, "Instructor-led on a course schedule", "instructor-led", "instructor paced", "cohort",
            "cohort-based", "live", "synchronous", "fixed dates", "fixed schedule"));

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> StatusWords = Words(
        Named("status", CourseStatus.Draft, "unpublished", "hidden", "pending"),
        Named("status", CourseStatus.Published, "live", "active", "public", "open"),
        Named("status", CourseStatus.Archived, "retired", "inactive", "discontinued", "closed", "archive"));

    private static readonly string[] YesWords = ["true", "yes", "y", "1", "t", "✓", "✔", "☑", "✅"];
    private static readonly string[] NoWords = ["false", "no", "n", "0", "f", "✗", "✘"];

    private static (Reading, string[]) Yes(string field, params string[] more) => (One(field, "true"), [.. YesWords, .. more]);
    private static (Reading, string[]) No(string field, params string[] more) => (One(field, "false"), [.. NoWords, .. more]);

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> FreeToAuditWords = Words(
        Yes("freeToAudit", "audit", "free to audit", "auditable", "audit available"), No("freeToAudit", "no audit"));

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> CertificateWords = Words(
        Yes("certificate", "certificate available", "paid certificate available", "free certificate available", "paid certificate",
            "free certificate", "verified certificate", "certificate of completion"),
        No("certificate", "no certificate", "certificate not available"));

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> IsPaidWords = Words(
        Yes("isPaid", "paid", "paid course"), No("isPaid", "free", "free course"));

    /// <summary>A start date that says the course can be started at any time: self-paced, with no session.</summary>
    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> StartAnytimeWords = Words(
        (SelfPaced, ["On-Demand", "Self-paced", "Anytime", "Start anytime", "Available now", "Enroll anytime", "Start now",
            "Learn at your own pace"]),
        // An aggregator marks a course whose last run is over; the date of the next one is not known.
        (Reading.Nothing, ["Finished", "Ended", "Closed", "Archived", "Past"]));

    // ---- Price and currency ----

    private static readonly Reading Free = One("price", "0");
    // "paid" is the canonical price of a paid course whose catalog does not list the amount.
    private static readonly Reading PaidUnlisted = One("price", CourseRecord.PaidUnlistedPrice);
    private static readonly Reading AuditOnly = One("freeToAudit", "true");

    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> PriceWords = Words(
        (Free, ["free", "free video", "free course", "free online course", "free of charge", "no cost", "gratis"]),
        // A trial ends in a charge, so it is not free.
        (PaidUnlisted, ["paid", "paid course", "free trial", "free trial available", "subscription", "premium"]),
        // Free to audit says nothing of what the course costs: the price stays unknown.
        (AuditOnly, ["audit", "free to audit", "audit for free", "free audit", "audit available", "free online course (audit)",
            "free (audit)"]));

    private static Reading ReadPrice(ReadOnlySpan<char> text)
    {
        if (Keyword(PriceWords, text) is { } word) return word;
        if (TryMoney(text, out var amount, out var currency))
            return currency is null ? One("price", Number(amount)) : Many(Pair("price", Number(amount)), Pair("currency", currency));
        // A free course with a paid certificate: "FREE-Add a Verified Certificate for $49 USD".
        if (text.StartsWith("free", StringComparison.OrdinalIgnoreCase) && CertificateOffer().Match(text.ToString()) is { Success: true } offer
            && TryMoney(offer.Groups["price"].ValueSpan, out amount, out currency))
        {
            return Many(Pair("price", Number(amount)), Pair("currency", currency), Pair("freeToAudit", "true"), Pair("certificate", "true"));
        }
        return Refuse(text, "is not a price; write a number, \"free\"");
    }

    [GeneratedRegex(@"^free\b\W*(?:add\s+)?(?:an?\s+)?(?:verified\s+|paid\s+)?certificate\s+(?:for|from|at)\s+(?<price>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CertificateOffer();

    /// <summary>An amount with at most one currency sign or code before or after it ("$1,481.00", "49 USD", "1.481,00 €").</summary>
    private static bool TryMoney(ReadOnlySpan<char> text, out decimal amount, out string? currency)
    {
        amount = 0;
        currency = null;
        var first = text.IndexOfAnyInRange('0', '9');
        if (first < 0) return false;
        var last = text.LastIndexOfAnyInRange('0', '9');
        if (!TryCurrencySign(text[..first].Trim(), out var before) || !TryCurrencySign(text[(last + 1)..].Trim(), out var after)) return false;
        if (before is not null && after is not null && before != after) return false;
        currency = before ?? after;
        return TryWrittenNumber(text[first..(last + 1)], NumberKind.Money, out amount);
    }

    /// <summary>Nothing, a sign from <see cref="CurrencySigns"/> or a known ISO 4217 code.</summary>
    private static bool TryCurrencySign(ReadOnlySpan<char> sign, out string? code)
    {
        code = null;
        if (sign.IsEmpty) return true;
        if (CurrencySigns.TryGetValue(sign, out var known)) { code = known; return true; }
        if (sign.Length == 3 && char.IsAsciiLetter(sign[0]) && char.IsAsciiLetter(sign[1]) && char.IsAsciiLetter(sign[2]))
        {
            var upper = sign.ToString().ToUpperInvariant();
            if (CourseRules.IsIso4217(upper)) { code = upper; return true; }
        }
        return false;
    }

    /// <summary>
    /// Currency signs, and the commonest codes so they need no allocation. "$" alone is the US dollar, as catalogs that
    /// mean another dollar write its prefix (A$, C$); "¥" alone is the yen (the yuan is written CN¥, RMB or 元).
    /// </summary>
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> CurrencySigns = new Dictionary<string, string>
    {
        ["$"] = "USD", ["US$"] = "USD", ["USD"] = "USD", ["€"] = "EUR", ["EUR"] = "EUR", ["£"] = "GBP", ["GBP"] = "GBP",
        ["¥"] = "JPY", ["￥"] = "JPY", ["JPY"] = "JPY", ["CN¥"] = "CNY", ["RMB"] = "CNY", ["元"] = "CNY", ["CNY"] = "CNY",
        ["₹"] = "INR", ["INR"] = "INR", ["A$"] = "AUD", ["AU$"] = "AUD", ["AUD"] = "AUD", ["C$"] = "CAD", ["CA$"] = "CAD",
        ["CAD"] = "CAD", ["NZ$"] = "NZD", ["HK$"] = "HKD", ["S$"] = "SGD", ["SG$"] = "SGD", ["R$"] = "BRL", ["MX$"] = "MXN",
        ["₩"] = "KRW", ["₽"] = "RUB", ["₺"] = "TRY", ["₪"] = "ILS", ["₦"] = "NGN", ["₱"] = "PHP", ["₫"] = "VND",
        ["฿"] = "THB", ["₴"] = "UAH", ["zł"] = "PLN", ["CHF"] = "CHF",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static Reading ReadCurrency(ReadOnlySpan<char> text)
    {
        if (TryCurrencySign(text, out var code) && code is not null) return One("currency", code);
        // Any three letters are passed on upper-cased: the rules say whether it is an ISO 4217 code, in their words.
        if (text.Length == 3 && char.IsAsciiLetter(text[0]) && char.IsAsciiLetter(text[1]) && char.IsAsciiLetter(text[2]))
            return One("currency", text.ToString().ToUpperInvariant());
        if (Currencies.ByName.TryGetValue(text, out code)) return One("currency", code);
        return Refuse(text, "is not a currency; write a three-letter code like USD, EUR or GBP");
    }

    /// <summary>Currency names in English ("US Dollar", "Euro", "Indian Rupee") from the runtime's region data, built on first use.</summary>
    private static class Currencies
    {
        public static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByName = Build();

        private static FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Build()
        {
            var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var region in Regions())
                if (region.ISOCurrencySymbol.Length == 3) names.TryAdd(region.CurrencyEnglishName, region.ISOCurrencySymbol);
            return names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    /// <summary>What a number counts, which settles whether "1.481" is a thousand or one and a half.</summary>
    private enum NumberKind
    {
        /// <summary>A price: no price has three decimals, so "1.481 €" is 1481.</summary>
        Money,
        /// <summary>A whole count: "1.234 ratings" is 1234, and there is no decimal mark.</summary>
        Count,
        /// <summary>A rating or a fraction ("12.3k"): one dot is a decimal point.</summary>
        Measure,
    }

    /// <summary>
    /// A number as catalogs print it: grouped with commas, dots, apostrophes or spaces ("1,481.00", "1.481,00",
    /// "1'481", Indian "1,48,100"), with a decimal point or comma. One comma followed by exactly three digits groups
    /// thousands ("1,481"), as does one such dot except in a <see cref="NumberKind.Measure"/>; otherwise a lone comma
    /// or dot is the decimal mark ("4,7", "30,50", "1.5"), and with both, the last one is.
    /// </summary>
    private static bool TryWrittenNumber(ReadOnlySpan<char> text, NumberKind kind, out decimal value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 32 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[^1])) return false;
        var lastDot = text.LastIndexOf('.');
        var lastComma = text.LastIndexOf(',');
        var decimalMark = '\0';
        if (lastDot >= 0 && lastComma >= 0) decimalMark = lastDot > lastComma ? '.' : ',';
        else if (lastComma >= 0)
        {
            if (kind != NumberKind.Count && text.Count(',') == 1 && text.Length - lastComma - 1 != 3) decimalMark = ',';
        }
        else if (lastDot >= 0)
        {
            if (text.Count('.') == 1 && (kind == NumberKind.Measure || text.Length - lastDot - 1 != 3)) decimalMark = '.';
        }
        if (kind == NumberKind.Count && decimalMark != '\0') return false;

        Span<char> digits = stackalloc char[33];
        var length = 0;
        var group = 0;       // digits since the last separator
        var groups = 0;      // separators seen
        var inFraction = false;
        foreach (var ch in text)
        {
            if (char.IsAsciiDigit(ch)) { digits[length++] = ch; group++; continue; }
            if (inFraction) return false;
            if (ch == decimalMark)
            {
                if (groups > 0 && group != 3) return false;
                digits[length++] = '.';
                inFraction = true;
                continue;
            }
            if (ch is not (',' or '.' or '\'' or ' ' or '\u00A0' or '\u202F')) return false;
            // The first group has one to three digits, later ones three (or two, in Indian lakh grouping before the last).
            if ((groups == 0 && group is < 1 or > 3) || (groups > 0 && group is not (2 or 3))) return false;
            groups++;
            group = 0;
        }
        if (!inFraction && groups > 0 && group != 3) return false;
        return TryPlainDecimal(digits[..length], out value);
    }

    // ---- Duration ----

    private enum DurationTarget { Any, Weeks, HoursPerWeek, TotalHours }

    private enum DurationWord : byte { Week, Month, Year, Day, Hour, Minute, Per, Weekly, To, Filler }

    private enum TokenKind : byte { Number, Word, Dash, Slash, Separator }

    private struct DurationToken
    {
        public TokenKind Kind;
        public DurationWord Word;
        public decimal Value;
    }

    private static readonly FrozenDictionary<string, DurationWord>.AlternateLookup<ReadOnlySpan<char>> DurationWords = BuildDurationWords();

    private static FrozenDictionary<string, DurationWord>.AlternateLookup<ReadOnlySpan<char>> BuildDurationWords()
    {
        var words = new Dictionary<string, DurationWord>(StringComparer.OrdinalIgnoreCase);
        void Add(DurationWord word, params string[] written)
        {
            foreach (var w in written) words.Add(w, word);
        }
        Add(DurationWord.Week, "week", "weeks", "wk", "wks", "w");
        Add(DurationWord.Month, "month", "months", "mo", "mos", "mth", "mths");
        Add(DurationWord.Year, "year", "years", "yr", "yrs");
        Add(DurationWord.Day, "day", "days", "d");
        Add(DurationWord.Hour, "hour", "hours", "hr", "hrs", "h");
        // "m" is minutes ("2h 30m"); months are written "mo" or in full.
        Add(DurationWord.Minute, "minute", "minutes", "min", "mins", "m");
        Add(DurationWord.Per, "per", "a", "an", "each", "every");
        Add(DurationWord.Weekly, "weekly");
        Add(DurationWord.To, "to");
        // Words around a quantity that do not change it: "Approx. 13 hours to complete", "20 hours of video in total".
        Add(DurationWord.Filler, "approx", "approximately", "about", "around", "roughly", "ca", "circa", "est", "estimated",
            "average", "avg", "total", "in", "and", "at", "of", "for", "with", "over", "plus", "complete", "long", "video",
            "on", "demand", "content", "material", "materials", "worth", "study", "learning", "effort", "time", "duration",
            "course", "self", "paced", "expected", "required");
        return words.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Cells that say how a course runs rather than how long: not a duration, and not a mistake.</summary>
    private static readonly FrozenDictionary<string, Reading>.AlternateLookup<ReadOnlySpan<char>> NotDurations = Words(
        (Reading.Nothing, ["On-Demand", "Finished", "Self-paced", "Flexible", "Varies", "Variable", "Ongoing", "At your own pace",
            "Learn at your own pace", "Flexible schedule", "Lifetime access"]));

    private static Reading ReadDuration(ReadOnlySpan<char> text, DurationTarget target)
    {
        if (Keyword(NotDurations, text) is { } nothing) return nothing;
        Span<DurationToken> tokens = stackalloc DurationToken[24];
        var count = LexDuration(text, tokens);
        if (count < 0 || !TryDuration(tokens[..count], target, out var weeks, out var perWeek, out var total))
            return Refuse(text, DurationAdvice(target));

        var fields = new KeyValuePair<string, string?>[(weeks.Found ? 1 : 0) + (perWeek.Found ? 1 : 0) + (total.Found ? 1 : 0)];
        var n = 0;
        if (weeks.Found) fields[n++] = Pair("durationWeeks", Range(weeks.Low, weeks.High));
        if (perWeek.Found) fields[n++] = Pair("hoursPerWeek", Range(perWeek.Low, perWeek.High));
        if (total.Found) fields[n] = Pair("totalHours", Range(total.Low, total.High));
        return Many(fields);
    }

    private static string DurationAdvice(DurationTarget target) => target switch
    {
        DurationTarget.Any => "is not a duration; write weeks or hours, like \"6 weeks\" or \"8 weeks, 2-4 hours a week\"",
        DurationTarget.Weeks => "is not a number of weeks; write a number like 6 or a range like 6-8",
        DurationTarget.HoursPerWeek => "is not a number of hours a week; write a number like 3 or a range like 2-4",
        DurationTarget.TotalHours => "is not a number of hours; write a number like 3.5 or a range like 1-2",
    };

    /// <summary>Splits a duration into numbers, known words and punctuation; -1 when a word is unknown or there are too many parts.</summary>
    private static int LexDuration(ReadOnlySpan<char> text, Span<DurationToken> tokens)
    {
        Span<char> invariant = stackalloc char[12];
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (char.IsWhiteSpace(ch) || ch == '~') { i++; continue; }
            if (count == tokens.Length) return -1;
            ref var token = ref tokens[count++];
            if (char.IsAsciiDigit(ch))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                // A decimal point, or a decimal comma followed by one or two digits ("2,5 hours"); other commas separate.
                if (i + 1 < text.Length && text[i] is '.' or ',' && char.IsAsciiDigit(text[i + 1]))
                {
                    var end = i + 1;
                    while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
                    if (text[i] == '.' || end - i - 1 <= 2) i = end;
                }
                var number = text[start..i];
                if (number.Length > 12) return -1;
                number.CopyTo(invariant);
                invariant[..number.Length].Replace(',', '.');
                token.Kind = TokenKind.Number;
                if (!TryPlainDecimal(invariant[..number.Length], out token.Value)) return -1;
            }
            else if (char.IsLetter(ch))
            {
                var start = i;
                while (i < text.Length && char.IsLetter(text[i])) i++;
                if (!DurationWords.TryGetValue(text[start..i], out var word)) return -1;
                token.Kind = TokenKind.Word;
                token.Word = word;
            }
            else
            {
                i++;
                TokenKind? kind = ch switch
                {
                    '-' or '–' or '—' or '‑' => TokenKind.Dash,
                    '/' => TokenKind.Slash,
                    ',' or ';' or ':' or '.' or '(' or ')' or '[' or ']' or '+' or '&' or '|' or '*' or '"' or '·' or '•' => TokenKind.Separator,
                    _ => null,
                };
                if (kind is null) return -1;
                token.Kind = kind.Value;
            }
        }
        return count;
    }

    /// <summary>One quantity read from a duration: a number (Low = High) or a range.</summary>
    private struct Bounds
    {
        public bool Found;
        public decimal Low;
        public decimal High;
    }

    /// <summary>
    /// Quantities with their units ("6 weeks", "1-2 hours a week", "45 minutes") into weeks, hours a week and total hours.
    /// Months are 52/12 weeks (rounded), days are sevenths of a week (rounded up: "10 days" is two weeks of calendar).
    /// </summary>
    private static bool TryDuration(ReadOnlySpan<DurationToken> tokens, DurationTarget target, out Bounds weeks, out Bounds perWeek, out Bounds total)
    {
        weeks = perWeek = total = default;
        bool hoursSeen = false, minutesSeen = false;
        var i = 0;

        while (i < tokens.Length)
        {
            var t = tokens[i];
            // "to" between numbers was taken as a range; anywhere else it is a filler ("13 hours to complete").
            if (t.Kind is TokenKind.Separator or TokenKind.Dash or TokenKind.Slash || (t.Kind == TokenKind.Word && t.Word is DurationWord.Filler or DurationWord.To)) { i++; continue; }
            if (t.Kind != TokenKind.Number) return false;

            decimal low = t.Value, high = t.Value;
            i++;
            if ((Is(tokens, i, TokenKind.Dash) || IsWord(tokens, i, DurationWord.To)) && Is(tokens, i + 1, TokenKind.Number))
            {
                high = tokens[i + 1].Value;
                i += 2;
            }
            if (high < low) return false;
            // "8-week course", "3.5 total hours"
            while (Is(tokens, i, TokenKind.Dash) || IsWord(tokens, i, DurationWord.Filler)) { if (IsUnit(tokens, i + 1) || IsWord(tokens, i + 1, DurationWord.Filler)) i++; else break; }

            DurationWord unit;
            if (IsUnit(tokens, i)) unit = tokens[i++].Word;
            else if (target != DurationTarget.Any)
                // A column that names its unit may hold bare numbers.
                unit = target == DurationTarget.Weeks ? DurationWord.Week : DurationWord.Hour;
            else return false;

            // "a week", "per week", "/wk", "weekly", also after words like "of study".
            var weekly = false;
            var rate = i;
            while (IsWord(tokens, rate, DurationWord.Filler)) rate++;
            if (IsWord(tokens, rate, DurationWord.Weekly)) { weekly = true; i = rate + 1; }
            else if ((IsWord(tokens, rate, DurationWord.Per) || Is(tokens, rate, TokenKind.Slash)) && IsUnit(tokens, rate + 1))
            {
                if (tokens[rate + 1].Word != DurationWord.Week) return false; // "2 hours a day" is not something we store
                weekly = true;
                i = rate + 2;
            }
            // A column of hours a week holds hours a week even when the cell does not say so.
            if (target == DurationTarget.HoursPerWeek && unit is DurationWord.Hour or DurationWord.Minute) weekly = true;

            switch (unit)
            {
                case DurationWord.Week or DurationWord.Month or DurationWord.Year or DurationWord.Day:
                    if (weekly || weeks.Found) return false;
                    weeks = new Bounds { Found = true, Low = Weeks(low, unit), High = Weeks(high, unit) };
                    break;
                case DurationWord.Hour or DurationWord.Minute:
                    var perHour = unit == DurationWord.Minute ? 60m : 1m;
                    if (weekly)
                    {
                        if (perWeek.Found) return false;
                        perWeek = new Bounds { Found = true, Low = low / perHour, High = high / perHour };
                    }
                    else
                    {
                        // Hours then minutes add up ("2 hours 1 minute"); a second count of the same unit is a contradiction.
                        ref var seen = ref unit == DurationWord.Minute ? ref minutesSeen : ref hoursSeen;
                        if (seen) return false;
                        seen = true;
                        total = new Bounds { Found = true, Low = total.Low + low / perHour, High = total.High + high / perHour };
                    }
                    break;
                case DurationWord.Per or DurationWord.Weekly or DurationWord.To or DurationWord.Filler:
                    return false;
            }
        }
        return target switch
        {
            DurationTarget.Any => weeks.Found || perWeek.Found || total.Found,
            DurationTarget.Weeks => weeks.Found && !perWeek.Found && !total.Found,
            DurationTarget.HoursPerWeek => perWeek.Found && !weeks.Found && !total.Found,
            DurationTarget.TotalHours => total.Found && !weeks.Found && !perWeek.Found,
        };
    }

    private static bool Is(ReadOnlySpan<DurationToken> tokens, int at, TokenKind kind) => at < tokens.Length && tokens[at].Kind == kind;

    private static bool IsWord(ReadOnlySpan<DurationToken> tokens, int at, DurationWord word) => Is(tokens, at, TokenKind.Word) && tokens[at].Word == word;

    private static bool IsUnit(ReadOnlySpan<DurationToken> tokens, int at) => Is(tokens, at, TokenKind.Word)
        && tokens[at].Word is DurationWord.Week or DurationWord.Month or DurationWord.Year or DurationWord.Day or DurationWord.Hour or DurationWord.Minute;

    private static decimal Weeks(decimal amount, DurationWord unit) => unit switch
    {
        DurationWord.Month => Math.Max(1, Math.Round(amount * 52 / 12, MidpointRounding.AwayFromZero)),
        DurationWord.Year => Math.Max(1, Math.Round(amount * 52, MidpointRounding.AwayFromZero)),
        DurationWord.Day => Math.Ceiling(amount / 7),
        // Part of a week is a week of the calendar.
        DurationWord.Week => Math.Ceiling(amount),
        DurationWord.Hour or DurationWord.Minute or DurationWord.Per or DurationWord.Weekly or DurationWord.To or DurationWord.Filler =>
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "Not a calendar unit."),
    };

    // ---- Language and country ----

    private static Reading ReadLanguage(ReadOnlySpan<char> text)
    {
        if (TryLanguage(text, out var code)) return One("language", code);
        // A list ("English, Spanish") names the course's first language first.
        var end = text.IndexOfAny(ListSeparators);
        if (end > 0 && TryLanguage(text[..end].Trim(), out code)) return One("language", code);
        return Refuse(text, "is not a language we know; write a two-letter code like en or es");
    }

    private static readonly SearchValues<char> ListSeparators = SearchValues.Create(",;/|");

    private static bool TryLanguage(ReadOnlySpan<char> text, [NotNullWhen(true)] out string? code)
    {
        var byName = Languages.ByName;
        if (byName.TryGetValue(text, out code)) return true;
        // "English (US)" → English; "pt-BR", "en_US" → the language subtag.
        var paren = text.IndexOf('(');
        if (paren > 0 && byName.TryGetValue(text[..paren].Trim(), out code)) return true;
        var subtag = text.IndexOfAny('-', '_');
        return subtag > 0 && byName.TryGetValue(text[..subtag], out code);
    }

    /// <summary>Language names and codes → ISO 639-1, from the runtime's culture data, built on first use.</summary>
    private static class Languages
    {
        public static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByName = Build();

        private static FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Build()
        {
            // Case is ignored; accents are not ("Español", "español", but not "Espanol").
            var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            // Plain languages ("zh") before scripts ("zh-Hans"), so a name both share goes to the plain one.
            var cultures = CultureInfo.GetCultures(CultureTypes.NeutralCultures)
                .Where(c => c.TwoLetterISOLanguageName.Length == 2 && c.Name.Length > 0)
                .OrderBy(c => c.Name.Length).ThenBy(c => c.Name, StringComparer.Ordinal);
            foreach (var c in cultures)
            {
                var code = c.TwoLetterISOLanguageName;
                foreach (var name in new[] { code, c.Name, c.ThreeLetterISOLanguageName, c.EnglishName, c.NativeName })
                    names.TryAdd(name, code);
            }
            // Names catalogs use that the culture data spells otherwise, and the bibliographic ISO 639-2 codes.
            foreach (var (name, code) in new[]
            {
                ("Mandarin", "zh"), ("Farsi", "fa"), ("ger", "de"), ("fre", "fr"), ("chi", "zh"), ("dut", "nl"), ("cze", "cs"),
                ("gre", "el"), ("per", "fa"), ("rum", "ro"),
            })
            {
                names.TryAdd(name, code);
            }
            return names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    private static Reading ReadCountry(ReadOnlySpan<char> text)
    {
        if (Countries.ByName.TryGetValue(text, out var code)) return One("country", code);
        // A code the culture data does not list (a new or user-assigned one) is passed on: the rules check its shape.
        if (text.Length == 2 && char.IsAsciiLetter(text[0]) && char.IsAsciiLetter(text[1])) return One("country", text.ToString().ToUpperInvariant());
        return Refuse(text, "is not a country we know; write a two-letter code like GB or US");
    }

    /// <summary>Region codes (two- and three-letter) and English and native names → ISO 3166 code, from the runtime's data, built on first use.</summary>
    private static class Countries
    {
        public static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByName = Build();

        private static FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Build()
        {
            var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, code) in new[]
            {
                ("UK", "GB"), ("U.K.", "GB"), ("Great Britain", "GB"), ("Britain", "GB"), ("England", "GB"), ("Scotland", "GB"),
                ("Wales", "GB"), ("Northern Ireland", "GB"), ("USA", "US"), ("U.S.", "US"), ("U.S.A.", "US"), ("America", "US"),
                ("United States of America", "US"), ("Korea", "KR"), ("Republic of Korea", "KR"), ("Russian Federation", "RU"),
                ("Holland", "NL"), ("UAE", "AE"), ("Czech Republic", "CZ"), ("Turkey", "TR"), ("Ivory Coast", "CI"),
            })
            {
                names.TryAdd(name, code);
            }
            foreach (var region in Regions())
            {
                var code = region.TwoLetterISORegionName;
                if (code.Length != 2) continue;
                foreach (var name in new[] { code, region.ThreeLetterISORegionName, region.EnglishName, region.NativeName })
                    names.TryAdd(name, code);
            }
            return names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    private static IEnumerable<RegionInfo> Regions()
    {
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            RegionInfo? region;
            try { region = new RegionInfo(culture.Name); }
            catch (ArgumentException) { region = null; } // a culture without a region of its own
            if (region is not null) yield return region;
        }
    }

    // ---- Dates ----

    private static Reading ReadDate(ReadOnlySpan<char> text, string field)
    {
        var outcome = TryDate(text, out var date);
        return outcome switch
        {
            DateOutcome.Read => One(field, Iso(date)),
            DateOutcome.Ambiguous => Refuse(text, $"could be {date.Day} {MonthName(date.Month)} or {MonthName(date.Day)} {date.Month}; write {Iso(date)} or {Iso(new DateOnly(date.Year, date.Day, date.Month))}"),
            DateOutcome.NotADate => Refuse(text, "is not a date; write it like 2024-09-23"),
        };
    }

    /// <summary>As <c>ToString("yyyy-MM-dd")</c>, without parsing a custom format for every cell.</summary>
    private static string Iso(DateOnly date) => string.Create(10, date, static (text, d) =>
    {
        d.Year.TryFormat(text, out _, "0000", CultureInfo.InvariantCulture);
        text[4] = text[7] = '-';
        text[5] = (char)('0' + d.Month / 10);
        text[6] = (char)('0' + d.Month % 10);
        text[8] = (char)('0' + d.Day / 10);
        text[9] = (char)('0' + d.Day % 10);
    });

    private static string MonthName(int month) => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);

    private enum DateOutcome { Read, Ambiguous, NotADate }

    private static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> MonthWords = BuildMonthWords();

    private static FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> BuildMonthWords()
    {
        var words = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var names = CultureInfo.InvariantCulture.DateTimeFormat;
        for (var month = 1; month <= 12; month++)
        {
            words[names.GetMonthName(month)] = month;
            words[names.GetAbbreviatedMonthName(month)] = month; // "May" is both
        }
        words.Add("Sept", 9);
        return words.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> DateFillers = BuildDateFillers();

    private static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> BuildDateFillers()
    {
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "st", "nd", "rd", "th", "of", "starts", "start", "starting", "on" };
        var names = CultureInfo.InvariantCulture.DateTimeFormat;
        foreach (var day in System.Enum.GetValues<DayOfWeek>())
        {
            words.Add(names.GetDayName(day));
            words.Add(names.GetAbbreviatedDayName(day));
        }
        return words.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// "2024-09-23" (and a time after it), "23rd Sep, 2024", "Sep 23, 2024", "Monday, 23 September 2024", "23.09.2024",
    /// and slashed day/month dates when the order is plain: one of the first two numbers is above 12, or they are equal.
    /// "03/09/2024" is refused as ambiguous with both readings offered (in <paramref name="date"/> as day/month).
    /// </summary>
    private static DateOutcome TryDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        // ISO first, with or without a time: "2024-09-23T10:00:00Z".
        if (text.Length >= 10 && text[4] == '-' && text[7] == '-' && (text.Length == 10 || text[10] is 'T' or ' ')
            && int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var isoYear)
            && int.TryParse(text[5..7], NumberStyles.None, CultureInfo.InvariantCulture, out var isoMonth)
            && int.TryParse(text[8..10], NumberStyles.None, CultureInfo.InvariantCulture, out var isoDay))
        {
            if (!DaysOk(isoYear, isoMonth, isoDay)) return DateOutcome.NotADate;
            date = new DateOnly(isoYear, isoMonth, isoDay);
            return DateOutcome.Read;
        }

        // Up to three parts: numbers (with their digit count and the separator before them) and a month name.
        Span<int> values = stackalloc int[3];
        Span<int> digits = stackalloc int[3];
        Span<char> separators = stackalloc char[3];
        var parts = 0;
        var monthAt = -1;
        var lastSeparator = ' ';
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (char.IsAsciiDigit(ch))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (parts == 3 || i - start > 4) return DateOutcome.NotADate;
                values[parts] = int.Parse(text[start..i], NumberStyles.None, CultureInfo.InvariantCulture);
                digits[parts] = i - start;
                separators[parts++] = lastSeparator;
                lastSeparator = ' ';
            }
            else if (char.IsLetter(ch))
            {
                var start = i;
                while (i < text.Length && char.IsLetter(text[i])) i++;
                var word = text[start..i];
                if (MonthWords.TryGetValue(word, out var month))
                {
                    if (parts == 3 || monthAt >= 0) return DateOutcome.NotADate;
                    monthAt = parts;
                    values[parts] = month;
                    digits[parts] = 0;
                    separators[parts++] = lastSeparator;
                }
                else if (!DateFillers.Contains(word)) return DateOutcome.NotADate;
            }
            else
            {
                if (ch is '-' or '/' or '.') lastSeparator = ch;
                else if (!(char.IsWhiteSpace(ch) || ch == ',')) return DateOutcome.NotADate;
                i++;
            }
        }
        if (parts != 3) return DateOutcome.NotADate;

        var numeric = monthAt < 0 && separators[1] == separators[2] && separators[1] != ' ';
        int year, monthNumber, day;
        if (monthAt == 0) (monthNumber, day, year) = (values[0], values[1], values[2]);                  // Sep 23, 2024
        else if (monthAt == 1 && digits[0] == 4) (year, monthNumber, day) = (values[0], values[1], values[2]); // 2024 Sep 23
        else if (monthAt == 1) (day, monthNumber, year) = (values[0], values[1], values[2]);             // 23 Sep 2024
        else if (numeric && digits[0] == 4) (year, monthNumber, day) = (values[0], values[1], values[2]); // 2024/09/23
        else if (numeric && (separators[1] == '.' || values[0] > 12 || values[0] == values[1]))
            (day, monthNumber, year) = (values[0], values[1], values[2]);                                // 23.09.2024, 23/09/2024
        else if (numeric && values[1] > 12) (monthNumber, day, year) = (values[0], values[1], values[2]); // 09/23/2024
        else if (numeric && digits[2] == 4 && DaysOk(values[2], values[1], values[0]))
        {
            // Both readings are dates: offer both rather than guess which side of the Atlantic wrote it.
            date = new DateOnly(values[2], values[1], values[0]);
            return DateOutcome.Ambiguous;
        }
        else return DateOutcome.NotADate;
        if (year < 1000 || !DaysOk(year, monthNumber, day)) return DateOutcome.NotADate;
        date = new DateOnly(year, monthNumber, day);
        return DateOutcome.Read;
    }

    private static bool DaysOk(int year, int month, int day) =>
        year is >= 1000 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    // ---- Ratings ----

    private static Reading ReadRating(ReadOnlySpan<char> text)
    {
        decimal value;
        int? count = null;
        if (!TryWrittenNumber(text, NumberKind.Measure, out value))
        {
            if (RatingPattern().Match(text.ToString()) is not { Success: true } m || !TryWrittenNumber(m.Groups["value"].ValueSpan, NumberKind.Measure, out value))
                return Refuse(text, "is not a rating; write a number from 0 to 5 like 4.7");
            if (m.Groups["scale"].ValueSpan is "10") value /= 2;
            if (m.Groups["count"].Success)
            {
                if (!TryCount(m.Groups["count"].ValueSpan, out var c)) return Refuse(text, "is not a rating; write a number from 0 to 5 like 4.7");
                count = c;
            }
        }
        if (value > 5) return Refuse(text, "is not a rating from 0 to 5; write a number like 4.7");
        return count is { } n
            ? Many(Pair("rating", Number(value)), Pair("ratingCount", n.ToString(CultureInfo.InvariantCulture)))
            : One("rating", Number(value));
    }

    [GeneratedRegex(@"^(?<value>\d+(?:[.,]\d+)?)\s*(?:(?:/|out\s+of|of)\s*(?<scale>5|10)(?:[.,]0)?)?\s*(?:stars?|★)?\s*(?:\(\s*(?<count>[\d.,' ]+[kKmM]?)\+?\s*(?:ratings?|reviews?|votes?)?\s*\))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RatingPattern();

    private static Reading ReadRatingCount(ReadOnlySpan<char> text)
    {
        if (TryCount(text, out var count)) return One("ratingCount", count.ToString(CultureInfo.InvariantCulture));
        if (RatingCountPattern().Match(text.ToString()) is { Success: true } m && TryCount(m.Groups["count"].ValueSpan, out count))
            return One("ratingCount", count.ToString(CultureInfo.InvariantCulture));
        return Refuse(text, "is not a number of ratings; write a whole number like 1234");
    }

    [GeneratedRegex(@"^\(?\s*(?<count>\d[\d.,' ]*[kKmM]?)\+?\s*(?:ratings?|reviews?|votes?)?\s*\)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RatingCountPattern();

    /// <summary>A whole count, grouped ("1,234") or abbreviated ("12.3k", "1.2M").</summary>
    private static bool TryCount(ReadOnlySpan<char> text, out int count)
    {
        count = 0;
        text = text.Trim();
        var multiplier = text.IsEmpty ? 1m : text[^1] switch { 'k' or 'K' => 1_000m, 'm' or 'M' => 1_000_000m, _ => 1m };
        var number = multiplier == 1m ? text : text[..^1].TrimEnd();
        if (!TryWrittenNumber(number, multiplier == 1m ? NumberKind.Count : NumberKind.Measure, out var value)) return false;
        value = Math.Round(value * multiplier, MidpointRounding.AwayFromZero);
        if (value > int.MaxValue) return false;
        count = (int)value;
        return true;
    }

    // ---- Documented forms ----

    /// <summary>Every documented form: field, what a file writes, what it means (canonical fields). Drives the docs table, the import page's help and the tests.</summary>
    public static IReadOnlyList<FormExample> Examples => Documented.All;

    /// <summary>Built on first use, so reading cells never pays for the examples.</summary>
    private static class Documented
    {
        private const string Unknown = "nothing: unknown, so nothing changes";
        private const string NotADuration = "nothing: how it runs, not how long";

        public static readonly IReadOnlyList<FormExample> All =
        [
            E("price", "$1,481.00", ("price", "1481"), ("currency", "USD")),
            E("price", "USD 49", ("price", "49"), ("currency", "USD")),
            E("price", "49 USD", ("price", "49"), ("currency", "USD")),
            E("price", "€30", ("price", "30"), ("currency", "EUR")),
            E("price", "1.481,00 €", ("price", "1481"), ("currency", "EUR")),
            E("price", "£1,200.50", ("price", "1200.5"), ("currency", "GBP")),
            E("price", "₹499", ("price", "499"), ("currency", "INR")),
            E("price", "¥5,000", ("price", "5000"), ("currency", "JPY")),
            E("price", "A$99", ("price", "99"), ("currency", "AUD")),
            E("price", "49.99", ("price", "49.99")),
            E("price", "0", ("price", "0")),
            E("price", "Free", ("price", "0")),
            E("price", "Free Video", ("price", "0")),
            E("price", "Free Online Course", ("price", "0")),
            EMeaning("price", "Free Trial", "price paid, amount not listed (a trial ends in a charge)", ("price", "paid")),
            EMeaning("price", "Paid", "price paid, amount not listed", ("price", "paid")),
            EMeaning("price", "Paid Course", "price paid, amount not listed", ("price", "paid")),
            EMeaning("price", "Audit", "freeToAudit true (the price stays unknown)", ("freeToAudit", "true")),
            EMeaning("price", "Free to audit", "freeToAudit true (the price stays unknown)", ("freeToAudit", "true")),
            EMeaning("price", "Free Online Course (Audit)", "freeToAudit true (the price stays unknown)", ("freeToAudit", "true")),
            E("price", "FREE-Add a Verified Certificate for $49 USD", ("price", "49"), ("currency", "USD"), ("freeToAudit", "true"), ("certificate", "true")),
            EMeaning("price", "N/A", Unknown),

            E("currency", "$", ("currency", "USD")),
            E("currency", "US$", ("currency", "USD")),
            E("currency", "usd", ("currency", "USD")),
            E("currency", "€", ("currency", "EUR")),
            E("currency", "£", ("currency", "GBP")),
            E("currency", "¥", ("currency", "JPY")),
            E("currency", "CN¥", ("currency", "CNY")),
            E("currency", "₹", ("currency", "INR")),
            E("currency", "Euro", ("currency", "EUR")),
            E("currency", "Indian Rupee", ("currency", "INR")),

            E("duration", "6 Weeks", ("durationWeeks", "6")),
            E("duration", "6-8 weeks", ("durationWeeks", "6-8")),
            E("duration", "4-4 weeks", ("durationWeeks", "4")),
            E("duration", "About 6 weeks", ("durationWeeks", "6")),
            E("duration", "6 weeks long", ("durationWeeks", "6")),
            E("duration", "8-week course", ("durationWeeks", "8")),
            E("duration", "4 wks", ("durationWeeks", "4")),
            E("duration", "10 days", ("durationWeeks", "2")),
            E("duration", "3 months", ("durationWeeks", "13")),
            E("duration", "1 - 3 Months", ("durationWeeks", "4-13")),
            E("duration", "1 year", ("durationWeeks", "52")),
            E("duration", "8 weeks, 1-2 hours a week", ("durationWeeks", "8"), ("hoursPerWeek", "1-2")),
            E("duration", "6 weeks, 3–5 hours per week", ("durationWeeks", "6"), ("hoursPerWeek", "3-5")),
            E("duration", "3 months at 10 hours a week", ("durationWeeks", "13"), ("hoursPerWeek", "10")),
            E("duration", "2 hours a week for 6 weeks", ("durationWeeks", "6"), ("hoursPerWeek", "2")),
            E("duration", "4 weeks · 3 hours of study per week", ("durationWeeks", "4"), ("hoursPerWeek", "3")),
            E("duration", "2 weeks, 10-12 hours total", ("durationWeeks", "2"), ("totalHours", "10-12")),
            E("duration", "2–4 hours per week", ("hoursPerWeek", "2-4")),
            E("duration", "2 to 4 hours per week", ("hoursPerWeek", "2-4")),
            E("duration", "1 hour/week", ("hoursPerWeek", "1")),
            E("duration", "5 hrs/wk", ("hoursPerWeek", "5")),
            E("duration", "4 hours weekly", ("hoursPerWeek", "4")),
            E("duration", "30 minutes per week", ("hoursPerWeek", "0.5")),
            E("duration", "1.5 hours", ("totalHours", "1.5")),
            E("duration", "1,5 hours", ("totalHours", "1.5")),
            E("duration", "1-2 hours", ("totalHours", "1-2")),
            E("duration", "3.5 total hours", ("totalHours", "3.5")),
            E("duration", "12 hours in total", ("totalHours", "12")),
            E("duration", "Approx. 13 hours to complete", ("totalHours", "13")),
            E("duration", "~20 hours", ("totalHours", "20")),
            E("duration", "10.5 hours on-demand video", ("totalHours", "10.5")),
            E("duration", "45 minutes", ("totalHours", "0.75")),
            E("duration", "90 mins", ("totalHours", "1.5")),
            E("duration", "2 hours 1 minute", ("totalHours", "2.02")),
            E("duration", "2h 30m", ("totalHours", "2.5")),
            E("duration", "1 hr 15 min", ("totalHours", "1.25")),
            EMeaning("duration", "On-Demand", NotADuration),
            EMeaning("duration", "Finished", NotADuration),
            EMeaning("duration", "Self-paced", NotADuration),
            EMeaning("duration", "Flexible", NotADuration),
            EMeaning("duration", "Varies", NotADuration),

            E("durationWeeks", "6", ("durationWeeks", "6")),
            E("durationWeeks", "6–8", ("durationWeeks", "6-8")),
            E("durationWeeks", "6 to 8", ("durationWeeks", "6-8")),
            E("durationWeeks", "6 Weeks", ("durationWeeks", "6")),
            E("durationWeeks", "3 months", ("durationWeeks", "13")),
            E("hoursPerWeek", "3", ("hoursPerWeek", "3")),
            E("hoursPerWeek", "2-4", ("hoursPerWeek", "2-4")),
            E("hoursPerWeek", "2–4 hours per week", ("hoursPerWeek", "2-4")),
            E("hoursPerWeek", "3 hours", ("hoursPerWeek", "3")),
            E("hoursPerWeek", "90 minutes", ("hoursPerWeek", "1.5")),
            E("totalHours", "1.5", ("totalHours", "1.5")),
            E("totalHours", "1-2", ("totalHours", "1-2")),
            E("totalHours", "3.5 total hours", ("totalHours", "3.5")),
            E("totalHours", "45 minutes", ("totalHours", "0.75")),

            E("level", "Introductory", ("level", "beginner")),
            E("level", "Beginner", ("level", "beginner")),
            E("level", "Beginner Level", ("level", "beginner")),
            E("level", "Basic", ("level", "beginner")),
            E("level", "Foundational", ("level", "beginner")),
            E("level", "Novice", ("level", "beginner")),
            E("level", "Intermediate", ("level", "intermediate")),
            E("level", "Intermediate Level", ("level", "intermediate")),
            E("level", "Advanced", ("level", "advanced")),
            E("level", "Expert Level", ("level", "advanced")),
            E("level", "All Levels", ("level", "all")),
            E("level", "Mixed", ("level", "all")),

            E("language", "English", ("language", "en")),
            E("language", "en", ("language", "en")),
            E("language", "EN", ("language", "en")),
            E("language", "eng", ("language", "en")),
            E("language", "spa", ("language", "es")),
            E("language", "pt-BR", ("language", "pt")),
            E("language", "en_US", ("language", "en")),
            E("language", "zh-Hans", ("language", "zh")),
            E("language", "Español", ("language", "es")),
            E("language", "Français", ("language", "fr")),
            E("language", "Deutsch", ("language", "de")),
            E("language", "Português", ("language", "pt")),
            E("language", "中文", ("language", "zh")),
            E("language", "日本語", ("language", "ja")),
            E("language", "العربية", ("language", "ar")),
            E("language", "हिन्दी", ("language", "hi")),
            E("language", "Chinese (Simplified)", ("language", "zh")),
            E("language", "English (US)", ("language", "en")),
            E("language", "Mandarin", ("language", "zh")),
            E("language", "English, Spanish", ("language", "en")),

            E("country", "GB", ("country", "GB")),
            E("country", "gb", ("country", "GB")),
            E("country", "United States", ("country", "US")),
            E("country", "United Kingdom", ("country", "GB")),
            E("country", "UK", ("country", "GB")),
            E("country", "USA", ("country", "US")),
            E("country", "DEU", ("country", "DE")),
            E("country", "Deutschland", ("country", "DE")),
            E("country", "India", ("country", "IN")),

            E("asOf", "2024-09-23", ("asOf", "2024-09-23")),
            E("asOf", "2024-09-23T10:00:00Z", ("asOf", "2024-09-23")),
            E("asOf", "23rd Sep, 2024", ("asOf", "2024-09-23")),
            E("asOf", "Sep 23, 2024", ("asOf", "2024-09-23")),
            E("asOf", "Sept. 23, 2024", ("asOf", "2024-09-23")),
            E("asOf", "23 September 2024", ("asOf", "2024-09-23")),
            E("asOf", "September 23, 2024", ("asOf", "2024-09-23")),
            E("asOf", "Monday, 23 September 2024", ("asOf", "2024-09-23")),
            E("asOf", "23-Sep-2024", ("asOf", "2024-09-23")),
            E("asOf", "23.09.2024", ("asOf", "2024-09-23")),
            EMeaning("asOf", "23/09/2024", "asOf 2024-09-23 (23 cannot be a month)", ("asOf", "2024-09-23")),
            EMeaning("asOf", "09/23/2024", "asOf 2024-09-23 (23 cannot be a month)", ("asOf", "2024-09-23")),
            E("startDate", "23rd Sep, 2024", ("sessions", "2024-09-23")),
            E("startDate", "Sep 23, 2024", ("sessions", "2024-09-23")),
            E("startDate", "On-Demand", ("pacing", "self-paced")),
            E("startDate", "Self-paced", ("pacing", "self-paced")),
            E("startDate", "Anytime", ("pacing", "self-paced")),
            E("startDate", "Available now", ("pacing", "self-paced")),
            EMeaning("startDate", "TBA", Unknown),
            EMeaning("startDate", "Finished", Unknown),

            E("pacing", "Self-paced on your time", ("pacing", "self-paced")),
            E("pacing", "self paced", ("pacing", "self-paced")),
            E("pacing", "Self-Paced", ("pacing", "self-paced")),
            E("pacing", "On Demand", ("pacing", "self-paced")),
            E("pacing", "Instructor-led on a course schedule", ("pacing", "scheduled")),
            E("pacing", "instructor-led", ("pacing", "scheduled")),
            E("pacing", "scheduled", ("pacing", "scheduled")),
            E("pacing", "cohort-based", ("pacing", "scheduled")),
            E("pacing", "live", ("pacing", "scheduled")),

            E("kind", "Specialization", ("kind", "program")),
            E("kind", "Professional Certificate", ("kind", "program")),
            E("kind", "MicroMasters", ("kind", "program")),
            E("kind", "Microcredential", ("kind", "program")),
            E("kind", "Nanodegree", ("kind", "program")),
            E("kind", "Degree", ("kind", "program")),
            E("kind", "XSeries", ("kind", "program")),
            E("kind", "Certificate", ("kind", "program")),
            E("kind", "Track", ("kind", "program")),
            E("kind", "Programme", ("kind", "program")),
            E("kind", "Guided Project", ("kind", "course")),
            E("kind", "Project", ("kind", "course")),
            E("kind", "MOOC", ("kind", "course")),
            E("kind", "Course", ("kind", "course")),
            E("kind", "Bootcamp", ("kind", "bootcamp")),
            E("kind", "Seminar", ("kind", "seminar")),
            E("kind", "Webinar", ("kind", "seminar")),
            E("kind", "Talk", ("kind", "seminar")),
            E("kind", "Lecture", ("kind", "seminar")),
            E("kind", "Workshop", ("kind", "seminar")),
            E("kind", "Book", ("kind", "book")),
            E("kind", "eBook", ("kind", "book")),
            E("kind", "Textbook", ("kind", "book")),

            E("format", "Online", ("format", "online")),
            E("format", "Remote", ("format", "online")),
            E("format", "Virtual", ("format", "online")),
            E("format", "In person", ("format", "in-person")),
            E("format", "in-person", ("format", "in-person")),
            E("format", "On campus", ("format", "in-person")),
            E("format", "Classroom", ("format", "in-person")),
            E("format", "Onsite", ("format", "in-person")),
            E("format", "Blended", ("format", "hybrid")),
            E("format", "Hybrid", ("format", "hybrid")),

            E("status", "Draft", ("status", "draft")),
            E("status", "Published", ("status", "published")),
            E("status", "Live", ("status", "published")),
            E("status", "Active", ("status", "published")),
            E("status", "Archived", ("status", "archived")),
            E("status", "Retired", ("status", "archived")),
            E("status", "Inactive", ("status", "archived")),

            E("freeToAudit", "yes", ("freeToAudit", "true")),
            E("freeToAudit", "Y", ("freeToAudit", "true")),
            E("freeToAudit", "TRUE", ("freeToAudit", "true")),
            E("freeToAudit", "1", ("freeToAudit", "true")),
            E("freeToAudit", "✓", ("freeToAudit", "true")),
            E("freeToAudit", "No", ("freeToAudit", "false")),
            E("freeToAudit", "n", ("freeToAudit", "false")),
            E("freeToAudit", "0", ("freeToAudit", "false")),
            E("certificate", "Yes", ("certificate", "true")),
            E("certificate", "Paid Certificate Available", ("certificate", "true")),
            E("certificate", "false", ("certificate", "false")),
            E("isPaid", "Paid", ("isPaid", "true")),
            E("isPaid", "Free", ("isPaid", "false")),
            E("isPaid", "yes", ("isPaid", "true")),
            E("isPaid", "FALSE", ("isPaid", "false")),

            E("rating", "4.7", ("rating", "4.7")),
            E("rating", "4,7", ("rating", "4.7")),
            E("rating", "4.7/5", ("rating", "4.7")),
            E("rating", "4.7 out of 5", ("rating", "4.7")),
            E("rating", "4.7 stars", ("rating", "4.7")),
            E("rating", "9.4/10", ("rating", "4.7")),
            E("rating", "4.7 (1,234 ratings)", ("rating", "4.7"), ("ratingCount", "1234")),
            E("ratingCount", "1,234", ("ratingCount", "1234")),
            E("ratingCount", "12.3k", ("ratingCount", "12300")),
            E("ratingCount", "1.2M", ("ratingCount", "1200000")),
            E("ratingCount", "(1,234 ratings)", ("ratingCount", "1234")),
            E("ratingCount", "1,234 reviews", ("ratingCount", "1234")),

            E("title", "  Linear Algebra  ", ("title", "Linear Algebra")),
            E("sourceId", "course-v1:MITx+18.06x", ("sourceId", "course-v1:MITx+18.06x")),
        ];

        private static FormExample E(string field, string written, params (string Field, string Value)[] fields) =>
            EMeaning(field, written, string.Join(", ", fields.Select(f => $"{f.Field} {f.Value}")), fields);

        private static FormExample EMeaning(string field, string written, string means, params (string Field, string Value)[] fields) =>
            new(field, written, means, new FieldValues([.. fields.Select(f => Pair(f.Field, f.Value))]));
    }
}

/// <summary>A reading's few fields (at most four) in a small array: a dictionary per cell would cost more than reading it.</summary>
internal sealed class FieldValues(KeyValuePair<string, string?>[] pairs) : IReadOnlyDictionary<string, string?>
{
    public static readonly FieldValues Empty = new([]);

    public string? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"\"{key}\" was not read.");

    public IEnumerable<string> Keys => pairs.Select(p => p.Key);

    public IEnumerable<string?> Values => pairs.Select(p => p.Value);

    public int Count => pairs.Length;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value)
    {
        foreach (var pair in pairs)
        {
            if (pair.Key != key) continue;
            value = pair.Value;
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string?>>)pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
