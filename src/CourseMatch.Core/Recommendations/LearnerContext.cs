using CourseMatch.Catalog;
using CourseMatch.Learners;
using CourseMatch.Places;
using Npgsql;

namespace CourseMatch.Recommendations;

/// <summary>
/// What recommending needs to know besides the answers: the skill taxonomy, the learner's place, the exchange rate of
/// their budget's currency and the courses an advisor excluded for them. Read in one round trip (one batch).
/// </summary>
public sealed record LearnerContext(SkillTaxonomy Taxonomy, Gazetteer.Match? Place, decimal? UsdPerBudgetUnit, int[] ExcludedCourseIds)
{
    /// <param name="taxonomy">The taxonomy when the caller already holds it (a training run reads it once for all its learners).</param>
    public static async Task<LearnerContext> ReadAsync(NpgsqlDataSource db, string? city, string? country, string currency, int? learnerId,
        SkillTaxonomy? taxonomy = null, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        if (taxonomy is null) batch.BatchCommands.Add(new NpgsqlBatchCommand(SkillTaxonomy.Sql));
        var place = city is not null && country is not null ? Gazetteer.FindCommand(city, country) : null;
        if (place is not null) batch.BatchCommands.Add(place);
        var rate = new NpgsqlBatchCommand("SELECT usd_per_unit FROM exchange_rates WHERE currency = upper($1)") { Parameters = { new() { Value = currency } } };
        batch.BatchCommands.Add(rate);
        if (learnerId is int id)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                SELECT DISTINCT i.course_id FROM recommendation_items i
                JOIN recommendations r ON r.id = i.recommendation_id
                JOIN learner_profiles p ON p.id = r.profile_id
                WHERE p.learner_id = $1 AND i.excluded
                """) { Parameters = { new() { Value = id } } });

        await using var r = await batch.ExecuteReaderAsync(ct);
        if (taxonomy is null)
        {
            taxonomy = await SkillTaxonomy.ReadAsync(r, ct);
            await r.NextResultAsync(ct);
        }
        Gazetteer.Match? match = null;
        if (place is not null)
        {
            match = await Gazetteer.ReadMatchAsync(r, ct);
            await r.NextResultAsync(ct);
        }
        decimal? usdPerUnit = await r.ReadAsync(ct) ? r.GetDecimal(0) : null;
        var excluded = new List<int>();
        if (learnerId is not null)
        {
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct)) excluded.Add(r.GetInt32(0));
        }
        return new LearnerContext(taxonomy, match, usdPerUnit, [.. excluded]);
    }

    /// <summary>The learner's context for a stored or sampled profile.</summary>
    public static Task<LearnerContext> ReadAsync(NpgsqlDataSource db, LearnerProfile learner, SkillTaxonomy? taxonomy = null, CancellationToken ct = default) =>
        ReadAsync(db, learner.City, learner.Country, learner.BudgetCurrency, learner.LearnerId, taxonomy, ct);

    /// <summary>What the candidate query needs of it: where the learner is and their budget in dollars.</summary>
    public Candidates.Context ForCandidates(LearnerProfile learner) => new(
        Place?.Latitude, Place?.Longitude,
        learner.BudgetAmount is decimal b && UsdPerBudgetUnit is decimal r ? b * r : null,
        UsdPerBudgetUnit, ExcludedCourseIds);

    /// <summary>The candidate query's context for a profile, read in one round trip (training and the bench use it).</summary>
    public static async Task<Candidates.Context> ResolveAsync(NpgsqlDataSource db, LearnerProfile learner, SkillTaxonomy? taxonomy = null,
        CancellationToken ct = default) =>
        (await ReadAsync(db, learner, taxonomy, ct)).ForCandidates(learner);
}
