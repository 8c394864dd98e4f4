using System.Text.Json;
using CourseMatch.Data;
using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Features.Match;

public static class RecommendationsApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Recommendations");

        api.MapPost("/recommendations", async (HttpRequest request, RecommendationService service, CancellationToken ct) =>
        {
            var (json, bodyError) = await ReadJsonAsync(request, ct);
            if (bodyError is not null) return Results.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [bodyError] }, title: "The answers could not be read.");
            var (input, errors) = ProfileInput.FromJson(json);
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Some answers need another look.");
            var outcome = await service.RecommendAsync(input, ct);
            return outcome.Plan is null
                ? Results.ValidationProblem(outcome.Errors, title: "Some answers need another look.")
                : Results.Created($"/api/plans/{outcome.Plan.Token}", outcome.Plan);
        })
        .WithName("Recommend")
        .WithSummary("Rank the catalog for a learner's answers; returns a plan with three tracks, reasons and a learning path.")
        .Accepts<JsonElement>("application/json")
        .Produces<PlanDocument>(StatusCodes.Status201Created)
        .ProducesValidationProblem();

        api.MapGet("/plans/{token}", async (string token, RecommendationService service, CancellationToken ct) =>
        {
            var plan = await service.LoadAsync(token, ct);
            return plan is null ? Results.Problem(statusCode: 404, title: "Plan not found", detail: "No plan has this token.") : Results.Ok(plan);
        })
        .WithName("GetPlan")
        .Produces<PlanDocument>()
        .ProducesProblem(404);

        api.MapPost("/plans/{token}/feedback", async (string token, HttpRequest request, RecommendationService service, CancellationToken ct) =>
        {
            var (json, bodyError) = await ReadJsonAsync(request, ct);
            if (bodyError is not null) return Results.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [bodyError] });
            string? Text(string name) => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var error = await service.RecordFeedbackAsync(token, Text("slug"), Text("kind"), ct: ct);
            return error switch
            {
                null => Results.NoContent(),
                ("token", var message) => Results.Problem(statusCode: 404, title: "Plan not found", detail: message),
                var (field, message) => Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }),
            };
        })
        .WithName("PlanFeedback")
        .WithSummary("Save, dismiss, or mark a pick helpful or not helpful: {\"slug\": \"...\", \"kind\": \"saved|dismissed|helpful|not-helpful\"}.")
        .Accepts<JsonElement>("application/json")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesValidationProblem();
    }

    /// <summary>Reads a bounded JSON body, turning malformed or oversized input into a message instead of an exception.</summary>
    private static async Task<(JsonElement Json, string? Error)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return (default, $"The request body is larger than {MaxBodyBytes / 1024} KB.");
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, default, ct);
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException e) { return (default, $"The body is not valid JSON ({e.Message.Split('.')[0]})."); }
    }
}
