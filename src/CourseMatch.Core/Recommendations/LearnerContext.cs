using CourseMatch.Learners;
using CourseMatch.Places;
using Npgsql;

namespace CourseMatch.Recommendations;

public static class LearnerContext
{
    /// <summary>Where the learner is and what their budget is in dollars: what the candidate query needs besides the profile.</summary>
    public static async Task<Candidates.Context> ResolveAsync(NpgsqlDataSource db, LearnerProfile learner, CancellationToken ct = default)
    {
        double? lat = null, lon = null;
        if (learner.Place is { } place) (lat, lon) = (place.Latitude, place.Longitude);
        else if (learner.City is { } city && learner.Country is { } country && await Gazetteer.FindAsync(db, city, country, ct) is { } match)
            (lat, lon) = (match.Latitude, match.Longitude);

        var rate = await Gazetteer.UsdPerUnitAsync(db, learner.BudgetCurrency, ct);
        decimal? budgetUsd = learner.BudgetAmount is decimal b && rate is decimal r ? b * r : null;
        return new Candidates.Context(lat, lon, budgetUsd, rate, await ExcludedForLearnerAsync(db, learner.LearnerId, ct));
    }

    /// <summary>Courses the learner's advisor has excluded in any of the learner's plans (and not restored since).</summary>
    private static async Task<int[]> ExcludedForLearnerAsync(NpgsqlDataSource db, int? learnerId, CancellationToken ct)
    {
        if (learnerId is not int id) return [];
        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT i.course_id FROM recommendation_items i
            JOIN recommendations r ON r.id = i.recommendation_id
            JOIN learner_profiles p ON p.id = r.profile_id
            WHERE p.learner_id = $1 AND i.excluded
            """);
        cmd.Parameters.Add(new() { Value = id });
        var ids = new List<int>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt32(0));
        return [.. ids];
    }
}
