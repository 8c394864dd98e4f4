using System.Globalization;
using System.Text.Json.Serialization;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Learners;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

/// <summary>A target role as the edit form holds it: text, checked by <see cref="RoleEditor"/>.</summary>
public sealed class RoleForm : ReferenceForm
{
    public string? Summary { get; set; }
    /// <summary>Skill slug → the target level as text ("0" to "4"); empty or missing: the role does not need the skill.</summary>
    public Dictionary<string, string?> Levels { get; set; } = [];
    /// <summary>Skill slug → why the role needs that level (or does not need the skill).</summary>
    public Dictionary<string, string?> Reasons { get; set; } = [];

    /// <summary>
    /// The stored values with a row for each of <paramref name="skills"/> (the taxonomy's slugs). A target kept under a
    /// slug the taxonomy no longer has is left out, so saving the form drops it (and the audit entry says so).
    /// </summary>
    public static RoleForm From(RoleValues v, IEnumerable<string> skills)
    {
        var form = new RoleForm { Slug = v.Slug, Name = v.Name, Summary = v.Summary };
        foreach (var skill in skills)
        {
            var target = v.Targets.GetValueOrDefault(skill);
            form.Levels[skill] = target?.Level?.ToString(CultureInfo.InvariantCulture) ?? "";
            form.Reasons[skill] = target?.Reason ?? "";
        }
        return form;
    }
}

/// <summary>A role's stored values: what the audit log records, and what an edit is checked against for conflicts.</summary>
/// <param name="Targets">Skill slug → target; a skill missing here is not needed (nor explained).</param>
public sealed record RoleValues(string Slug, string Name, string Summary, IReadOnlyDictionary<string, RoleTarget> Targets)
{
    public static RoleValues Of(TargetRole r) => new(r.Slug, r.Name, r.Summary, new Dictionary<string, RoleTarget>(r.Targets));

    /// <summary>How many skills the role wants a level in.</summary>
    [JsonIgnore]
    public int Targeted => Targets.Values.Count(t => t.Level is not null);

    public TargetRole ApplyTo(TargetRole row)
    {
        (row.Slug, row.Name, row.Summary) = (Slug, Name, Summary);
        // A new dictionary, so the jsonb column is written even if the change tracker compared the old one in place.
        row.Targets = new Dictionary<string, RoleTarget>(Targets);
        return row;
    }

    /// <summary>
    /// The fields that differ from <paramref name="before"/>, for the audit summary: "name", "summary", "Calculus target",
    /// "Calculus reason". Skills are named from <paramref name="taxonomy"/> and in its order when given, else by slug.
    /// </summary>
    public IEnumerable<string> ChangedFrom(RoleValues before, SkillTaxonomy? taxonomy = null)
    {
        if (before.Slug != Slug) yield return "slug";
        if (before.Name != Name) yield return "name";
        if (before.Summary != Summary) yield return "summary";
        var known = taxonomy?.Slugs.ToList() ?? [];
        var others = before.Targets.Keys.Union(Targets.Keys).Except(known).Order(StringComparer.Ordinal);
        foreach (var skill in known.Concat(others))
        {
            var (a, b) = (before.Targets.GetValueOrDefault(skill), Targets.GetValueOrDefault(skill));
            var label = taxonomy?.Names.GetValueOrDefault(skill) ?? skill;
            if (a?.Level != b?.Level) yield return $"{label} target";
            if ((a?.Reason ?? "") != (b?.Reason ?? "")) yield return $"{label} reason";
        }
    }

    public bool Equals(RoleValues? other) =>
        other is not null && Slug == other.Slug && Name == other.Name && Summary == other.Summary
        && Targets.Count == other.Targets.Count
        && Targets.All(t => other.Targets.TryGetValue(t.Key, out var o) && o == t.Value);

    // The targets count, not their content: equal values still hash alike, whatever order the dictionaries hold.
    public override int GetHashCode() => HashCode.Combine(Slug, Name, Summary, Targets.Count);
}

/// <param name="Position">Where the role is listed (0 first).</param>
public sealed record RoleRow(int Id, int Position, RoleValues Values);

/// <summary>
/// Lists, creates, edits and orders the target roles. Like the provider and skill editors: every write is checked first
/// (nothing is written when a field is wrong), audited in the same transaction, and refused when someone else saved the
/// role since the form loaded. Roles are not merged, so this stands alone rather than on
/// <see cref="ReferenceEditor{TEntity, TValues, TForm}"/>.
/// </summary>
/// <remarks>
/// An edit is effective at once: <see cref="SkillTaxonomy.LoadAsync(CourseMatchDb, CancellationToken)"/> reads the roles
/// on every use. Stored answers are not rewritten when a role's levels change: <see cref="LearnerProfile.Targets"/> is the
/// learner's own copy of the levels they aimed at when they answered, so their plans keep meaning what they meant. Only
/// the role's slug is followed (<see cref="LearnerProfile.TargetRole"/>), and only custom roles may change it.
/// </remarks>
public sealed class RoleEditor(IDbContextFactory<CourseMatchDb> dbs)
{
    public const string Entity = "TargetRole";
    private const string ExampleSlug = "data-engineer";

    /// <summary>
    /// The seeded roles' slugs. These never change: the seeder adds a seeded role whose slug is missing, the goals'
    /// defaults (<see cref="TargetRole.DefaultFor"/>) and the judged set name them, and API callers send them.
    /// </summary>
    private static readonly HashSet<string> Seeded = [.. TargetRole.Seed().Select(r => r.Slug)];

    public static bool IsSeeded(string slug) => Seeded.Contains(slug);

    /// <summary>The field name of a skill's target level, as errors name it: "level.calculus".</summary>
    public static string LevelField(string skill) => $"level.{skill}";

    /// <summary>The field name of a skill's reason: "reason.calculus".</summary>
    public static string ReasonField(string skill) => $"reason.{skill}";

    /// <summary>The field of errors about the targets as a whole.</summary>
    public const string TargetsField = "targets";

    public async Task<IReadOnlyList<RoleRow>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var roles = await db.TargetRoles.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        return [.. roles.Select(Row)];
    }

    public async Task<RoleRow?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.TargetRoles.AsNoTracking().Where(r => r.Id == id).ToListAsync(ct) is [var role] ? Row(role) : null;
    }

    /// <summary>The skills a role sets targets for, in the taxonomy's order.</summary>
    public async Task<IReadOnlyList<Skill>> SkillsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return (await SkillTaxonomy.LoadAsync(db, ct)).Skills;
    }

    /// <summary>The id of the role with this slug (for opening the page of one just created).</summary>
    public async Task<int?> IdOfAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.TargetRoles.Where(r => r.Slug == slug).Select(r => (int?)r.Id).SingleOrDefaultAsync(ct);
    }

    private static RoleRow Row(TargetRole r) => new(r.Id, r.Position, RoleValues.Of(r));

    /// <summary>Every field of the form against the rules and the taxonomy's skills: nothing is written unless this gives values.</summary>
    public static (RoleValues? Values, List<FieldError> Errors) Validate(RoleForm form, SkillTaxonomy taxonomy)
    {
        var errors = new List<FieldError>();
        var (slug, name) = ReferenceEdits.SlugAndName(form, Limits.SkillName, ExampleSlug, errors);

        var summary = ReferenceEdits.Trim(form.Summary);
        if (summary is null) errors.Add(new FieldError("summary", "Summary is required: one sentence on what the role does."));
        else if (summary.Length > Limits.SearchText) errors.Add(new FieldError("summary", $"Summary must be at most {Limits.SearchText} characters (it has {summary.Length})."));

        var targets = new Dictionary<string, RoleTarget>();
        var anyLevel = false;
        foreach (var skill in taxonomy.Skills)
        {
            var levelText = ReferenceEdits.Trim(form.Levels.GetValueOrDefault(skill.Slug));
            var reason = ReferenceEdits.Trim(form.Reasons.GetValueOrDefault(skill.Slug));
            anyLevel |= levelText is not null;
            int? level = null;
            if (levelText is not null)
            {
                if (int.TryParse(levelText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= Skill.MaxLevel) level = n;
                else errors.Add(new FieldError(LevelField(skill.Slug), $"{skill.Name} target must be a level from 0 to {Skill.MaxLevel}, or empty for not needed."));
            }
            if (reason is { Length: > Limits.RoleReason })
                errors.Add(new FieldError(ReasonField(skill.Slug), $"{skill.Name} reason must be at most {Limits.RoleReason} characters (it has {reason.Length})."));
            else if (reason is null && levelText is not null)
                errors.Add(new FieldError(ReasonField(skill.Slug), $"{skill.Name} reason is required with a target level: say in a line why the role needs it."));
            // A reason is kept for a skill the role does not need: it tells the learner why it is left out.
            if (level is not null || reason is not null) targets[skill.Slug] = new RoleTarget(level, reason ?? "");
        }

        var unknown = form.Levels.Where(l => ReferenceEdits.Trim(l.Value) is not null).Select(l => l.Key)
            .Concat(form.Reasons.Where(r => ReferenceEdits.Trim(r.Value) is not null).Select(r => r.Key))
            .Where(s => !taxonomy.Contains(s)).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var skill in unknown)
            errors.Add(new FieldError(TargetsField, $"There is no skill \"{Echoed.Short(skill)}\": a role sets targets only for the skills the catalog has."));
        if (!anyLevel && unknown.Count == 0)
            errors.Add(new FieldError(TargetsField, "A role needs a target level in at least one skill."));

        return errors.Count > 0 ? (null, errors) : (new RoleValues(slug!, name!, summary!, targets), errors);
    }

    public async Task<ReferenceEditOutcome<RoleValues>> CreateAsync(RoleForm form, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var taxonomy = await SkillTaxonomy.LoadAsync(db, ct);
        var (values, errors) = Validate(form, taxonomy);
        if (values is null) return ReferenceEditOutcome<RoleValues>.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.TargetRoles.AnyAsync(r => r.Slug == values.Slug, ct)) return SlugTaken(values.Slug);
        // Listed last. Two roles created at once may share a position; the id then orders them.
        var position = (await db.TargetRoles.MaxAsync(r => (int?)r.Position, ct) ?? -1) + 1;
        var row = values.ApplyTo(new TargetRole { Slug = values.Slug, Name = values.Name, Position = position });
        db.TargetRoles.Add(row);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return SlugTaken(values.Slug); }
        Audit.Record(db, actor, Entity, row.Id, "Created", null, values, Summary($"Created role {values.Name} ({values.Slug})"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(values, []);
    }

    /// <summary>
    /// Saves the form over the role, provided it still holds <paramref name="loaded"/> (what the admin started from):
    /// otherwise nothing is written and the stored values come back as the conflict.
    /// </summary>
    public async Task<ReferenceEditOutcome<RoleValues>> UpdateAsync(int id, RoleValues loaded, RoleForm form, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var taxonomy = await SkillTaxonomy.LoadAsync(db, ct);
        var (values, errors) = Validate(form, taxonomy);
        if (values is null) return ReferenceEditOutcome<RoleValues>.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked, so nobody changes it between this comparison and the write.
        var row = (await db.TargetRoles.FromSql($"SELECT * FROM target_roles WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (row is null) return ReferenceEditOutcome<RoleValues>.Missing();
        var stored = RoleValues.Of(row);
        if (!stored.Equals(loaded)) return ReferenceEditOutcome<RoleValues>.Stale(stored);
        if (stored.Equals(values)) return new(values, []);
        if (values.Slug != stored.Slug)
        {
            if (IsSeeded(stored.Slug))
                return ReferenceEditOutcome<RoleValues>.Invalid([new FieldError("slug",
                    $"Slug \"{stored.Slug}\" cannot change: it is a seeded role, which the goals' defaults, the judged set and API callers name.")]);
            if (await db.TargetRoles.AnyAsync(r => r.Slug == values.Slug && r.Id != id, ct)) return SlugTaken(values.Slug);
        }

        values.ApplyTo(row);
        Audit.Record(db, actor, Entity, id, "Updated", stored, values,
            Summary($"Updated role {values.Name} ({values.Slug}): {string.Join(", ", values.ChangedFrom(stored, taxonomy))}"));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (ReferenceEdits.IsUniqueViolation(e)) { return SlugTaken(values.Slug); }
        // Answers name their role by slug: they follow a rename. Their target levels are their own copy and stay.
        if (values.Slug != stored.Slug)
            await db.Database.ExecuteSqlAsync($"UPDATE learner_profiles SET target_role = {values.Slug} WHERE target_role = {stored.Slug}", ct);
        await tx.CommitAsync(ct);
        return new(values, []);
    }

    /// <summary>
    /// Moves the role one place up or down the list the questionnaire shows; false when it is already at that end or gone.
    /// The positions are renumbered 0, 1, 2… on the way, so gaps and ties left by concurrent creates disappear.
    /// </summary>
    public async Task<bool> MoveAsync(int id, bool up, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var roles = await db.TargetRoles.FromSql($"SELECT * FROM target_roles ORDER BY position, id FOR UPDATE").ToListAsync(ct);
        var from = roles.FindIndex(r => r.Id == id);
        var to = up ? from - 1 : from + 1;
        if (from < 0 || to < 0 || to >= roles.Count) return false;
        var role = roles[from];
        var before = role.Position;
        (roles[from], roles[to]) = (roles[to], roles[from]);
        for (var i = 0; i < roles.Count; i++) roles[i].Position = i;
        Audit.Record(db, actor, Entity, id, "Moved", new { position = before }, new { position = to },
            $"Moved role {role.Name} ({role.Slug}) {(up ? "up" : "down")}: now {to + 1} of {roles.Count}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>An audit summary that fits its column, however many skills changed.</summary>
    private static string Summary(string text) => text.Length <= Limits.AuditSummary ? text : text[..(Limits.AuditSummary - 1)] + "…";

    private static ReferenceEditOutcome<RoleValues> SlugTaken(string slug) =>
        ReferenceEditOutcome<RoleValues>.Invalid([new FieldError("slug", $"Slug \"{slug}\" is already used by another role.")]);
}
