using System.Text.Json;
using CourseMatch.Catalog;
using CourseMatch.Data;
using CourseMatch.Learners;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Recommendations;

/// <summary>
/// Step 1 of recommending: published courses that pass the learner's hard constraints, in one SQL query.
/// Hard constraints: language; a strict budget (unknown prices excluded, since they cannot be checked);
/// in person only within the learner's radius; a scheduled course must start within the window when its
/// dates are known; not dismissed before; and it must teach something the learner does not know yet.
/// </summary>
/// <remarks>
/// Each track is a separate branch bounded to <see cref="PerTrack"/> courses, read in popularity order,
/// so the cost does not grow with the catalog. In-person candidates come only from places within the
/// radius, found first by a bounding box over the gazetteer; each nearby place is read on its own through
/// the (place_id, rating_count) index, so a big city with thousands of courses costs at most one track's worth.
/// </remarks>
public sealed class Candidates(ReadDatabase reads)
{
    public const int PerTrack = 150;

    /// <param name="ExcludedCourseIds">Courses an advisor excluded for this learner in an earlier plan: they stay out.</param>
    public sealed record Context(double? Latitude, double? Longitude, decimal? BudgetUsd, decimal? UsdPerBudgetUnit, int[]? ExcludedCourseIds = null);

    public Task<List<CandidateCourse>> FindAsync(LearnerProfile learner, Context context, DateOnly today, CancellationToken ct = default) =>
        reads.ReadAsync(() => FindOnceAsync(Sql, learner, context, today, [], ct));

    /// <summary>
    /// The courses <paramref name="slugs"/> as candidates for <paramref name="learner"/>, whatever the filters would say
    /// (budget, format, distance, language): for measuring rankers on a judged list of courses.
    /// </summary>
    public Task<List<CandidateCourse>> ForCoursesAsync(LearnerProfile learner, Context context, DateOnly today, string[] slugs, CancellationToken ct = default) =>
        reads.ReadAsync(() => FindOnceAsync(GivenSql, learner, context, today, slugs, ct));

    private async Task<List<CandidateCourse>> FindOnceAsync(string sql, LearnerProfile learner, Context context, DateOnly today, string[] given, CancellationToken ct)
    {
        await using var cmd = reads.DataSource.CreateCommand(sql);
        cmd.Parameters.Add(new("slugs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = given });
        cmd.Parameters.Add(new("has_place", NpgsqlDbType.Boolean) { Value = context.Latitude is not null });
        var slugs = learner.Skills.Keys.ToArray();
        cmd.Parameters.Add(new("skill_slugs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = slugs });
        cmd.Parameters.Add(new("skill_levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = slugs.Select(s => learner.Skills[s]).ToArray() });
        cmd.Parameters.Add(new("language", NpgsqlDbType.Text) { Value = learner.Language });
        cmd.Parameters.Add(new("strict", NpgsqlDbType.Boolean) { Value = learner.BudgetStrict && context.BudgetUsd is not null });
        cmd.Parameters.Add(new("budget_usd", NpgsqlDbType.Numeric) { Value = (object?)context.BudgetUsd ?? DBNull.Value });
        cmd.Parameters.Add(new("usd_per_budget_unit", NpgsqlDbType.Numeric) { Value = context.UsdPerBudgetUnit ?? 1m });
        cmd.Parameters.Add(new("online_ok", NpgsqlDbType.Boolean) { Value = learner.Format != FormatPreference.InPerson });
        cmd.Parameters.Add(new("in_person_ok", NpgsqlDbType.Boolean) { Value = learner.Format != FormatPreference.Online && context.Latitude is not null });
        cmd.Parameters.Add(new("lat", NpgsqlDbType.Double) { Value = context.Latitude ?? 0 });
        cmd.Parameters.Add(new("lon", NpgsqlDbType.Double) { Value = context.Longitude ?? 0 });
        cmd.Parameters.Add(new("radius_km", NpgsqlDbType.Double) { Value = (double)learner.RadiusKm });
        cmd.Parameters.Add(new("today", NpgsqlDbType.Date) { Value = today });
        cmd.Parameters.Add(new("window_end", NpgsqlDbType.Date) { Value = today.AddDays(learner.StartWithinWeeks * 7) });
        cmd.Parameters.Add(new("profile_id", NpgsqlDbType.Integer) { Value = learner.Id });
        cmd.Parameters.Add(new("per_track", NpgsqlDbType.Integer) { Value = PerTrack });
        cmd.Parameters.Add(new("excluded_ids", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = context.ExcludedCourseIds ?? [] });

        var list = new List<CandidateCourse>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new CandidateCourse
            {
                Id = r.GetInt32(0), Slug = r.GetString(1), Title = r.GetString(2), Provider = r.GetString(3), Kind = r.GetEnum<CourseKind>(4),
                Format = r.GetEnum<CourseFormat>(5), Pacing = r.GetEnum<Pacing>(6),
                Price = r.IsDBNull(7) ? null : r.GetDecimal(7), Currency = r.IsDBNull(8) ? null : r.GetString(8),
                PriceInBudgetCurrency = r.IsDBNull(9) ? null : Math.Round(r.GetDecimal(9), 2),
                FreeToAudit = r.GetBoolean(10), PaidUnlisted = r.GetBoolean(27), Level = r.GetEnum<CourseLevel>(11), Language = r.GetString(12), Certificate = r.GetBoolean(13),
                Rating = r.IsDBNull(14) ? null : r.GetDecimal(14), RatingCount = r.GetInt32(15),
                DurationWeeks = r.IsDBNull(16) ? null : r.GetInt32(16), HoursPerWeek = r.IsDBNull(17) ? null : r.GetDecimal(17),
                EffortHours = r.IsDBNull(18) ? null : r.GetDecimal(18), City = r.IsDBNull(19) ? null : r.GetString(19),
                Country = r.IsDBNull(20) ? null : r.GetString(20), DistanceKm = r.IsDBNull(21) ? null : r.GetDouble(21),
                NextSessionStart = r.IsDBNull(22) ? null : DateOnly.FromDateTime(r.GetDateTime(22)), HasSessions = r.GetBoolean(23),
                Teaches = JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(24))!,
                Requires = JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(25))!,
                RequiredCourseIds = r.GetFieldValue<int[]>(26),
                SkillsInferred = r.GetEnum<SkillsStatus>(28) == SkillsStatus.Inferred,
            });
        }
        return list;
    }

    /// <summary>What is read of each picked course (the CTE <c>picked</c>), in the order the reader above takes it.</summary>
    private const string Columns = $$"""
        SELECT c.id, c.slug, c.title, pr.name, c.kind, c.format, c.pacing, c.price, c.currency, c.price_budget,
               c.free_to_audit, c.level, c.language, c.certificate, c.rating, c.rating_count, c.duration_weeks,
               c.hours_per_week, c.effort_hours, c.city, c.country, c.km,
               (SELECT min(s.start_date) FROM course_sessions s WHERE s.course_id = c.id AND s.start_date >= @today),
               EXISTS (SELECT 1 FROM course_sessions s WHERE s.course_id = c.id),
               coalesce((SELECT json_object_agg(sk.slug, cs.level) FROM course_skills cs JOIN skills sk ON sk.id = cs.skill_id WHERE cs.course_id = c.id), '{}')::text,
               coalesce((SELECT json_object_agg(sk.slug, cp.min_level) FROM course_prerequisites cp JOIN skills sk ON sk.id = cp.skill_id WHERE cp.course_id = c.id), '{}')::text,
               ARRAY(SELECT pc.required_course_id FROM course_prerequisite_courses pc WHERE pc.course_id = c.id),
               c.paid_unlisted, c.skills_status
        FROM picked c JOIN providers pr ON pr.id = c.provider_id
        """;

    /// <summary>The given courses (<c>@slugs</c>), with their price in the budget's currency and their distance when both places are known.</summary>
    private const string GivenSql = $$"""
        WITH picked AS (
            SELECT c.*, c.price * coalesce(er.usd_per_unit, CASE WHEN c.price = 0 THEN 1 END) / @usd_per_budget_unit AS price_budget,
                   CASE WHEN @has_place AND p.id IS NOT NULL THEN 2 * 6371 * asin(least(1, sqrt(
                       power(sin(radians(p.latitude - @lat) / 2), 2) +
                       cos(radians(@lat)) * cos(radians(p.latitude)) * power(sin(radians(p.longitude - @lon) / 2), 2)))) END AS km
            FROM courses c LEFT JOIN exchange_rates er ON er.currency = c.currency LEFT JOIN places p ON p.id = c.place_id
            WHERE c.slug = ANY(@slugs))
        {{Columns}}
        """;

    private const string Sql = $$"""
        WITH learner AS (
            SELECT s.id AS skill_id, l.level
            FROM unnest(@skill_slugs, @skill_levels) AS l(slug, level) JOIN skills s ON s.slug = l.slug
        ),
        near AS (
            SELECT p.id, 2 * 6371 * asin(least(1, sqrt(
                       power(sin(radians(p.latitude - @lat) / 2), 2) +
                       cos(radians(@lat)) * cos(radians(p.latitude)) * power(sin(radians(p.longitude - @lon) / 2), 2)))) AS km
            FROM places p
            WHERE @in_person_ok
              AND p.latitude BETWEEN @lat - @radius_km / 111.0 AND @lat + @radius_km / 111.0
              AND (abs(@lat) > 80 OR p.longitude BETWEEN @lon - @radius_km / (111.0 * cos(radians(@lat))) AND @lon + @radius_km / (111.0 * cos(radians(@lat))))
        ),
        eligible AS NOT MATERIALIZED (
            SELECT c.*, c.price * coalesce(er.usd_per_unit, CASE WHEN c.price = 0 THEN 1 END) / @usd_per_budget_unit AS price_budget
            FROM courses c LEFT JOIN exchange_rates er ON er.currency = c.currency
            WHERE c.status = '{{nameof(CourseStatus.Published)}}'
              AND c.language = @language
              AND (NOT @strict OR c.price = 0 OR c.price * er.usd_per_unit <= @budget_usd)
              AND (c.pacing = '{{nameof(Pacing.SelfPaced)}}'
                   OR NOT EXISTS (SELECT 1 FROM course_sessions s WHERE s.course_id = c.id)
                   OR EXISTS (SELECT 1 FROM course_sessions s WHERE s.course_id = c.id AND s.start_date BETWEEN @today AND @window_end))
              AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.profile_id = @profile_id AND f.course_id = c.id
                              AND (f.kind = '{{nameof(FeedbackKind.AdvisorExcluded)}}'
                                   OR (f.kind = '{{nameof(FeedbackKind.Dismissed)}}' AND NOT EXISTS (
                                       SELECT 1 FROM feedback u WHERE u.profile_id = f.profile_id AND u.course_id = f.course_id
                                       AND u.kind = '{{nameof(FeedbackKind.Undismissed)}}' AND u.id > f.id))))
              AND NOT c.id = ANY(@excluded_ids)
              AND EXISTS (SELECT 1 FROM course_skills cs LEFT JOIN learner l ON l.skill_id = cs.skill_id
                          WHERE cs.course_id = c.id AND cs.level > coalesce(l.level, 0))
        ),
        picked AS (
            (SELECT e.*, n.km FROM near n
             CROSS JOIN LATERAL (SELECT e.* FROM eligible e WHERE e.place_id = n.id AND e.format IN ('{{nameof(CourseFormat.InPerson)}}', '{{nameof(CourseFormat.Hybrid)}}')
                                 ORDER BY e.rating_count DESC, e.id LIMIT @per_track) e
             WHERE n.km <= @radius_km
             ORDER BY e.rating_count DESC, e.id LIMIT @per_track)
            UNION ALL
            (SELECT e.*, NULL::float8 FROM eligible e
             WHERE @online_ok AND e.format = '{{nameof(CourseFormat.Online)}}' AND e.price IS DISTINCT FROM 0
             ORDER BY e.rating_count DESC, e.id LIMIT @per_track)
            UNION ALL
            (SELECT e.*, NULL::float8 FROM eligible e
             WHERE @online_ok AND e.format = '{{nameof(CourseFormat.Online)}}' AND e.price = 0
             ORDER BY e.rating_count DESC, e.id LIMIT @per_track)
        )
        {{Columns}}
        """;
}
