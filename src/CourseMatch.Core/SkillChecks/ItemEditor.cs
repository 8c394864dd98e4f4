using System.Globalization;
using System.Text;
using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.SkillChecks;

/// <summary>How learners answered one item, over every check that asked it.</summary>
/// <param name="AtOrAbove">Answers from finished checks that measured the learner at or above the item's level.</param>
/// <param name="Below">Answers from finished checks that measured the learner below the item's level.</param>
public sealed record ItemStats(int Asked, int Right, int DontKnow, int AtOrAbove, int RightAtOrAbove, int Below, int RightBelow)
{
    public static readonly ItemStats None = new(0, 0, 0, 0, 0, 0, 0);

    public double? RightShare => Share(Right, Asked);
    public double? DontKnowShare => Share(DontKnow, Asked);
    public double? RightAtOrAboveShare => Share(RightAtOrAbove, AtOrAbove);
    public double? RightBelowShare => Share(RightBelow, Below);

    private static double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;
}

/// <summary>One item in the bank's list: what it asks (as plain text) and how it has done.</summary>
public sealed record ItemRow(int Id, string Key, int Level, string Descriptor, ItemKind Kind, string Text, bool Retired, ItemStats Stats);

/// <summary>A skill's items, by level, with the levels that have too few active items to measure (<see cref="ItemBank.Gaps"/>).</summary>
public sealed record SkillItems(Skill Skill, IReadOnlyList<ItemRow> Items, IReadOnlyList<string> Gaps);

/// <summary>One stored item as the edit page loads it: the record is what a save is checked against for conflicts.</summary>
public sealed record ItemEntry(int Id, Skill Skill, ItemRecord Record, DateTimeOffset UpdatedAt);

/// <summary>What an import did (or, with errors, why it did nothing at all).</summary>
/// <param name="Gaps">Levels of the imported skills still short of items after the import: warnings, not errors.</param>
public sealed record ItemImportReport(int Created, int Updated, int Unchanged, IReadOnlyList<string> Errors, IReadOnlyList<string> Gaps)
{
    public bool Ok => Errors.Count == 0;

    public static ItemImportReport Refused(IReadOnlyList<string> errors) => new(0, 0, 0, errors, []);
}

/// <summary>An item as the edit form holds it; <see cref="ToRecord"/> gives the record the editor checks.</summary>
public sealed class ItemForm
{
    public string? Key { get; set; }
    public int Level { get; set; } = 1;
    public string? Descriptor { get; set; }
    public ItemKind Kind { get; set; }
    public string? Prompt { get; set; }
    /// <summary>The options of a choice item, in the order shown.</summary>
    public List<string> Choices { get; set; } = ["", "", "", ""];
    /// <summary>The right option's index (a choice item).</summary>
    public int? RightChoice { get; set; }
    /// <summary>The number a learner should type (a number item), as the admin wrote it.</summary>
    public string? Number { get; set; }
    public decimal? Tolerance { get; set; }
    public string? Explanation { get; set; }

    public static ItemForm From(ItemRecord r)
    {
        var kind = EnumText.TryParse(r.Kind, out ItemKind k) ? k : ItemKind.Choice;
        var answer = ItemBank.Number(r.Answer);
        return new ItemForm
        {
            Key = r.Key, Level = r.Level, Descriptor = r.Descriptor, Kind = kind, Prompt = r.Prompt,
            Choices = r.Choices is { Count: > 0 } choices ? [.. choices] : ["", "", "", ""],
            RightChoice = kind == ItemKind.Choice && answer is decimal index ? (int)index : null,
            Number = kind == ItemKind.Number ? answer?.ToString(CultureInfo.InvariantCulture) : null,
            // Stored with six decimals; shown as written (0.01, not 0.010000).
            Tolerance = kind == ItemKind.Number && r.Tolerance is decimal t ? t / 1.000000000000000000000000000000000m : null,
            Explanation = r.Explanation,
        };
    }

    public ItemRecord ToRecord() => new()
    {
        Key = Key, Level = Level, Descriptor = Descriptor, Kind = Kind.ToKebab(), Prompt = Prompt,
        Choices = Kind == ItemKind.Choice ? [.. Choices] : null,
        Answer = Kind == ItemKind.Choice
            ? RightChoice is int index ? JsonSerializer.SerializeToElement(index) : default
            : JsonSerializer.SerializeToElement(Number ?? ""),
        Tolerance = Kind == ItemKind.Number ? Tolerance : null,
        Explanation = Explanation,
    };
}

/// <summary>
/// Curates the skills check's item bank: lists a skill's items with how learners answered them, creates, edits, retires
/// and restores one at a time, and exports and imports item files. Like the other editors every write is checked first
/// (<see cref="ItemBank.Check"/>: nothing is written when a field is wrong, and nothing unchecked ever reaches the pages
/// that render items as markup), audited in the same transaction, and refused when someone else saved the item since
/// the form loaded.
/// </summary>
/// <remarks>
/// No write may take a level below <see cref="ItemBank.PerLevel"/> active items, nor lower one that is already below:
/// a check asks up to six items without repeating one, so a thin level would be measured on too few questions. Adding
/// items is always allowed, so a new skill's bank can be built up a few at a time. A key never changes: it is how an
/// exported file finds its item again.
/// </remarks>
public sealed class ItemEditor(IDbContextFactory<CourseMatchDb> dbs)
{
    public const string Entity = "CheckItem";
    public const int MaxImportItems = 2000;
    public const int MaxImportBytes = 2 * 1024 * 1024;
    private const int MaxErrorsListed = 100;
    /// <summary>How <see cref="ItemBank.Check"/> names the item of a form; what follows it is the field.</summary>
    private const string FormAt = "item";

    /// <summary>The skills, in the taxonomy's order, to pick one from.</summary>
    public async Task<IReadOnlyList<Skill>> SkillsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return (await SkillTaxonomy.LoadAsync(db, ct)).Skills;
    }

    /// <summary>The skill's items by level (retired ones after the active), each with its statistics; null for an unknown skill.</summary>
    public async Task<SkillItems?> ListAsync(int skillId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Skills.AsNoTracking().FirstOrDefaultAsync(s => s.Id == skillId, ct) is not { } skill) return null;
        var items = await db.CheckItems.AsNoTracking().Where(i => i.SkillId == skillId)
            .OrderBy(i => i.Level).ThenBy(i => i.Retired).ThenBy(i => i.Key).ToListAsync(ct);
        var stats = await StatsAsync(db, skillId, ct);
        return new SkillItems(skill,
            [.. items.Select(i => new ItemRow(i.Id, i.Key, i.Level, i.Descriptor, i.Kind, ItemMarkup.Text(i.Prompt), i.Retired, stats.GetValueOrDefault(i.Id, ItemStats.None)))],
            ItemBank.Gaps(items, [skill]));
    }

    // One pass over the skill's checks: each answer is one element of a check's jsonb list, written by SkillChecker
    // with enums by name. The groups compare the level a finished check measured with the item's level now.
    private const string StatsSql = """
        SELECT i.id,
               count(*),
               count(*) FILTER (WHERE a.value ->> 'response' = @right),
               count(*) FILTER (WHERE a.value ->> 'response' = @dontKnow),
               count(*) FILTER (WHERE c.state = @done AND c.level >= i.level),
               count(*) FILTER (WHERE c.state = @done AND c.level >= i.level AND a.value ->> 'response' = @right),
               count(*) FILTER (WHERE c.state = @done AND c.level < i.level),
               count(*) FILTER (WHERE c.state = @done AND c.level < i.level AND a.value ->> 'response' = @right)
        FROM skill_checks c
        CROSS JOIN LATERAL jsonb_array_elements(c.answers) AS a(value)
        JOIN check_items i ON i.id = (a.value ->> 'itemId')::int
        WHERE c.skill_id = @skill
        GROUP BY i.id
        """;

    private static async Task<Dictionary<int, ItemStats>> StatsAsync(CourseMatchDb db, int skillId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(StatsSql, (NpgsqlConnection)db.Database.GetDbConnection());
        cmd.Parameters.AddWithValue("skill", skillId);
        cmd.Parameters.AddWithValue("right", nameof(Response.Right));
        cmd.Parameters.AddWithValue("dontKnow", nameof(Response.DontKnow));
        cmd.Parameters.AddWithValue("done", nameof(CheckState.Done));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var stats = new Dictionary<int, ItemStats>();
        while (await r.ReadAsync(ct))
            stats[r.GetInt32(0)] = new ItemStats((int)r.GetInt64(1), (int)r.GetInt64(2), (int)r.GetInt64(3), (int)r.GetInt64(4),
                (int)r.GetInt64(5), (int)r.GetInt64(6), (int)r.GetInt64(7));
        return stats;
    }

    public async Task<ItemEntry?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var item = await db.CheckItems.AsNoTracking().Include(i => i.Skill).FirstOrDefaultAsync(i => i.Id == id, ct);
        return item is null ? null : Entry(item, item.Skill);
    }

    /// <summary>Adds an active item to the skill, under a key no other item has.</summary>
    public async Task<ReferenceEditOutcome<ItemEntry>> CreateAsync(int skillId, ItemRecord record, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Skills.AsNoTracking().FirstOrDefaultAsync(s => s.Id == skillId, ct) is not { } skill) return ReferenceEditOutcome<ItemEntry>.Missing();
        var (item, errors) = ItemBank.Check(record with { Retired = false }, skill, FormAt);
        if (item is null) return ReferenceEditOutcome<ItemEntry>.Invalid(Fields(errors));

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await OwnerOfKeyAsync(db, item.Key, ct) is { } owner) return KeyTaken(item.Key, owner);
        db.CheckItems.Add(item);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return KeyTaken(item.Key, null); }
        Audit.Record(db, actor, Entity, item.Id, "Created", null, ItemRecord.Of(item), Summary($"Created item {item.Key} ({skill.Name} level {item.Level})"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(Entry(item, skill), []);
    }

    /// <summary>
    /// Saves <paramref name="record"/> over the item, provided it still holds <paramref name="loaded"/> (what the admin
    /// started from): otherwise nothing is written and the stored item comes back as the conflict. The key and whether
    /// the item is retired are not the form's to change.
    /// </summary>
    public async Task<ReferenceEditOutcome<ItemEntry>> UpdateAsync(int id, ItemRecord loaded, ItemRecord record, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (items, row) = await LockAsync(db, id, ct);
        if (row is null) return ReferenceEditOutcome<ItemEntry>.Missing();
        var skill = await db.Skills.AsNoTracking().SingleAsync(s => s.Id == row.SkillId, ct);
        var stored = ItemRecord.Of(row);
        if (!Same(stored, loaded)) return ReferenceEditOutcome<ItemEntry>.Stale(Entry(row, skill));

        var (item, errors) = ItemBank.Check(record with { Retired = row.Retired }, skill, FormAt);
        if (item is null) return ReferenceEditOutcome<ItemEntry>.Invalid(Fields(errors));
        if (item.Key != row.Key)
            return ReferenceEditOutcome<ItemEntry>.Invalid([new FieldError("key",
                $"Key cannot change: exported files find this item by \"{row.Key}\". Create a new item for a new key.")]);
        var after = ItemRecord.Of(item);
        if (Same(stored, after)) return new(Entry(row, skill), []);

        var before = Counts(items);
        CopyContent(item, row);
        if (Losses(skill, before, Counts(items), $"Moving it to level {row.Level}").FirstOrDefault() is { } loss)
            return ReferenceEditOutcome<ItemEntry>.Invalid([new FieldError("level", loss)]);
        row.UpdatedAt = DateTimeOffset.UtcNow;
        Audit.Record(db, actor, Entity, id, "Updated", stored, after,
            Summary($"Updated item {row.Key} ({skill.Name} level {row.Level}): {string.Join(", ", ChangedFrom(stored, after))}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(Entry(row, skill), []);
    }

    /// <summary>
    /// Retires the item (no check asks it again; past checks keep it) or restores it. Retiring is refused, with the reason
    /// on the field "retired", when its level would be left short of active items.
    /// </summary>
    public async Task<ReferenceEditOutcome<ItemEntry>> RetireAsync(int id, bool retired, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (items, row) = await LockAsync(db, id, ct);
        if (row is null) return ReferenceEditOutcome<ItemEntry>.Missing();
        var skill = await db.Skills.AsNoTracking().SingleAsync(s => s.Id == row.SkillId, ct);
        if (row.Retired == retired) return new(Entry(row, skill), []);

        var before = Counts(items);
        var stored = ItemRecord.Of(row);
        row.Retired = retired;
        if (Losses(skill, before, Counts(items), "Retiring it").FirstOrDefault() is { } loss)
            return ReferenceEditOutcome<ItemEntry>.Invalid([new FieldError("retired", loss)]);
        row.UpdatedAt = DateTimeOffset.UtcNow;
        var action = retired ? "Retired" : "Restored";
        Audit.Record(db, actor, Entity, id, action, stored, ItemRecord.Of(row), Summary($"{action} item {row.Key} ({skill.Name} level {row.Level})"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(Entry(row, skill), []);
    }

    /// <summary>
    /// The items as JSON in the seed files' shape (<see cref="ItemFile"/>), retired ones included: one skill's file, or a
    /// list of every skill's. Null for an unknown skill.
    /// </summary>
    public async Task<string?> ExportAsync(int? skillId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var skills = await db.Skills.AsNoTracking().Where(s => skillId == null || s.Id == skillId).OrderBy(s => s.Id).ToListAsync(ct);
        if (skillId is not null && skills.Count == 0) return null;
        var ids = skills.Select(s => s.Id).ToList();
        var items = await db.CheckItems.AsNoTracking().Where(i => ids.Contains(i.SkillId)).OrderBy(i => i.Level).ThenBy(i => i.Id).ToListAsync(ct);
        var files = skills.Select(s => new ItemFile(s.Slug, [.. items.Where(i => i.SkillId == s.Id).Select(ItemRecord.Of)])).ToList();
        return skillId is null ? JsonSerializer.Serialize(files, ItemBank.Json) : JsonSerializer.Serialize(files[0], ItemBank.Json);
    }

    /// <summary>
    /// Reads an item file (or a list of them, as <see cref="ExportAsync"/> writes) and adds or updates its items by key,
    /// all or nothing: any problem (the JSON, an item's field, a key of another skill, a level left short) and nothing
    /// is written. Items the file does not name are left alone. One audit entry sums up what changed.
    /// </summary>
    public async Task<ItemImportReport> ImportAsync(string json, string actor, CancellationToken ct = default)
    {
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > MaxImportBytes)
            return ItemImportReport.Refused([$"The file is {bytes / (1024.0 * 1024):0.#} MB; an import takes at most {MaxImportBytes / (1024 * 1024)} MB. Split it by skill."]);
        var (files, problem) = Parse(json);
        if (files is null) return ItemImportReport.Refused([problem!]);
        var total = files.Sum(f => f.Items.Count);
        if (total > MaxImportItems)
            return ItemImportReport.Refused([$"The file holds {total:#,0} items; an import takes at most {MaxImportItems:#,0}. Split it by skill."]);

        await using var db = await dbs.CreateDbContextAsync(ct);
        var skills = await db.Skills.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);
        var bySlug = skills.ToDictionary(s => s.Slug);
        var errors = new List<string>();
        for (var f = 0; f < files.Count; f++)
            if (!bySlug.ContainsKey(files[f].Skill))
                errors.Add($"{(files.Count > 1 ? $"[{f}]." : "")}skill: '{Echoed.Short(files[f].Skill)}' is not one of the skills: {string.Join(", ", skills.Select(s => s.Slug))}.");
        if (errors.Count > 0) return ItemImportReport.Refused(errors);

        var touched = files.Select(f => bySlug[f.Skill]).DistinctBy(s => s.Id).ToList();
        var skillIds = touched.Select(s => s.Id).ToArray();
        var keys = files.SelectMany(f => f.Items).Select(r => r.Key?.Trim()).OfType<string>().Distinct().ToArray();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked: a retire or an edit meanwhile cannot slip between the counts below and the write.
        var stored = await db.CheckItems.FromSql($"SELECT * FROM check_items WHERE skill_id = ANY({skillIds}) OR key = ANY({keys}) ORDER BY id FOR UPDATE").ToListAsync(ct);
        var byKey = stored.ToDictionary(i => i.Key);
        var before = touched.ToDictionary(s => s.Id, s => Counts(stored.Where(i => i.SkillId == s.Id)));

        var plan = new List<(CheckItem Item, CheckItem? Row)>();
        var seen = new Dictionary<string, string>();
        foreach (var file in files)
        {
            var skill = bySlug[file.Skill];
            for (var i = 0; i < file.Items.Count; i++)
            {
                var at = $"{file.Skill}.items[{i}]";
                var (item, itemErrors) = ItemBank.Check(file.Items[i], skill, at);
                errors.AddRange(itemErrors);
                if (item is null) continue;
                if (!seen.TryAdd(item.Key, at))
                    errors.Add($"{at}.key: '{item.Key}' is in the file twice (also at {seen[item.Key]}).");
                else if (byKey.GetValueOrDefault(item.Key) is { } row && row.SkillId != skill.Id)
                    errors.Add($"{at}.key: '{item.Key}' is an item of {skills.Single(s => s.Id == row.SkillId).Name}; keys name one item, and an item stays in its skill.");
                else plan.Add((item, byKey.GetValueOrDefault(item.Key)));
            }
        }
        if (errors.Count > 0) return ItemImportReport.Refused(Listed(errors));

        int created = 0, updated = 0, unchanged = 0;
        var createdKeys = new List<string>();
        var updatedKeys = new List<string>();
        var now = DateTimeOffset.UtcNow;
        foreach (var (item, row) in plan)
        {
            if (row is null)
            {
                db.CheckItems.Add(item);
                stored.Add(item);
                created++;
                createdKeys.Add(item.Key);
            }
            else if (Same(ItemRecord.Of(row), ItemRecord.Of(item))) unchanged++;
            else
            {
                CopyContent(item, row);
                row.UpdatedAt = now;
                updated++;
                updatedKeys.Add(item.Key);
            }
        }
        foreach (var skill in touched)
            errors.AddRange(Losses(skill, before[skill.Id], Counts(stored.Where(i => i.SkillId == skill.Id)), "The import"));
        if (errors.Count > 0) return ItemImportReport.Refused(Listed(errors));

        var slugs = string.Join(", ", touched.Select(s => s.Slug));
        if (created + updated > 0)
        {
            Audit.Record(db, actor, Entity, Short(slugs, Limits.AuditEntityId), "Imported", null,
                new { created = createdKeys, updated = updatedKeys, unchanged },
                Summary($"Imported {total} item{(total == 1 ? "" : "s")} of {slugs}: {created} created, {updated} updated, {unchanged} unchanged"));
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e))
            {
                return ItemImportReport.Refused(["Someone created an item with one of the file's keys meanwhile; nothing was imported. Import the file again."]);
            }
            await tx.CommitAsync(ct);
        }
        return new ItemImportReport(created, updated, unchanged, [], ItemBank.Gaps(stored.Where(i => skillIds.Contains(i.SkillId)), touched));
    }

    /// <summary>The file's item files, or what is wrong with its JSON, naming the line and the place in the file.</summary>
    private static (List<ItemFile>? Files, string? Problem) Parse(string json)
    {
        const string Shape = "an item file, {\"skill\": \"linear-algebra\", \"items\": […]}, or a list of them, as the export writes";
        List<ItemFile?>? files;
        try
        {
            JsonValueKind root;
            using (var doc = JsonDocument.Parse(json)) root = doc.RootElement.ValueKind;
            // Read from the text (not the parsed document), so a field of the wrong type is named by its line too.
            files = root switch
            {
                JsonValueKind.Object => [JsonSerializer.Deserialize<ItemFile>(json, ItemBank.Json)],
                JsonValueKind.Array => JsonSerializer.Deserialize<List<ItemFile?>>(json, ItemBank.Json),
                _ => null,
            };
        }
        catch (JsonException e) { return (null, JsonProblem(e)); }
        if (files is null or []) return (null, $"The file must hold {Shape}.");

        for (var f = 0; f < files.Count; f++)
        {
            var where = files.Count > 1 ? $"[{f}]" : "the file";
            if (files[f] is not { } file) return (null, $"{where} is empty: it must be {Shape}.");
            if (string.IsNullOrWhiteSpace(file.Skill)) return (null, $"{where}: \"skill\" is required, the slug of the skill the items test.");
            if (file.Items is null) return (null, $"{file.Skill}: \"items\" is required, a list of items.");
            if (file.Items.IndexOf(null!) is var empty and >= 0) return (null, $"{file.Skill}.items[{empty}] is empty (null).");
        }
        return ([.. files.Select(f => f! with { Skill = f.Skill.Trim() })], null);
    }

    private static string JsonProblem(JsonException e)
    {
        var place = e.Path is { Length: > 1 } path ? $" ({path.TrimStart('$').TrimStart('.')})" : "";
        var line = e.LineNumber is long l ? $" at line {l + 1}, column {e.BytePositionInLine + 1}" : "";
        var message = e.Message;
        var reason = !message.Contains("could not be converted", StringComparison.Ordinal)
            ? message.Split([" Path:", " LineNumber:"], StringSplitOptions.None)[0].TrimEnd('.')
            : "the value there has the wrong type" + (
                message.Contains("System.Int32", StringComparison.Ordinal) || message.Contains("System.Decimal", StringComparison.Ordinal) ? ": a number is expected"
                : message.Contains("System.Boolean", StringComparison.Ordinal) ? ": true or false is expected"
                : message.Contains("List", StringComparison.Ordinal) ? ": a list is expected"
                : message.Contains("System.String", StringComparison.Ordinal) ? ": text is expected"
                : message.Contains("ItemFile", StringComparison.Ordinal) || message.Contains("ItemRecord", StringComparison.Ordinal) ? ": an object {…} is expected"
                : "");
        return $"The file is not valid item JSON{line}{place}: {reason}.";
    }

    private static List<string> Listed(List<string> errors) =>
        errors.Count <= MaxErrorsListed ? errors : [.. errors.Take(MaxErrorsListed), $"… and {errors.Count - MaxErrorsListed} more problems."];

    /// <summary>The item and its skill's other items, locked, so a count taken now still holds when the write commits.</summary>
    private static async Task<(List<CheckItem> Items, CheckItem? Row)> LockAsync(CourseMatchDb db, int id, CancellationToken ct)
    {
        var items = await db.CheckItems.FromSql(
            $"SELECT * FROM check_items WHERE skill_id = (SELECT skill_id FROM check_items WHERE id = {id}) ORDER BY id FOR UPDATE").ToListAsync(ct);
        return (items, items.FirstOrDefault(i => i.Id == id));
    }

    /// <summary>Active items at each level 1–4 (index 0 unused).</summary>
    private static int[] Counts(IEnumerable<CheckItem> items)
    {
        var counts = new int[Skill.MaxLevel + 1];
        foreach (var i in items.Where(i => !i.Retired && i.Level is >= 1 and <= Skill.MaxLevel)) counts[i.Level]++;
        return counts;
    }

    /// <summary>Each level a write would take below <see cref="ItemBank.PerLevel"/> active items, or lower while already below.</summary>
    private static IEnumerable<string> Losses(Skill skill, int[] before, int[] after, string doing)
    {
        for (var level = 1; level <= Skill.MaxLevel; level++)
            if (after[level] < ItemBank.PerLevel && after[level] < before[level])
                yield return $"{doing} would leave {skill.Name} level {level} with {after[level]} active item{(after[level] == 1 ? "" : "s")}; " +
                             $"a check needs {ItemBank.PerLevel}. Add another level {level} item first.";
    }

    private static void CopyContent(CheckItem from, CheckItem to)
    {
        (to.Level, to.Descriptor, to.Kind, to.Prompt, to.Choices) = (from.Level, from.Descriptor, from.Kind, from.Prompt, from.Choices);
        (to.Answer, to.Tolerance, to.Explanation, to.Retired) = (from.Answer, from.Tolerance, from.Explanation, from.Retired);
    }

    /// <summary>Whether two records say the same thing: an answer or a tolerance of 0.5 and one of 0.50 are one number.</summary>
    public static bool Same(ItemRecord a, ItemRecord b) =>
        a.Key == b.Key && a.Level == b.Level && a.Descriptor == b.Descriptor && Kind(a) == Kind(b) && a.Prompt == b.Prompt
        && (a.Choices ?? []).SequenceEqual(b.Choices ?? []) && ItemBank.Number(a.Answer) == ItemBank.Number(b.Answer)
        && (a.Tolerance ?? 0) == (b.Tolerance ?? 0) && (a.Explanation ?? "") == (b.Explanation ?? "") && a.Retired == b.Retired;

    private static ItemKind? Kind(ItemRecord r) => EnumText.TryParse(r.Kind, out ItemKind k) ? k : null;

    /// <summary>The fields that differ, for the audit summary: "prompt, answer".</summary>
    public static IEnumerable<string> ChangedFrom(ItemRecord before, ItemRecord after)
    {
        if (before.Level != after.Level) yield return "level";
        if (before.Descriptor != after.Descriptor) yield return "descriptor";
        if (Kind(before) != Kind(after)) yield return "kind";
        if (before.Prompt != after.Prompt) yield return "prompt";
        if (!(before.Choices ?? []).SequenceEqual(after.Choices ?? [])) yield return "choices";
        if (ItemBank.Number(before.Answer) != ItemBank.Number(after.Answer)) yield return "answer";
        if ((before.Tolerance ?? 0) != (after.Tolerance ?? 0)) yield return "tolerance";
        if ((before.Explanation ?? "") != (after.Explanation ?? "")) yield return "explanation";
    }

    private static ItemEntry Entry(CheckItem item, Skill skill) => new(item.Id, skill, ItemRecord.Of(item), item.UpdatedAt);

    private static async Task<string?> OwnerOfKeyAsync(CourseMatchDb db, string key, CancellationToken ct) =>
        await db.CheckItems.Where(i => i.Key == key).Select(i => i.Skill.Name).FirstOrDefaultAsync(ct);

    private static ReferenceEditOutcome<ItemEntry> KeyTaken(string key, string? owner) =>
        ReferenceEditOutcome<ItemEntry>.Invalid([new FieldError("key",
            $"Key \"{key}\" is already used by another item{(owner is null ? "" : $" ({owner})")}; a key names one item across every skill.")]);

    /// <summary>
    /// <see cref="ItemBank.Check"/>'s messages ("item.choices[1]: uses &lt;script&gt;…") as errors on the form's fields,
    /// worded to stand beside the field ("Option B uses &lt;script&gt;…").
    /// </summary>
    private static List<FieldError> Fields(IEnumerable<string> errors) => [.. errors.Select(e =>
    {
        var rest = e.StartsWith(FormAt + ".", StringComparison.Ordinal) ? e[(FormAt.Length + 1)..] : e;
        var colon = rest.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0) return new FieldError(FormAt, rest);
        var (field, message) = (rest[..colon], rest[(colon + 2)..]);
        var label = Label(field);
        return new FieldError(field, Verbs.Any(v => message.StartsWith(v, StringComparison.Ordinal)) ? $"{label} {message}" : $"{label}: {message}");
    })];

    private static readonly string[] Verbs = ["is ", "must ", "has ", "uses ", "cannot "];

    /// <summary>How a field is named in a sentence: "Prompt", "Option B".</summary>
    public static string Label(string field) => field switch
    {
        "choices" => "Options",
        _ when field.StartsWith("choices[", StringComparison.Ordinal) && int.TryParse(field[8..^1], CultureInfo.InvariantCulture, out var i) => $"Option {(char)('A' + i)}",
        { Length: > 0 } => char.ToUpperInvariant(field[0]) + field[1..],
        _ => field,
    };

    /// <summary>The field name of an option's errors: "choices[1]".</summary>
    public static string ChoiceField(int index) => $"choices[{index}]";

    private static string Summary(string text) => Short(text, Limits.AuditSummary);

    private static string Short(string? s, int max = 40) => s is null ? "" : s.Length <= max ? s : s[..(max - 1)] + "…";
}
