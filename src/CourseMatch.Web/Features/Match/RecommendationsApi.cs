using CourseMatch.Learners;
using CourseMatch.Recommendations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CourseMatch.Web.Features.Match;

public static class RecommendationsApi
{
    private const string Reconsider = "Some answers need another look.";

    public static void MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Recommendations");

        api.MapPost("/recommendations", RecommendAsync)
            .WithName("Recommend")
            .WithSummary("Rank the catalog for a learner's answers; returns a plan with three tracks, reasons and a learning path.")
            .AcceptsJsonBody<ProfileRequest>();

        api.MapGet("/plans/{token}", GetPlanAsync)
            .WithName("GetPlan");

        api.MapPost("/plans/{token}/feedback", FeedbackAsync)
            .WithName("PlanFeedback")
            .WithSummary("Save, dismiss, or mark a pick helpful or not helpful, or undo a save or dismissal: {\"slug\": \"...\", \"kind\": \"saved|dismissed|helpful|not-helpful|unsaved|undismissed\"}.")
            .AcceptsJsonBody<FeedbackRequest>();
    }

    public static async Task<Results<Created<PlanDocument>, ValidationProblem, ProblemHttpResult>> RecommendAsync(
        HttpRequest request, RecommendationService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ProfileRequest>(request, ProfileRequest.Explain, ct);
        if (body.Refused is { } refused) return refused;
        if (body.Errors is { } unreadable) return ApiProblems.Validation(unreadable, "The answers could not be read.");
        var (input, errors) = ProfileRequest.FromRequest(body.Value);
        if (input is null) return ApiProblems.Validation(errors, Reconsider);
        var outcome = await service.RecommendAsync(input, ct);
        return outcome.Plan is null
            ? ApiProblems.Validation(outcome.Errors, Reconsider)
            : TypedResults.Created($"/api/plans/{outcome.Plan.Token}", outcome.Plan);
    }

    public static async Task<Results<Ok<PlanDocument>, ProblemHttpResult>> GetPlanAsync(string token, RecommendationService service, CancellationToken ct)
    {
        var plan = await service.LoadAsync(token, ct);
        return plan is null ? ApiProblems.Status(StatusCodes.Status404NotFound, "Plan not found", "No plan has this token.") : TypedResults.Ok(plan);
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> FeedbackAsync(
        string token, HttpRequest request, RecommendationService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<FeedbackRequest>(request, FeedbackRequest.Explain, ct);
        if (body.Refused is { } refused) return refused;
        if (body.Errors is { } unreadable) return ApiProblems.Validation(unreadable);
        var error = await service.RecordFeedbackAsync(token, body.Value?.Slug, body.Value?.Kind, ct: ct);
        return error switch
        {
            null => TypedResults.NoContent(),
            ("token", var message) => ApiProblems.Status(StatusCodes.Status404NotFound, "Plan not found", message),
            var (field, message) => ApiProblems.Validation(field, message),
        };
    }
}

/// <summary>The body of POST /api/plans/{token}/feedback.</summary>
public sealed record FeedbackRequest(string? Slug, string? Kind)
{
    public static (string Field, string Message) Explain(System.Text.Json.JsonException e)
    {
        if (e.InnerException?.GetType().Name == "JsonReaderException" || e.Path is null)
            return ProfileRequest.Explain(e);
        var field = ProfileRequest.FieldOf(e.Path);
        return field is "slug" or "kind" ? (field, $"{field} must be text.") : ("$", "Send a JSON object with slug and kind.");
    }
}
