using CourseMatch.Accounts;
using CourseMatch.Curation;
using Npgsql;

namespace CourseMatch.Web.Features.Admin.Import;

public static class ExportApi
{
    /// <summary>GET /api/admin/export?format=csv|json&amp;published=true|false: the catalog as a download, streamed row by row.</summary>
    public static void MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/export", (string? format, string? published, NpgsqlDataSource dataSource, HttpContext http) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (!CatalogExport.TryParseFormat(format, out var kind))
                errors["format"] = [$"Use csv or json (not \"{Truncate(format ?? "")}\")."];
            var publishedOnly = false;
            if (!string.IsNullOrWhiteSpace(published) && !bool.TryParse(published.Trim(), out publishedOnly))
                errors["published"] = ["Use true or false."];
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The export has invalid parameters.");

            var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var name = $"coursematch-catalog{(publishedOnly ? "-published" : "")}-{stamp}.{(kind == ExportFormat.Json ? "json" : "csv")}";
            var contentType = kind == ExportFormat.Json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";
            return Results.Stream(
                async body => await http.RequestServices.GetRequiredService<CatalogExport>().WriteAsync(body, kind, publishedOnly, http.RequestAborted),
                contentType, name);
        })
        .RequireAuthorization(Roles.Admin)
        .WithTags("Admin")
        .WithName("ExportCatalog")
        .WithSummary("Download the whole catalog (or only published courses) as CSV or JSON, in the form the importer reads back.")
        .ProducesValidationProblem();
    }

    private static string Truncate(string s) => s.Length <= 20 ? s : s[..20] + "…";
}
