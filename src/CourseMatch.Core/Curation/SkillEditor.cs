using CourseMatch.Catalog;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Curation;

/// <summary>A skill as the edit form holds it: text, checked by <see cref="SkillEditor"/>.</summary>
public sealed class SkillForm : ReferenceForm
{
    public string? Category { get; set; }
    /// <summary>Five descriptors, index = level 0–4.</summary>
    public string?[] Levels { get; set; } = new string?[Skill.MaxLevel + 1];

    public static SkillForm From(SkillValues v) => new() { Slug = v.Slug, Name = v.Name, Category = v.Category, Levels = [.. v.Levels] };
}

/// <summary>A skill's stored values: what the audit log records, and what an edit is checked against for conflicts.</summary>
public sealed record SkillValues(string Slug, string Name, string Category, IReadOnlyList<string> Levels) : IReferenceValues<SkillValues, Skill>
{
    public static SkillValues Of(Skill s) => new(s.Slug, s.Name, s.Category.ToKebab(), [.. s.LevelDescriptors]);

    public Skill ToNew() => ApplyTo(new Skill { Slug = Slug, Name = Name });

    public Skill ApplyTo(Skill row)
    {
        (row.Slug, row.Name) = (Slug, Name);
        row.Category = EnumText.TryParse<SkillCategory>(Category, out var category) ? category : default;
        if (!row.LevelDescriptors.SequenceEqual(Levels)) row.LevelDescriptors = [.. Levels];
        return row;
    }

    public IEnumerable<string> ChangedFrom(SkillValues a) =>
        new[] { a.Slug != Slug ? "slug" : null, a.Name != Name ? "name" : null, a.Category != Category ? "category" : null }
            .Concat(Enumerable.Range(0, Skill.MaxLevel + 1).Select(i => a.Levels[i] != Levels[i] ? $"level {i}" : null)).OfType<string>();

    public bool Equals(SkillValues? other) =>
        other is not null && Slug == other.Slug && Name == other.Name && Category == other.Category && Levels.SequenceEqual(other.Levels);

    public override int GetHashCode() => HashCode.Combine(Slug, Name, Category, string.Join('\n', Levels));
}

public sealed record SkillRow(int Id, string Slug, string Name, string Category, IReadOnlyList<string> Levels, int TaughtBy, int RequiredBy)
{
    public SkillValues Values => new(Slug, Name, Category, Levels);
}

/// <summary>What merging a duplicate skill would change, for the confirmation.</summary>
public sealed record SkillMergePreview(int TaughtBy, int RequiredBy, int Courses);

/// <summary>
/// Lists, creates, edits and merges skills; the writes are <see cref="ReferenceEditor{TEntity, TValues, TForm}"/>'s.
/// A merge moves what the duplicate's courses teach and require onto the survivor.
/// </summary>
/// <remarks>
/// Learner profiles and plans keep levels keyed by skill slug (<see cref="Learners.LearnerProfile.Skills"/>), and so do
/// their targets and the target roles. A rename or a merge moves those keys to the slug that stays
/// (<see cref="SlugChangedAsync"/>), in the same transaction, so an old profile keeps its answers and targets, its plans
/// their "where the plan takes you", and a role its target in the skill.
/// </remarks>
public sealed class SkillEditor(IDbContextFactory<CourseMatchDb> dbs)
    : ReferenceEditor<Skill, SkillValues, SkillForm>(dbs, "Skill", Limits.SkillName, "linear-algebra")
{
    public async Task<IReadOnlyList<SkillRow>> ListAsync(string? search = null, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        var query = db.Skills.AsNoTracking();
        if (ReferenceEdits.Trim(search) is { } text)
        {
            var pattern = "%" + ReferenceEdits.Like(text) + "%";
            query = query.Where(s => EF.Functions.ILike(s.Name, pattern, "\\") || EF.Functions.ILike(s.Slug, pattern, "\\"));
        }
        return await Rows(db, query.OrderBy(s => s.Category).ThenBy(s => s.Name), ct);
    }

    public async Task<SkillRow?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        return (await Rows(db, db.Skills.AsNoTracking().Where(s => s.Id == id), ct)).SingleOrDefault();
    }

    private static async Task<List<SkillRow>> Rows(CourseMatchDb db, IQueryable<Skill> query, CancellationToken ct)
    {
        var rows = await query.Select(s => new
        {
            s.Id, s.Slug, s.Name, s.Category, s.LevelDescriptors,
            Taught = db.CourseSkills.Count(cs => cs.SkillId == s.Id),
            Required = db.CoursePrerequisites.Count(cp => cp.SkillId == s.Id),
        }).ToListAsync(ct);
        return [.. rows.Select(r => new SkillRow(r.Id, r.Slug, r.Name, r.Category.ToKebab(), r.LevelDescriptors, r.Taught, r.Required))];
    }

    /// <summary>Category and the five level descriptors against the rules.</summary>
    protected override SkillValues? Check(SkillForm form, string? slug, string? name, List<FieldError> errors)
    {
        var category = ReferenceEdits.Choice<SkillCategory>(form.Category, "category", errors);

        var levels = new string[Skill.MaxLevel + 1];
        for (var level = 0; level <= Skill.MaxLevel; level++)
        {
            var text = ReferenceEdits.Trim(level < form.Levels.Length ? form.Levels[level] : null);
            if (text is null) errors.Add(new FieldError(LevelField(level), $"Level {level} descriptor is required: what a person at level {level} can do."));
            else if (text.Length > Limits.SkillDescriptor) errors.Add(new FieldError(LevelField(level), $"Level {level} descriptor must be at most {Limits.SkillDescriptor} characters (it has {text.Length})."));
            else levels[level] = text;
        }
        return errors.Count > 0 ? null : new SkillValues(slug!, name!, category.ToKebab(), levels);
    }

    /// <summary>The field name of a level descriptor, as errors name it: "level0" … "level4".</summary>
    public static string LevelField(int level) => $"level{level}";

    public async Task<SkillMergePreview> PreviewMergeAsync(int duplicateId, CancellationToken ct = default)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        var taught = await db.CourseSkills.CountAsync(s => s.SkillId == duplicateId, ct);
        var required = await db.CoursePrerequisites.CountAsync(s => s.SkillId == duplicateId, ct);
        var courses = await db.CourseSkills.Where(s => s.SkillId == duplicateId).Select(s => s.CourseId)
            .Union(db.CoursePrerequisites.Where(s => s.SkillId == duplicateId).Select(s => s.CourseId)).CountAsync(ct);
        return new(taught, required, courses);
    }

    /// <summary>
    /// Moves what the duplicate's courses teach and require onto the survivor, then deletes the duplicate: one
    /// transaction, one audit entry on the survivor with every affected course's levels before and after.
    /// </summary>
    /// <remarks>
    /// When a course has both skills: it <b>teaches</b> the survivor at the <b>higher</b> of the two levels (it takes a
    /// learner at least that far in what is now one skill), and <b>requires</b> it at the <b>lower</b> of the two minimum
    /// levels (a learner who met either requirement is not shut out by the merge). A course may then require the merged
    /// skill at or above the level it teaches, which the course rules forbid; that prerequisite is dropped, since a
    /// course cannot ask for what it teaches, and the audit entry and the outcome's note say how many were.
    /// </remarks>
    protected override async Task<MergeMoved> MoveAsync(CourseMatchDb db, Skill survivor, Skill duplicate, CancellationToken ct)
    {
        var (survivorId, duplicateId) = (survivor.Id, duplicate.Id);
        var courseIds = await db.CourseSkills.Where(s => s.SkillId == duplicateId).Select(s => s.CourseId)
            .Union(db.CoursePrerequisites.Where(s => s.SkillId == duplicateId).Select(s => s.CourseId)).ToListAsync(ct);
        var before = await LevelsAsync(db, courseIds, [survivorId, duplicateId], ct);

        int[] ids = [.. courseIds];
        await db.Database.ExecuteSqlAsync($"""
            UPDATE course_skills a SET level = GREATEST(a.level, b.level)
              FROM course_skills b WHERE a.skill_id = {survivorId} AND b.skill_id = {duplicateId} AND a.course_id = b.course_id;
            DELETE FROM course_skills b USING course_skills a
              WHERE b.skill_id = {duplicateId} AND a.skill_id = {survivorId} AND a.course_id = b.course_id;
            UPDATE course_skills SET skill_id = {survivorId} WHERE skill_id = {duplicateId};
            UPDATE course_prerequisites a SET min_level = LEAST(a.min_level, b.min_level)
              FROM course_prerequisites b WHERE a.skill_id = {survivorId} AND b.skill_id = {duplicateId} AND a.course_id = b.course_id;
            DELETE FROM course_prerequisites b USING course_prerequisites a
              WHERE b.skill_id = {duplicateId} AND a.skill_id = {survivorId} AND a.course_id = b.course_id;
            UPDATE course_prerequisites SET skill_id = {survivorId} WHERE skill_id = {duplicateId};
            """, ct);
        var dropped = await db.Database.ExecuteSqlAsync($"""
            DELETE FROM course_prerequisites p USING course_skills s
              WHERE p.skill_id = {survivorId} AND s.skill_id = {survivorId} AND p.course_id = s.course_id
                AND p.min_level >= s.level AND p.course_id = ANY({ids})
            """, ct);
        var after = await LevelsAsync(db, courseIds, [survivorId], ct);

        var note = dropped == 0 ? null
            : $"{(dropped == 1 ? "1 prerequisite was" : $"{dropped} prerequisites were")} dropped: the course now teaches {survivor.Name} at or below the level it required.";
        var kept = SkillValues.Of(survivor);
        return new(new { survivor = kept, duplicate = SkillValues.Of(duplicate), duplicateId, courses = before },
            new { survivor = kept, courses = after }, courseIds.Count, note);
    }

    /// <summary>Per course slug: the levels it teaches and requires of the given skills, by skill slug (for the audit entry).</summary>
    private static async Task<Dictionary<string, object>> LevelsAsync(CourseMatchDb db, List<int> courseIds, int[] skillIds, CancellationToken ct)
    {
        var taught = await db.CourseSkills.Where(s => courseIds.Contains(s.CourseId) && skillIds.Contains(s.SkillId))
            .Select(s => new { Course = db.Courses.Where(c => c.Id == s.CourseId).Select(c => c.Slug).First(), Skill = s.Skill.Slug, s.Level }).ToListAsync(ct);
        var required = await db.CoursePrerequisites.Where(s => courseIds.Contains(s.CourseId) && skillIds.Contains(s.SkillId))
            .Select(s => new { Course = db.Courses.Where(c => c.Id == s.CourseId).Select(c => c.Slug).First(), Skill = s.Skill.Slug, s.MinLevel }).ToListAsync(ct);
        return taught.Select(t => t.Course).Concat(required.Select(r => r.Course)).Distinct().Order(StringComparer.Ordinal).ToDictionary(c => c, c => (object)new
        {
            teaches = taught.Where(t => t.Course == c).ToDictionary(t => t.Skill, t => t.Level),
            requires = required.Where(r => r.Course == c).ToDictionary(r => r.Skill, r => r.MinLevel),
        });
    }

    protected override Task RefreshKeywordsAsync(CourseMatchDb db, int id, CancellationToken ct) => ReferenceEdits.RefreshSkillKeywordsAsync(db, id, ct);

    /// <summary>
    /// Stored answers and plans key levels by skill slug (they are read back as the learner gave them), so when a slug
    /// goes away (renamed, or merged into another skill) its levels move to the slug that stays. A learner who rated
    /// both skills of a merge keeps the higher level: it is one skill now, and they knew it at least that well. Their
    /// targets likewise: the higher one, and "not interested" only if they wanted neither. A target role keeps the
    /// target (level and reason) with the higher level, the survivor's on a tie.
    /// </summary>
    protected override async Task SlugChangedAsync(CourseMatchDb db, string from, string to, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE learner_profiles SET skills = (skills - {from}) || jsonb_build_object({to},
                GREATEST(coalesce((skills ->> {to})::int, 0), (skills ->> {from})::int))
              WHERE jsonb_exists(skills, {from});
            UPDATE learner_profiles SET targets = (targets - {from}) || jsonb_build_object({to},
                GREATEST((targets ->> {to})::int, (targets ->> {from})::int))
              WHERE jsonb_exists(targets, {from});
            UPDATE recommendations SET reaches = (reaches - {from}) || jsonb_build_object({to},
                GREATEST(coalesce((reaches ->> {to})::int, 0), (reaches ->> {from})::int))
              WHERE jsonb_exists(reaches, {from});
            UPDATE target_roles SET targets = (targets - {from}) || CASE
                WHEN NOT jsonb_exists(targets, {to})
                  OR coalesce((targets -> {from} ->> 'Level')::int, -1) > coalesce((targets -> {to} ->> 'Level')::int, -1)
                THEN jsonb_build_object({to}, targets -> {from}) ELSE jsonb_build_object() END
              WHERE jsonb_exists(targets, {from});
            """, ct);
}
