using CourseMatch.Accounts;
using CourseMatch.Curation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CourseMatch.Web.Features.Admin.Import;

public static class ExportApi
{
    /// <summary>GET /api/admin/export?format=csv|json&amp;published=true|false: the catalog as a download, streamed row by row.</summary>
    public static void MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/export", ExportAsync)
            .RequireAuthorization(Roles.Admin)
            .WithTags("Admin")
            .WithName("ExportCatalog")
            .WithSummary("Download the whole catalog (or only published courses) as CSV or JSON, in the form the importer reads back.");
    }

    public static Results<PushStreamHttpResult, ValidationProblem> ExportAsync(string? format, string? published, CatalogExport export, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        if (!CatalogExport.TryParseFormat(format, out var kind))
            errors["format"] = [$"Use csv or json (not \"{ApiProblems.Echo(format, 20)}\")."];
        var publishedOnly = false;
        if (!string.IsNullOrWhiteSpace(published) && !bool.TryParse(published.Trim(), out publishedOnly))
            errors["published"] = ["Use true or false."];
        if (errors.Count > 0) return ApiProblems.Validation(errors, "The export has invalid parameters.");

        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var name = $"coursematch-catalog{(publishedOnly ? "-published" : "")}-{stamp}.{(kind == ExportFormat.Json ? "json" : "csv")}";
        var contentType = kind == ExportFormat.Json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";
        return TypedResults.Stream(
            async body => await export.WriteAsync(body, kind, publishedOnly, http.RequestAborted),
            contentType, name);
    }
}
