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
        return new Candidates.Context(lat, lon, budgetUsd, rate);
    }
}
