using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.SkillChecks;

/// <summary>Items of one skill as the seed files, the import and the export write them (JSON).</summary>
public sealed record ItemFile(
    [property: JsonPropertyName("skill")] string Skill,
    [property: JsonPropertyName("items")] List<ItemRecord> Items);

/// <summary>One item as a file holds it: its answer is an option's 0-based index (choice) or a number (number).</summary>
public sealed record ItemRecord
{
    public string? Key { get; init; }
    public int Level { get; init; }
    public string? Descriptor { get; init; }
    public string? Kind { get; init; }
    public string? Prompt { get; init; }
    public List<string>? Choices { get; init; }
    /// <summary>A number (an option's index, or the numeric answer) or a string holding one.</summary>
    public JsonElement Answer { get; init; }
    public decimal? Tolerance { get; init; }
    public string? Explanation { get; init; }
    public bool Retired { get; init; }

    public static ItemRecord Of(CheckItem i) => new()
    {
        Key = i.Key, Level = i.Level, Descriptor = i.Descriptor, Kind = i.Kind.ToKebab(), Prompt = i.Prompt,
        Choices = i.Kind == ItemKind.Choice ? [.. i.Choices] : null,
        Answer = i.Kind == ItemKind.Choice ? JsonSerializer.SerializeToElement(int.Parse(i.Answer, CultureInfo.InvariantCulture))
            : JsonSerializer.SerializeToElement(i.Answer),
        Tolerance = i.Kind == ItemKind.Number ? i.Tolerance : null, Explanation = i.Explanation, Retired = i.Retired,
    };
}

/// <summary>
/// The item bank's rules and its seed: what makes an item valid, whether every level of every skill has enough items
/// to measure it, and the items written with the product (Data/Seed/items/*.json), added when missing and never
/// overwriting an admin's edits.
/// </summary>
public static class ItemBank
{
    /// <summary>Active items needed at each level 1–4 of each skill, so a check can ask up to six without repeating and still adapt.</summary>
    public const int PerLevel = 4;
    public const int MinChoices = 2, MaxChoices = 6;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// The item as stored, or the problems with it, each naming the field ("items[3].choices[1]: ..."). The skill is
    /// the file's; <paramref name="at"/> is how messages name the item.
    /// </summary>
    public static (CheckItem? Item, List<string> Errors) Check(ItemRecord r, Skill skill, string at)
    {
        var errors = new List<string>();
        void Fail(string field, string message) => errors.Add($"{at}.{field}: {message}");

        var key = r.Key?.Trim();
        if (string.IsNullOrEmpty(key)) Fail("key", "is required, like \"linear-algebra-1-matrix-product\".");
        else if (key.Length > Limits.ItemKey || !Slugs.IsValid(key)) Fail("key", $"'{Echoed.Short(key)}' must be lower-case letters, digits and hyphens, at most {Limits.ItemKey} characters.");
        if (r.Level is < 1 or > Skill.MaxLevel) Fail("level", $"{r.Level} is not a level an item can test: use 1 to {Skill.MaxLevel}.");
        var descriptor = r.Descriptor?.Trim();
        if (string.IsNullOrEmpty(descriptor)) Fail("descriptor", "is required: the level descriptor the item tests.");
        else if (descriptor.Length > Limits.SkillDescriptor) Fail("descriptor", $"must be at most {Limits.SkillDescriptor} characters.");
        Markup(r.Prompt, "prompt", required: true);
        Markup(r.Explanation, "explanation", required: false);

        ItemKind kind = default;
        string? answer = null;
        if (!EnumText.TryParse(r.Kind, out kind)) Fail("kind", $"'{Echoed.Short(r.Kind)}' must be choice or number.");
        else if (kind == ItemKind.Choice)
        {
            var choices = r.Choices ?? [];
            if (choices.Count is < MinChoices or > MaxChoices) Fail("choices", $"a choice item needs {MinChoices} to {MaxChoices} options (it has {choices.Count}).");
            for (var i = 0; i < choices.Count; i++) Markup(choices[i], $"choices[{i}]", required: true);
            if (choices.Select(c => c.Trim()).Distinct().Count() != choices.Count) Fail("choices", "two options are the same.");
            if (Number(r.Answer) is not decimal index || index != decimal.Truncate(index) || index < 0 || index >= choices.Count)
                Fail("answer", $"must be the right option's index, 0 to {Math.Max(0, choices.Count - 1)}.");
            else answer = ((int)index).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            if (r.Choices is { Count: > 0 }) Fail("choices", "a number item has no options.");
            if (Number(r.Answer) is not decimal value) Fail("answer", "must be the number a learner should type, like 12 or 0.25.");
            else answer = value.ToString(CultureInfo.InvariantCulture);
            if (r.Tolerance is < 0) Fail("tolerance", "cannot be negative.");
        }
        if (errors.Count > 0) return (null, errors);
        return (new CheckItem
        {
            Key = key!, SkillId = skill.Id, Level = r.Level, Descriptor = descriptor!, Kind = kind, Prompt = r.Prompt!.Trim(),
            Choices = kind == ItemKind.Choice ? [.. r.Choices!.Select(c => c.Trim())] : [], Answer = answer!,
            Tolerance = kind == ItemKind.Number ? r.Tolerance ?? 0 : 0, Explanation = r.Explanation?.Trim() ?? "", Retired = r.Retired,
        }, errors);

        void Markup(string? text, string field, bool required)
        {
            if (string.IsNullOrWhiteSpace(text)) { if (required) Fail(field, "is required."); return; }
            if (text.Length > Limits.ItemMarkup) Fail(field, $"must be at most {Limits.ItemMarkup} characters (it has {text.Length}).");
            else if (ItemMarkup.Problem(text) is { } problem) Fail(field, problem + ".");
        }
    }

    /// <summary>The number a file's answer holds, written as a JSON number or as a string; null when it holds none.</summary>
    internal static decimal? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetDecimal(out var d) => d,
        JsonValueKind.String when decimal.TryParse(e.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>Each level of each skill with fewer than <see cref="PerLevel"/> active items: "Calculus level 3 has 2 items".</summary>
    public static List<string> Gaps(IEnumerable<CheckItem> items, IEnumerable<Skill> skills)
    {
        var counts = items.Where(i => !i.Retired).GroupBy(i => (i.SkillId, i.Level)).ToDictionary(g => g.Key, g => g.Count());
        return [.. skills.SelectMany(s => Enumerable.Range(1, Skill.MaxLevel).Select(level => (s, level, n: counts.GetValueOrDefault((s.Id, level)))))
            .Where(x => x.n < PerLevel).Select(x => $"{x.s.Name} level {x.level} has {x.n} active item{(x.n == 1 ? "" : "s")}; a check needs {PerLevel}.")];
    }

    /// <summary>The item files written with the product, one per skill.</summary>
    public static IReadOnlyList<ItemFile> Seed()
    {
        var assembly = typeof(ItemBank).Assembly;
        return [.. assembly.GetManifestResourceNames().Where(n => n.StartsWith("CourseMatch.Seed.items.", StringComparison.Ordinal)).Order()
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                return JsonSerializer.Deserialize<ItemFile>(stream, Json) ?? throw new InvalidOperationException($"{n} is empty.");
            })];
    }

    /// <summary>Adds the seed's items that are missing (by key); items already stored keep what admins made of them.</summary>
    public static async Task<int> SeedAsync(CourseMatchDb db, CancellationToken ct = default)
    {
        var skills = await db.Skills.ToDictionaryAsync(s => s.Slug, ct);
        var stored = (await db.CheckItems.Select(i => i.Key).ToListAsync(ct)).ToHashSet();
        var added = 0;
        foreach (var file in Seed())
        {
            // A skill renamed or merged away by an admin no longer takes the seed's items for its old slug.
            if (!skills.TryGetValue(file.Skill, out var skill)) continue;
            for (var i = 0; i < file.Items.Count; i++)
            {
                if (file.Items[i].Key is { } key && stored.Contains(key)) continue;
                var (item, errors) = Check(file.Items[i], skill, $"{file.Skill}.items[{i}]");
                if (item is null) throw new InvalidOperationException($"The seed item bank is invalid: {string.Join(" ", errors)}");
                db.CheckItems.Add(item);
                added++;
            }
        }
        await db.SaveChangesAsync(ct);
        return added;
    }
}
