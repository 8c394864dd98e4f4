using System.Globalization;
using System.Security.Cryptography;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Learners;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.SkillChecks;

/// <summary>An item as the page shows it: never its answer.</summary>
public sealed record ItemView(int Id, ItemKind Kind, string Prompt, IReadOnlyList<string> Choices);

/// <summary>An answered item after the check: what was asked, what was given, what was right and why.</summary>
/// <param name="Given">The option chosen (item markup) for a choice item; the text the learner typed (plain text, never markup) for a number item.</param>
public sealed record ReviewItem(ItemKind Kind, string Prompt, IReadOnlyList<string> Choices, string? Given, string Right, Response Response, string Explanation);

/// <summary>Where a check stands: the item to answer now, or the result (with a review of the items).</summary>
public sealed record CheckView(string Token, string Skill, string SkillName, int? SelfRating, int Asked, ItemView? Current,
    int? Level, double? Confidence, IReadOnlyList<ReviewItem> Review)
{
    public int Max => AdaptiveLevel.MaxItems;
    public bool Done => Current is null;
}

/// <summary>What came of a request to the checker: the check as it stands, or the problem, naming the field.</summary>
public sealed record CheckOutcome(CheckView? Check, string? Field = null, string? Error = null, bool NotFound = false)
{
    public static CheckOutcome Refused(string field, string error) => new(null, field, error);
}

/// <summary>
/// Runs skills checks: starts one for a skill, takes one answer at a time (the item asked now, once), chooses the next
/// item (<see cref="AdaptiveLevel"/>) and settles the level. Everything is scored here; the page only ever sees prompts
/// and options.
/// </summary>
public sealed class SkillChecker(IDbContextFactory<CourseMatchDb> dbs)
{
    public const int MaxTokenLength = 64, MaxAnswerLength = 40;

    public async Task<CheckOutcome> StartAsync(string? skillSlug, int? selfRating, CancellationToken ct = default)
    {
        if (selfRating is < 0 or > Skill.MaxLevel) return CheckOutcome.Refused("selfRating", $"A self-rating is a level from 0 to {Skill.MaxLevel}.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        var skill = string.IsNullOrWhiteSpace(skillSlug) ? null : await db.Skills.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == skillSlug, ct);
        if (skill is null)
        {
            var slugs = await db.Skills.OrderBy(s => s.Id).Select(s => s.Slug).ToListAsync(ct);
            return CheckOutcome.Refused("skill", $"'{Echoed.Short(skillSlug)}' is not one of the skills: {string.Join(", ", slugs)}.");
        }
        var check = new SkillCheck { Token = NewToken(), SkillId = skill.Id, Skill = skill, SelfRating = selfRating };
        var items = await ActiveItemsAsync(db, skill.Id, ct);
        if (Next(check, items) is not { } first) return CheckOutcome.Refused("skill", $"There are no questions for {skill.Name} yet.");
        check.CurrentItemId = first.Id;
        db.Attach(skill);
        db.SkillChecks.Add(check);
        await db.SaveChangesAsync(ct);
        return new(View(check, skill, items));
    }

    /// <summary>The check as it stands (to resume after a reload); null for an unknown token.</summary>
    public async Task<CheckView?> GetAsync(string token, CancellationToken ct = default)
    {
        if (token.Length is 0 or > MaxTokenLength) return null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var check = await db.SkillChecks.AsNoTracking().Include(c => c.Skill).FirstOrDefaultAsync(c => c.Token == token, ct);
        return check is null ? null : View(check, check.Skill, await ItemsOfAsync(db, check, ct));
    }

    /// <summary>
    /// Scores the answer to the item asked now (<paramref name="given"/> null: "I don't know") and moves on. An answer to
    /// any other item (an earlier one, one never asked, a tampered id) or to a finished check changes nothing.
    /// </summary>
    public async Task<CheckOutcome> AnswerAsync(string token, int itemId, string? given, CancellationToken ct = default)
    {
        if (token.Length is 0 or > MaxTokenLength) return new(null, NotFound: true);
        given = string.IsNullOrWhiteSpace(given) ? null : given.Trim();
        if (given is { Length: > MaxAnswerLength }) return CheckOutcome.Refused("answer", $"An answer is at most {MaxAnswerLength} characters.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked: two submissions of the same answer (a double click, two tabs) are taken once.
        var check = await db.SkillChecks.FromSql($"SELECT * FROM skill_checks WHERE token = {token} FOR UPDATE").Include(c => c.Skill).FirstOrDefaultAsync(ct);
        if (check is null) return new(null, NotFound: true);
        if (check.State == CheckState.Done) return CheckOutcome.Refused("itemId", "This check is finished; start a new one to check again.");
        if (check.CurrentItemId != itemId)
            return CheckOutcome.Refused("itemId", check.Answers.Any(a => a.ItemId == itemId)
                ? "That question was already answered; here is the next one."
                : "That is not the question this check asked; answer the one shown.");

        var items = await ActiveItemsAsync(db, check.SkillId, ct);
        // Read on its own only when retired since it was asked.
        var item = items.FirstOrDefault(i => i.Id == itemId) ?? await db.CheckItems.AsNoTracking().FirstAsync(i => i.Id == itemId, ct);
        Response response;
        if (given is null) response = Response.DontKnow;
        else if (Score(item, given) is { } right) response = right ? Response.Right : Response.Wrong;
        else return CheckOutcome.Refused("answer", item.Kind == ItemKind.Choice
            ? $"Pick one of the {item.Choices.Length} options, or \"I don't know\"."
            : "Type a number, like 12 or 0.25, or choose \"I don't know\".");

        check.Answers = [.. check.Answers, new CheckAnswer(item.Id, item.Level, item.Options, response, given)];
        var next = Next(check, items);
        if (next is null || AdaptiveLevel.Done([.. check.Answered], itemsLeft: true))
        {
            var (level, confidence) = AdaptiveLevel.Estimate(AdaptiveLevel.Posterior(check.Answered));
            (check.State, check.CurrentItemId, check.Level, check.Confidence) = (CheckState.Done, null, level, Math.Round(confidence, 3));
        }
        else check.CurrentItemId = next.Id;
        check.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(View(check, check.Skill, await ItemsOfAsync(db, check, ct)));
    }

    /// <summary>
    /// The measured level of each skill in <paramref name="checks"/> (skill → token), read from the finished checks; or,
    /// for each that is not a finished check of that skill, an error naming "checks.{skill}". A level the page could
    /// simply claim is never trusted: only the token's check says it.
    /// </summary>
    public static async Task<(Dictionary<string, MeasuredLevel> Measured, Dictionary<string, string[]> Errors)> MeasuredAsync(
        CourseMatchDb db, IReadOnlyDictionary<string, string> checks, SkillTaxonomy taxonomy, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var skill in checks.Keys.Where(s => !taxonomy.Contains(s)))
            errors[$"checks.{Echoed.Short(skill)}"] = [$"'{Echoed.Short(skill)}' is not one of the skills: {string.Join(", ", taxonomy.Slugs)}."];
        var tokens = checks.Values.Where(t => t is { Length: > 0 and <= MaxTokenLength }).Distinct().ToArray();
        var found = await db.SkillChecks.AsNoTracking().Where(c => tokens.Contains(c.Token) && c.State == CheckState.Done)
            .Select(c => new { c.Token, c.Skill.Slug, c.Level, c.Confidence, c.SelfRating }).ToDictionaryAsync(c => c.Token, ct);
        var measured = new Dictionary<string, MeasuredLevel>();
        foreach (var (skill, token) in checks.Where(c => taxonomy.Contains(c.Key)))
        {
            if (token is not null && found.TryGetValue(token, out var c) && c.Slug == skill)
                measured[skill] = new MeasuredLevel(c.Level ?? 0, c.Confidence ?? 0, c.SelfRating, token);
            else errors[$"checks.{skill}"] = [$"That is not a finished check of {taxonomy.Names[skill]}: run the check again, or rate yourself."];
        }
        return (measured, errors);
    }

    /// <summary>True, false, or null when <paramref name="given"/> is not an answer this item can take.</summary>
    public static bool? Score(CheckItem item, string given)
    {
        if (item.Kind == ItemKind.Choice)
            return int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < item.Choices.Length
                ? index.ToString(CultureInfo.InvariantCulture) == item.Answer : null;
        // A learner may type 0,25 or 1/4: both are the number they mean.
        var text = given.Replace(',', '.').Replace(" ", "");
        decimal value;
        if (text.Split('/') is [var n, var d] && decimal.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            && decimal.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var den) && den != 0) value = num / den;
        else if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return null;
        return Math.Abs(value - decimal.Parse(item.Answer, CultureInfo.InvariantCulture)) <= Math.Max(item.Tolerance, 0.000001m);
    }

    /// <summary>
    /// The next item: at the level <see cref="AdaptiveLevel.NextLevel"/> chooses among the levels with an item not yet
    /// asked in this check, one of them at random (so learners comparing notes did not all see the same questions).
    /// </summary>
    private static CheckItem? Next(SkillCheck check, List<CheckItem> items)
    {
        var asked = check.Answers.Select(a => a.ItemId).ToHashSet();
        var left = items.Where(i => !asked.Contains(i.Id) && i.Id != check.CurrentItemId).ToList();
        var levels = left.Select(i => i.Level).ToHashSet();
        if (AdaptiveLevel.NextLevel([.. check.Answered], levels, level => left.Where(i => i.Level == level).Select(i => i.Options).DefaultIfEmpty(4).Max()) is not int next)
            return null;
        var atLevel = left.Where(i => i.Level == next).OrderBy(i => i.Id).ToList();
        return atLevel[Random.Shared.Next(atLevel.Count)];
    }

    private static Task<List<CheckItem>> ActiveItemsAsync(CourseMatchDb db, int skillId, CancellationToken ct) =>
        db.CheckItems.AsNoTracking().Where(i => i.SkillId == skillId && !i.Retired).ToListAsync(ct);

    /// <summary>The items the check has asked or asks now (retired since or not).</summary>
    private static Task<List<CheckItem>> ItemsOfAsync(CourseMatchDb db, SkillCheck check, CancellationToken ct)
    {
        var ids = check.Answers.Select(a => a.ItemId).Append(check.CurrentItemId ?? 0).ToArray();
        return db.CheckItems.AsNoTracking().Where(i => ids.Contains(i.Id)).ToListAsync(ct);
    }

    private static CheckView View(SkillCheck check, Skill skill, List<CheckItem> items)
    {
        var byId = items.ToDictionary(i => i.Id);
        var current = check.CurrentItemId is int id && byId.TryGetValue(id, out var item)
            ? new ItemView(item.Id, item.Kind, item.Prompt, item.Choices) : null;
        // The review shows answers only once the check is done: before, the page must not learn them.
        IReadOnlyList<ReviewItem> review = check.State != CheckState.Done ? [] : [.. check.Answers.Where(a => byId.ContainsKey(a.ItemId)).Select(a =>
        {
            var i = byId[a.ItemId];
            var right = i.Kind == ItemKind.Choice ? i.Choices[int.Parse(i.Answer, CultureInfo.InvariantCulture)] : i.Answer;
            var given = a.Given is null ? null : i.Kind == ItemKind.Choice && int.TryParse(a.Given, out var g) && g < i.Choices.Length ? i.Choices[g] : a.Given;
            return new ReviewItem(i.Kind, i.Prompt, i.Choices, given, right, a.Response, i.Explanation);
        })];
        return new CheckView(check.Token, skill.Slug, skill.Name, check.SelfRating, check.Answers.Count, current, check.Level, check.Confidence, review);
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

}
