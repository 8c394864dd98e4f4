using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Learners;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Recommendations;

/// <summary>What one track gains and loses with a change, and how many picks it has before and after.</summary>
/// <param name="EmptyReason">Why the track is empty after the change, when it is.</param>
public sealed record WhatIfTrack(string Key, IReadOnlyList<WhatIfPick> In, IReadOnlyList<WhatIfPick> Out, int Before, int After, string? EmptyReason);

/// <summary>A course that comes into or goes out of a track, and why.</summary>
public sealed record WhatIfPick(string Slug, string Title, string Provider, string Why);

/// <summary>What a plan would be with one answer changed: the change, a one-line summary, each track's difference, and the plan itself.</summary>
/// <param name="PathStart">The course the learning path would start with, when that changes.</param>
public sealed record WhatIfResult(string Change, string Summary, IReadOnlyList<WhatIfTrack> Tracks, string? PathStart, PlanDocument Plan)
{
    public bool Changes => Tracks.Any(t => t.In.Count > 0 || t.Out.Count > 0) || PathStart is not null;
}

/// <summary>The answers a what-if starts from: the ones it can change, as the plan's learner gave them.</summary>
/// <param name="Budget">The budget amount, or null for none.</param>
/// <param name="Format">in-person, online or any.</param>
/// <param name="Targets">Every skill: its name, the level now and the level wanted (null: not interested).</param>
public sealed record WhatIfAnswers(decimal? Budget, string Currency, bool BudgetStrict, int HoursPerWeek, string Format, bool HasPlace,
    IReadOnlyList<WhatIfSkill> Targets);

public sealed record WhatIfSkill(string Slug, string Name, int Now, int? Target);

/// <summary>For an empty track: what keeps it empty (the answers that, relaxed alone, would fill it).</summary>
/// <param name="Binds">One sentence per answer that binds, e.g. "Budget: without the $100 limit, 4 courses would fill it."</param>
public sealed record EmptyTrackCause(string Key, IReadOnlyList<string> Binds, string Summary);

/// <summary>
/// What-if on a stored plan: the plan ranked again with one answer changed, compared with the plan for the answers as
/// they are, and nothing stored unless the learner or advisor keeps it (<see cref="KeepAsync"/>).
/// </summary>
/// <remarks>
/// Both sides are ranked now, from the same stored answers, so every difference comes from the change and not from a
/// catalog or model that moved since the plan was made. Courses the learner dismissed, or their advisor excluded, stay out
/// of both, as they would of a kept plan.
/// </remarks>
public sealed class WhatIf(IDbContextFactory<CourseMatchDb> dbs, NpgsqlDataSource db, RecommendationService recommendations, Candidates candidates)
{
    public sealed record Outcome(WhatIfResult? Result, Dictionary<string, string[]> Errors, bool NotFound = false);

    public sealed record KeepOutcome(string? Token, int? PlanId, Dictionary<string, string[]> Errors, bool NotFound = false);

    private static readonly Track[] Tracks = [Track.InPerson, Track.Online, Track.Free];

    public async Task<Outcome> TryAsync(string token, WhatIfChange change, CancellationToken ct = default)
    {
        if (await StartAsync(token, change, ct) is not { } start) return new(null, [], NotFound: true);
        if (start.Errors.Count > 0) return new(null, start.Errors);
        var (before, after, context, where) = (start.Before, start.After!, start.Context, start.Where);

        var was = await recommendations.RankAsync(before, context, where, null, ct);
        var now = await recommendations.RankAsync(after, context, where with { BudgetUsd = Budget(after, context) }, null, ct);
        var explain = new Explainer(change, before, after, context.Taxonomy,
            was.Found.Select(c => c.Id).ToHashSet(), now.Found.Select(c => c.Id).ToHashSet());

        var tracks = Tracks.Select(t =>
        {
            var (old, @new) = (was.Tracks[t], now.Tracks[t]);
            var gone = old.Where(c => !@new.Any(n => n.Id == c.Id)).Select(c => new WhatIfPick(c.Slug, c.Title, c.Provider, explain.Out(c))).ToList();
            var come = @new.Where(c => !old.Any(o => o.Id == c.Id)).Select(c => new WhatIfPick(c.Slug, c.Title, c.Provider, explain.In(c))).ToList();
            var key = RecommendationService.TrackKey(t);
            return new WhatIfTrack(key, come, gone, old.Count, @new.Count, now.Recommendation.EmptyReasons.GetValueOrDefault(key));
        }).ToList();

        var plan = now.Document(after, context.Taxonomy);
        var wasStart = was.Recommendation.Path.FirstOrDefault();
        var pathStart = plan.Path.Count > 0 && now.Recommendation.Path[0] != wasStart ? plan.Path[0].Title : null;
        var phrase = change.Phrase(before, context.Taxonomy);
        return new(new WhatIfResult(phrase, Summarise(phrase, tracks), tracks, pathStart, plan), []);
    }

    /// <summary>The answers the plan was made from, as a what-if changes them; null when no plan has the token.</summary>
    public async Task<WhatIfAnswers?> AnswersAsync(string token, CancellationToken ct = default)
    {
        if (await StartAsync(token, null, ct) is not { } start) return null;
        var p = start.Before;
        return new WhatIfAnswers(p.BudgetAmount, p.BudgetCurrency, p.BudgetStrict, p.HoursPerWeek, p.Format.ToKebab(), start.Context.Place is not null,
            [.. start.Context.Taxonomy.Skills.Select(s => new WhatIfSkill(s.Slug, s.Name, p.Level(s.Slug),
                p.Targets.Count == 0 ? Skill.MaxLevel : p.Targets.GetValueOrDefault(s.Slug)))]);
    }

    /// <summary>
    /// Stores the plan for the changed answers as a new plan (new answers, new link); the old plan stays as it was. An
    /// advisor (<paramref name="ownerId"/>) keeps it for the learner the plan belongs to; anyone else with the plan's link
    /// gets a plan of their own, outside any advisor's caseload.
    /// </summary>
    public async Task<KeepOutcome> KeepAsync(string token, WhatIfChange change, string? ownerId = null, CancellationToken ct = default)
    {
        if (await StartAsync(token, change, ct) is not { } start) return new(null, null, [], NotFound: true);
        if (ownerId is not null && start.Stored.OwnerId != ownerId) return new(null, null, [], NotFound: true);
        if (start.Errors.Count > 0) return new(null, null, start.Errors);
        var after = start.After!;
        if (ownerId is null) (after.OwnerId, after.LearnerId) = (null, null);
        var (plan, id) = await recommendations.RankAndStoreAsync(after, start.Context, start.Where with { BudgetUsd = Budget(after, start.Context) }, storeProfile: true, ct);
        return new(plan.Token, id, []);
    }

    /// <summary>
    /// For each empty track of the stored plan, the answers that keep it empty: each is relaxed alone (the budget limit
    /// lifted, any format, four times the radius, a year to start, every skill wanted) and the track is filled again.
    /// </summary>
    public async Task<IReadOnlyList<EmptyTrackCause>> EmptyTrackCausesAsync(string token, CancellationToken ct = default)
    {
        if (await StartAsync(token, null, ct) is not { } start) return [];
        var (before, context, where) = (start.Before, start.Context, start.Where);
        var was = await recommendations.RankAsync(before, context, where, null, ct);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var causes = new List<EmptyTrackCause>();
        foreach (var track in Tracks.Where(t => was.Tracks[t].Count == 0))
        {
            var binds = new List<string>();
            foreach (var (relaxed, said) in Relaxations(before, track, context))
            {
                var found = await candidates.FindAsync(relaxed, where with { BudgetUsd = Budget(relaxed, context) }, today, ct);
                var fill = found.Where(c => relaxed.Gains(c.Teaches) && RecommendationService.InTrack(c, track)).ToList();
                if (fill.Count > 0) binds.Add($"{said}, {Courses(fill.Count)} would fill it.");
            }
            var summary = binds.Count switch
            {
                0 => "No single answer keeps it empty: relaxing each one alone still leaves no course here, so the catalog lacks one for this learner.",
                1 => "One answer keeps it empty.",
                var n => $"{n} answers keep it empty, each on its own.",
            };
            causes.Add(new EmptyTrackCause(RecommendationService.TrackKey(track), binds, summary));
        }
        return causes;
    }

    private static string Courses(int n) => n == 1 ? "1 course" : n >= Candidates.PerTrack ? $"more than {Candidates.PerTrack - 1} courses" : $"{n} courses";

    /// <summary>Each answer that narrows <paramref name="track"/>, relaxed alone, with what the sentence says of it.</summary>
    private static IEnumerable<(LearnerProfile Relaxed, string Said)> Relaxations(LearnerProfile p, Track track, LearnerContext context)
    {
        if (p.BudgetStrict && p.BudgetAmount is decimal budget && track != Track.Free)
            yield return (Copy(p, x => x.BudgetStrict = false), $"Budget: without the {Reasons.Money(budget, p.BudgetCurrency)} limit");
        if (track == Track.InPerson && p.Format == FormatPreference.Online && context.Place is not null)
            yield return (Copy(p, x => x.Format = FormatPreference.Any), "Format: with in-person courses allowed");
        if (track != Track.InPerson && p.Format == FormatPreference.InPerson)
            yield return (Copy(p, x => x.Format = FormatPreference.Any), "Format: with online courses allowed");
        if (track != Track.Online && p.Format != FormatPreference.Online && context.Place is not null && p.RadiusKm < LearnerProfile.MaxRadiusKm)
        {
            var radius = Math.Min(LearnerProfile.MaxRadiusKm, Math.Max(200, p.RadiusKm * 4));
            yield return (Copy(p, x => x.RadiusKm = radius), $"Distance: within {radius:#,0} km instead of {p.RadiusKm:#,0} km");
        }
        if (p.StartWithinWeeks < 52)
            yield return (Copy(p, x => x.StartWithinWeeks = 52), $"Start: within a year instead of {p.StartWithinWeeks} weeks");
        if (p.Targets.Count > 0 && p.Targets.Any(t => t.Value is null || t.Value < Skill.MaxLevel))
            yield return (Copy(p, x => x.Targets = []), "Targets: wanting every skill up to level 4");
    }

    private static LearnerProfile Copy(LearnerProfile p, Action<LearnerProfile> change)
    {
        var copy = p.Copy();
        change(copy);
        return copy;
    }

    private static decimal? Budget(LearnerProfile p, LearnerContext context) =>
        p.BudgetAmount is decimal b && context.UsdPerBudgetUnit is decimal r ? b * r : null;

    private sealed record Start(LearnerProfile Stored, LearnerProfile Before, LearnerProfile? After, LearnerContext Context, Candidates.Context Where, Dictionary<string, string[]> Errors);

    /// <summary>
    /// The stored answers as the questionnaire would read them back (<c>Before</c>), the same with the change
    /// (<c>After</c>), both as new answers of the same learner; null when no plan has the token.
    /// </summary>
    private async Task<Start?> StartAsync(string token, WhatIfChange? change, CancellationToken ct)
    {
        if (token.Length is 0 or > RecommendationService.MaxTokenLength) return null;
        await using var store = await dbs.CreateDbContextAsync(ct);
        var stored = await store.Recommendations.AsNoTracking().Where(r => r.Token == token).Select(r => r.Profile).FirstOrDefaultAsync(ct);
        if (stored is null) return null;
        var dismissed = (await store.Feedback.AsNoTracking().Where(f => f.ProfileId == stored.Id).OrderBy(f => f.Id)
                .Select(f => new { f.CourseId, f.Kind }).ToListAsync(ct))
            .GroupBy(f => f.CourseId).Where(g => LearnerReaction.From(g.Select(f => f.Kind)).Dismissed).Select(g => g.Key);

        var context = await LearnerContext.ReadAsync(db, stored, ct: ct);
        var where = context.ForCandidates(stored) with { ExcludedCourseIds = [.. context.ExcludedCourseIds.Concat(dismissed).Distinct()] };
        var input = ProfileInput.FromProfile(stored, context.Taxonomy);
        var before = Answers(input, stored, context.Taxonomy);
        if (change is null) return new(stored, before, null, context, where, []);

        change.ApplyTo(input, context.Taxonomy);
        var errors = input.Validate(context.Taxonomy);
        // The city is asked in the questionnaire, not here: say so under the answer being changed.
        if (input.WantsInPerson && (errors.Remove("location.city") | errors.Remove("location.country") || context.Place is null))
            errors[change.Field] = ["In-person courses need a city: change your answers to add one."];
        if (errors.Count > 0) return new(stored, before, null, context, where, errors);
        return new(stored, before, Answers(input, stored, context.Taxonomy), context, where, []);
    }

    /// <summary>The answers as a new profile of the same learner: where they are is the stored place, looked up when they were given.</summary>
    private static LearnerProfile Answers(ProfileInput input, LearnerProfile stored, SkillTaxonomy taxonomy)
    {
        var p = input.ToProfile(taxonomy);
        (p.OwnerId, p.LearnerId, p.PlaceId, p.City, p.Measured) = (stored.OwnerId, stored.LearnerId, stored.PlaceId, stored.City, stored.Measured);
        return p;
    }

    private static string Summarise(string change, IReadOnlyList<WhatIfTrack> tracks)
    {
        var moved = tracks.Sum(t => t.In.Count);
        var left = tracks.Sum(t => t.Out.Count);
        if (moved == 0 && left == 0) return $"{change}, your picks stay the same.";
        var parts = new List<string>();
        if (moved > 0) parts.Add(moved == 1 ? "1 course comes in" : $"{moved} courses come in");
        if (left > 0) parts.Add(left == 1 ? "1 goes out" : $"{left} go out");
        return $"{change}, {string.Join(" and ", parts)}.";
    }

    /// <summary>Why a course comes into or goes out of a track with the change: the change's own reason when it has one, else the ranking.</summary>
    private sealed class Explainer(WhatIfChange change, LearnerProfile before, LearnerProfile after, SkillTaxonomy taxonomy, HashSet<int> wasFound, HashSet<int> nowFound)
    {
        private readonly string phrase = change.Phrase(before, taxonomy);

        public string In(CandidateCourse c)
        {
            var newlyPossible = !wasFound.Contains(c.Id);
            var specific = change switch
            {
                BudgetChange when Price(c) is { } price => newlyPossible || Over(c, before) ? $"{phrase}, it fits: it costs {price}." : null,
                HoursChange h when c.WeeklyHours is decimal hours && hours > before.HoursPerWeek && hours <= h.HoursPerWeek =>
                    $"{phrase}, it fits: it asks {hours:0.#} hours a week.",
                HoursChange h when c.WeeklyHours is decimal hours && h.HoursPerWeek < before.HoursPerWeek && hours <= h.HoursPerWeek =>
                    $"It asks only {hours:0.#} hours a week, which your {h.HoursPerWeek} hours allow.",
                FormatChange when newlyPossible => $"{phrase}, it can be picked: it is {Format(c)}.",
                TargetChange t when c.Teaches.TryGetValue(t.Skill, out var level) && after.Gain(t.Skill, level) > 0 =>
                    $"It teaches {Skill(t.Skill)} to level {level}, which you would now want.",
                _ => null,
            };
            return specific ?? (newlyPossible ? $"{phrase}, it passes your answers and ranks among the top {RecommendationService.PerTrack}."
                : $"{phrase}, it ranks higher than the picks it replaces.");
        }

        public string Out(CandidateCourse c)
        {
            var excluded = !nowFound.Contains(c.Id);
            var specific = change switch
            {
                BudgetChange when excluded && Price(c) is { } price => $"It costs {price}, over the new budget.",
                BudgetChange when Over(c, after) && Price(c) is { } price => $"It costs {price}, over the new budget, so it ranks lower.",
                HoursChange h when c.WeeklyHours is decimal hours && hours > h.HoursPerWeek => $"It asks {hours:0.#} hours a week, more than {h.HoursPerWeek}.",
                FormatChange when excluded => $"It is {Format(c)}, which the change leaves out.",
                TargetChange t when excluded && c.Teaches.ContainsKey(t.Skill) =>
                    $"It would no longer take you anywhere you want to go: it teaches {Skill(t.Skill)}, and little else you still need.",
                _ => null,
            };
            return specific ?? (excluded ? $"{phrase}, it no longer passes your answers."
                : $"Other courses now rank above it.");
        }

        private string Skill(string slug) => taxonomy.Names.GetValueOrDefault(slug, slug);

        private static string Format(CandidateCourse c) => c.Format switch
        {
            CourseFormat.InPerson => "in person",
            CourseFormat.Hybrid => "hybrid (partly in person)",
            _ => "online",
        };

        private static string? Price(CandidateCourse c) => c.Price is decimal p ? Reasons.Money(p, c.Currency ?? "USD") : null;

        private static bool Over(CandidateCourse c, LearnerProfile p) =>
            p.BudgetAmount is decimal b && c.PriceInBudgetCurrency is decimal price && price > b;
    }
}
