using CourseMatch.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CourseMatch.Web.Features.Catalog;

public static class CatalogApi
{
    public static void MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Catalog");

        api.MapGet("/courses", SearchAsync)
            .WithName("SearchCourses")
            .WithSummary("Search and filter the published catalog; returns total, items and facet counts.");

        api.MapGet("/courses/{slug}", GetCourseAsync)
            .WithName("GetCourse");

        api.MapGet("/skills", ListSkillsAsync)
            .WithName("ListSkills");

        api.MapGet("/providers", ListProvidersAsync)
            .WithName("ListProviders");
    }

    public static async Task<Results<Ok<CatalogPage>, ValidationProblem>> SearchAsync(
        [AsParameters] CatalogSearchParameters parameters, CatalogSearch search, CancellationToken ct)
    {
        var (query, errors) = CatalogQuery.Parse(parameters.Get);
        if (errors.Count > 0) return ApiProblems.Validation(errors, "The search has invalid parameters.");
        var page = await search.SearchAsync(query, ct);
        return TypedResults.Ok(page with { Facets = CatalogLabels.Facets(page.Facets) });
    }

    /// <summary>A published course; a slug the course had before a rename answers 301 with its current address.</summary>
    public static async Task<Results<Ok<CourseDocument>, RedirectHttpResult, ProblemHttpResult>> GetCourseAsync(
        string slug, HttpRequest request, CatalogReader catalog, CancellationToken ct)
    {
        if (await catalog.PublishedBySlugAsync(slug, ct) is { } course)
            return TypedResults.Ok(CourseDocument.From(course, DateOnly.FromDateTime(DateTime.UtcNow)));
        if (await catalog.RedirectAsync(slug, ct) is { } current)
            return TypedResults.Redirect($"/api/courses/{current}{request.QueryString}", permanent: true);
        return ApiProblems.Status(StatusCodes.Status404NotFound, "Course not found", $"No published course has the slug '{ApiProblems.Echo(slug)}'.");
    }

    public static async Task<Ok<SkillDocument[]>> ListSkillsAsync(CatalogReader catalog, CancellationToken ct)
    {
        return TypedResults.Ok((await catalog.SkillsAsync(ct)).Skills.Select(s => new SkillDocument(s.Slug, s.Name, s.Category.ToKebab(), s.LevelDescriptors)).ToArray());
    }

    public static async Task<Ok<CatalogReader.ProviderSummary[]>> ListProvidersAsync(CatalogReader catalog, CancellationToken ct) =>
        TypedResults.Ok((await catalog.ProvidersAsync(ct)).ToArray());
}

/// <summary>
/// GET /api/courses's query string. Multi-valued filters may be repeated or comma-separated; every value is
/// bound (single-valued ones too, so <see cref="CatalogQuery.Parse"/> can say when one was given twice).
/// </summary>
public sealed record CatalogSearchParameters(
    string[]? Q, string[]? Format, string[]? Price, string[]? PriceBand, string[]? Duration, string[]? Level,
    string[]? Provider, string[]? Skill, string[]? Language, string[]? Pacing, string[]? Sort, string[]? Page, string[]? PageSize, string[]? Verbatim)
{
    public IReadOnlyList<string?> Get(string name) => name switch
    {
        "q" => Q, "format" => Format, "price" => Price, "priceBand" => PriceBand, "duration" => Duration, "level" => Level,
        "provider" => Provider, "skill" => Skill, "language" => Language, "pacing" => Pacing, "sort" => Sort,
        "page" => Page, "pageSize" => PageSize, "verbatim" => Verbatim,
        _ => null,
    } ?? [];
}

public sealed record SkillDocument(string Slug, string Name, string Category, string[] Levels);

/// <summary>GET /api/courses/{slug}: a published course with its provider, place, sessions, skills and prerequisites.</summary>
public sealed record CourseDocument(
    string Slug, string Title, object Provider, string Kind, string? Summary, string? Description, string? Url,
    string Format, string Pacing, object? Location,
    int? DurationWeeks, int? DurationWeeksMax, decimal? HoursPerWeek, decimal? HoursPerWeekMax, decimal? TotalHours, decimal? TotalHoursMax,
    decimal? Price, string? Currency, bool FreeToAudit, bool PaidUnlisted,
    string Level, string Language, bool Certificate, decimal? Rating, int RatingCount, string? Source, DateOnly? AsOf,
    IReadOnlyList<object> UpcomingSessions, IReadOnlyList<object> Skills, IReadOnlyList<object> Prerequisites,
    IReadOnlyList<object> PrerequisiteCourses)
{
    public static CourseDocument From(Course c, DateOnly today) => new(
        c.Slug, c.Title, new { c.Provider.Slug, c.Provider.Name, Kind = c.Provider.Kind.ToKebab(), c.Provider.Website },
        c.Kind.ToKebab(), c.Summary, c.Description, c.Url,
        c.Format.ToKebab(), c.Pacing.ToKebab(), c.City is null ? null : new { c.City, c.Region, c.Country },
        c.DurationWeeks, c.DurationWeeksMax, c.HoursPerWeek, c.HoursPerWeekMax, c.TotalHours, c.TotalHoursMax,
        c.Price, c.Currency, c.FreeToAudit, c.PaidUnlisted,
        c.Level.ToKebab(), c.Language, c.Certificate, c.Rating, c.RatingCount, c.Source, c.AsOf,
        UpcomingSessions: c.Upcoming(today).Select(s => (object)new { start = s.StartDate, end = s.EndDate }).ToList(),
        Skills: c.Skills.OrderByDescending(s => s.Level).Select(s => (object)new { skill = s.Skill.Slug, s.Skill.Name, s.Level }).ToList(),
        Prerequisites: c.Prerequisites.Select(p => (object)new { skill = p.Skill.Slug, p.Skill.Name, minLevel = p.MinLevel }).ToList(),
        PrerequisiteCourses: c.PrerequisiteCourses.Select(p => (object)new { p.RequiredCourse.Slug, p.RequiredCourse.Title }).ToList());
}
