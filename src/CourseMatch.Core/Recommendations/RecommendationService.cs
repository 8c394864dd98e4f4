using System.Security.Cryptography;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Learners;
using CourseMatch.Operations;
using CourseMatch.Places;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CourseMatch.Recommendations;

/// <summary>
/// Candidates → features → ranker → tracks → learning path → reasons, stored as a plan with a share token.
/// A recommendation reads what it needs once: the taxonomy, place and exchange rate in one batch
/// (<see cref="LearnerContext"/>), the candidates in one statement, then stores the profile and the plan together
/// and builds the document from what it already holds.
/// </summary>
public sealed class RecommendationService(IDbContextFactory<CourseMatchDb> dbs, NpgsqlDataSource db, Candidates candidates, IRankerSource rankers)
{
    public const int PerTrack = 5;

    /// <param name="PlanId">The stored plan's id (advisors' pages link to it); the public link is the plan's token.</param>
    public sealed record Outcome(PlanDocument? Plan, Dictionary<string, string[]> Errors, int? PlanId = null);

    public async Task<Outcome> RecommendAsync(ProfileInput input, CancellationToken ct = default, string? ownerId = null, int? learnerId = null)
    {
        // Only a city and country that could pass validation are looked up; anything else is reported by Validate.
        var city = input.City?.Trim() is { Length: > 0 and <= ProfileInput.MaxCityLength } c ? c : null;
        var country = input.Country?.Trim() is { Length: 2 } k ? k : null;
        var context = await LearnerContext.ReadAsync(db, city, country, input.BudgetCurrency, learnerId, ct: ct);

        var errors = input.Validate(context.Taxonomy);
        if (errors.Count > 0) return new(null, errors);

        var profile = input.ToProfile(context.Taxonomy);
        if (input.Checks is { Count: > 0 } checks)
        {
            await using var store = await dbs.CreateDbContextAsync(ct);
            var (measured, wrong) = await SkillChecks.SkillChecker.MeasuredAsync(store, checks, context.Taxonomy, ct);
            if (wrong.Count > 0) return new(null, wrong);
            profile.Measured = measured;
        }
        profile.OwnerId = ownerId;
        profile.LearnerId = learnerId;
        if (profile.City is { } askedCity && profile.Country is { } askedCountry)
        {
            if (context.Place is not { } place)
            {
                var suggestions = await Gazetteer.SuggestAsync(db, askedCity, askedCountry, ct);
                var hint = suggestions.Count > 0 ? $" Did you mean {string.Join(", ", suggestions)}?" : "";
                return new(null, new() { ["location.city"] = [$"We do not know a city called '{askedCity}' in {askedCountry}.{hint}"] });
            }
            profile.PlaceId = place.Id;
            profile.City = place.Name;
        }
        if (context.UsdPerBudgetUnit is null)
            return new(null, new() { ["budget.currency"] = [$"We have no exchange rate for {profile.BudgetCurrency}; use USD, EUR, GBP or another common currency."] });

        var (plan, planId) = await RankAndStoreAsync(profile, context, storeProfile: true, ct);
        return new(plan, [], planId);
    }

    /// <summary>Ranks again for a stored profile and stores the new plan.</summary>
    public async Task<PlanDocument> GenerateAsync(LearnerProfile profile, CancellationToken ct = default) =>
        (await RankAndStoreAsync(profile, await LearnerContext.ReadAsync(db, profile, ct: ct), storeProfile: false, ct)).Plan;

    private Task<(PlanDocument Plan, int Id)> RankAndStoreAsync(LearnerProfile profile, LearnerContext context, bool storeProfile, CancellationToken ct) =>
        RankAndStoreAsync(profile, context, context.ForCandidates(profile), storeProfile, ct);

    /// <summary>Ranks with the candidate filters given and stores the plan (with the profile when it is new).</summary>
    internal async Task<(PlanDocument Plan, int Id)> RankAndStoreAsync(LearnerProfile profile, LearnerContext context, Candidates.Context where, bool storeProfile,
        CancellationToken ct)
    {
        using var timing = CourseMatchTelemetry.StartRecommendation();
        var ranked = await RankAsync(profile, context, where, timing, ct);
        var recommendation = ranked.Recommendation;
        await using (var store = await dbs.CreateDbContextAsync(ct))
        {
            if (storeProfile) recommendation.Profile = profile;
            else recommendation.ProfileId = profile.Id;
            store.Recommendations.Add(recommendation);
            await store.SaveChangesAsync(ct);
        }
        var document = ranked.Document(profile, context.Taxonomy);
        timing.Stored(recommendation.Id);
        return (document, recommendation.Id);
    }

    /// <summary>A plan ranked and not yet stored: the recommendation to store, and the candidates each track chose from.</summary>
    /// <param name="Found">Every candidate that takes the learner somewhere they want to go.</param>
    /// <param name="Tracks">Each track's picks in rank order.</param>
    internal sealed record Ranked(Recommendation Recommendation, List<CandidateCourse> Found, IReadOnlyDictionary<Track, List<CandidateCourse>> Tracks)
    {
        public PlanDocument Document(LearnerProfile profile, SkillTaxonomy taxonomy)
        {
            var byId = Found.ToDictionary(c => c.Id);
            return PlanDocument.From(Recommendation, profile.LearnerId is not null, profile.Skills, taxonomy, id =>
            {
                var c = byId[id];
                return new PlanCourse(c.Slug, c.Title, c.Provider, c.Format, c.Price, c.Currency, c.FreeToAudit, c.PaidUnlisted, c.City, c.Country);
            });
        }
    }

    /// <summary>Candidates → features → ranker → tracks → path → reasons, for a plan that is stored or only looked at (what-if).</summary>
    internal async Task<Ranked> RankAsync(LearnerProfile profile, LearnerContext context, Candidates.Context where, CourseMatchTelemetry.RecommendationTiming? timing, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var found = await candidates.FindAsync(profile, where, today, ct);
        timing?.CandidatesRead(found.Count);
        // A course that takes the learner nowhere they want to go is no pick, however well it fits otherwise.
        found.RemoveAll(c => !profile.Gains(c.Teaches));

        var features = found.Select(c => FeatureVector.Compute(profile, c, today)).ToList();
        var ranker = await rankers.GetAsync(ct);
        var scores = features.Count == 0 ? [] : ranker.Score(features);

        var ranked = found.Select((c, i) => (Course: c, Score: (double)scores[i], Features: features[i])).ToList();
        var tracks = new Dictionary<Track, List<(CandidateCourse Course, double Score, float[] Features)>>
        {
            [Track.InPerson] = Top(ranked.Where(r => InTrack(r.Course, Track.InPerson))),
            [Track.Online] = Top(ranked.Where(r => InTrack(r.Course, Track.Online))),
            [Track.Free] = Top(ranked.Where(r => InTrack(r.Course, Track.Free))),
        };
        timing?.Ranked(ranker.Kind, ranker.ModelVersionId);

        var recommendation = new Recommendation { Token = NewToken(), Ranker = ranker.Kind, ModelVersionId = ranker.ModelVersionId };
        foreach (var (track, picks) in tracks)
            recommendation.Items.AddRange(picks.Select((p, i) => new RecommendationItem
            {
                CourseId = p.Course.Id, Track = track, Rank = i + 1, Position = i + 1, Score = Math.Round(p.Score, 4),
                Reasons = Reasons.For(profile, p.Course, context.Taxonomy.Names, context.Place?.Name, context.Taxonomy.Role(profile.TargetRole)?.Name), Features = p.Features,
            }));

        var path = LearningPath.Order(tracks.Values.SelectMany(t => t).Select(p => (p.Course, p.Score)).DistinctBy(p => p.Course.Id).ToList(), profile.Skills,
            profile.Targets.Count == 0 ? null : course => LearningPath.Foundation(profile, course));
        recommendation.Path = path.Select(c => c.Id).ToArray();
        recommendation.Reaches = profile.Skills.ToDictionary(s => s.Key,
            s => Math.Max(s.Value, path.Select(c => c.Teaches.GetValueOrDefault(s.Key)).DefaultIfEmpty(0).Max()));
        foreach (var track in tracks.Where(t => t.Value.Count == 0).Select(t => t.Key))
            recommendation.EmptyReasons[TrackKey(track)] = WhyEmpty(track, profile);
        return new Ranked(recommendation, found, tracks.ToDictionary(t => t.Key, t => t.Value.Select(p => p.Course).ToList()));
    }

    /// <summary>Which track a candidate can be picked in: in person (paid, in a classroom or hybrid), online (paid) or free.</summary>
    internal static bool InTrack(CandidateCourse c, Track track) => track switch
    {
        Track.InPerson => c.IsInPerson && !c.IsFree,
        Track.Online => c.Format == CourseFormat.Online && !c.IsFree,
        _ => c.IsFree,
    };

    private static List<(CandidateCourse Course, double Score, float[] Features)> Top(IEnumerable<(CandidateCourse Course, double Score, float[] Features)> rows) =>
        rows.OrderByDescending(r => r.Score).ThenBy(r => r.Course.Id).Take(PerTrack).ToList();

    public static string TrackKey(Track t) => t switch { Track.InPerson => "inPerson", Track.Online => "online", _ => "free" };

    internal static string WhyEmpty(Track track, LearnerProfile p)
    {
        var budget = p.BudgetStrict && p.BudgetAmount is decimal b ? $" within your {Reasons.Money(b, p.BudgetCurrency)} budget" : "";
        return track switch
        {
            Track.InPerson when p.Format == FormatPreference.Online => "You asked for online courses only.",
            Track.InPerson when p.PlaceId is null => "Tell us your city to see in-person courses near you.",
            Track.InPerson => $"No in-person course within {p.RadiusKm:#,0} km of {p.City}{budget} teaches what you still need.",
            Track.Online when p.Format == FormatPreference.InPerson => "You asked for in-person courses only.",
            Track.Online => $"No paid online course{budget} teaches what you still need in {Languages.Name(p.Language)}.",
            _ => p.Format == FormatPreference.InPerson
                ? $"No free in-person course within {p.RadiusKm:#,0} km of {p.City} teaches what you still need."
                : $"No free course in {Languages.Name(p.Language)} teaches what you still need.",
        };
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    /// <summary>The stored plan as a document, or null for an unknown token.</summary>
    public async Task<PlanDocument?> LoadAsync(string token, CancellationToken ct = default)
    {
        if (token.Length is 0 or > MaxTokenLength) return null;
        await using var context = await dbs.CreateDbContextAsync(ct);
        var r = await context.Recommendations.AsNoTracking()
            .Include(x => x.Profile)
            .Include(x => x.Items).ThenInclude(i => i.Course).ThenInclude(c => c.Provider)
            .AsSplitQuery()
            .FirstOrDefaultAsync(x => x.Token == token, ct);
        if (r is null) return null;
        var taxonomy = await SkillTaxonomy.LoadAsync(context, ct);
        var courses = r.Items.Select(i => i.Course).DistinctBy(c => c.Id).ToDictionary(c => c.Id, c =>
            new PlanCourse(c.Slug, c.Title, c.Provider.Name, c.Format, c.Price, c.Currency, c.FreeToAudit, c.PaidUnlisted, c.City, c.Country));
        return PlanDocument.From(r, r.Profile.LearnerId is not null, r.Profile.Skills, taxonomy, id => courses[id]);
    }

    /// <summary>Share tokens are 24 characters; anything much longer is not one.</summary>
    public const int MaxTokenLength = 64;

    public static readonly string[] LearnerFeedbackKinds = ["saved", "dismissed", "helpful", "not-helpful", "unsaved", "undismissed"];

    /// <summary>Stores a learner's reaction to one pick of a plan. Returns an error message naming the field, or null.</summary>
    public async Task<(string Field, string Message)?> RecordFeedbackAsync(string token, string? slug, string? kind, string who = "learner", CancellationToken ct = default)
    {
        await using var context = await dbs.CreateDbContextAsync(ct);
        if (kind is null || !LearnerFeedbackKinds.Contains(kind) || !EnumText.TryParse<FeedbackKind>(kind, out var k))
            return ("kind", $"kind must be one of: {string.Join(", ", LearnerFeedbackKinds)}.");
        var r = await context.Recommendations.AsNoTracking().Where(x => x.Token == token)
            .Select(x => new { x.Id, x.ProfileId, x.ModelVersionId, Items = x.Items.Select(i => new { i.CourseId, i.Course.Slug }) })
            .FirstOrDefaultAsync(ct);
        if (r is null) return ("token", "No plan has this token.");
        var item = r.Items.FirstOrDefault(i => i.Slug == slug);
        if (item is null) return ("slug", $"'{slug}' is not one of this plan's picks.");
        if (k is FeedbackKind.Unsaved or FeedbackKind.Undismissed)
        {
            // An undo with nothing to undo would only add noise to the training signal.
            var now = LearnerReaction.From(await context.Feedback.AsNoTracking()
                .Where(f => f.RecommendationId == r.Id && f.CourseId == item.CourseId).OrderBy(f => f.Id).Select(f => f.Kind).ToListAsync(ct));
            if (k == FeedbackKind.Unsaved && !now.Saved) return ("kind", $"'{slug}' is not saved, so there is no save to undo.");
            if (k == FeedbackKind.Undismissed && !now.Dismissed) return ("kind", $"'{slug}' is not dismissed, so there is no dismissal to undo.");
        }
        context.Feedback.Add(new Feedback
        {
            ProfileId = r.ProfileId, CourseId = item.CourseId, RecommendationId = r.Id, Kind = k, Who = who, ModelVersionId = r.ModelVersionId,
        });
        await context.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>What the learner has done with each pick of a plan (by course slug), every stored reaction folded in order.</summary>
    public async Task<Dictionary<string, LearnerReaction>> ReactionsAsync(string token, CancellationToken ct = default)
    {
        await using var context = await dbs.CreateDbContextAsync(ct);
        return (await context.Feedback.AsNoTracking()
                .Where(f => context.Recommendations.Any(r => r.Token == token && r.Id == f.RecommendationId))
                .OrderBy(f => f.Id)
                .Select(f => new { Slug = context.Courses.Where(c => c.Id == f.CourseId).Select(c => c.Slug).First(), f.Kind })
                .ToListAsync(ct))
            .GroupBy(f => f.Slug)
            .ToDictionary(g => g.Key, g => LearnerReaction.From(g.Select(f => f.Kind)));
    }
}
