using CourseMatch.Learners;
using CourseMatch.SkillChecks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CourseMatch.Web.Features.Checks;

/// <summary>The skills check over HTTP: start one for a skill, read where it stands, answer the item asked (one per request).</summary>
public static class ChecksApi
{
    public static void MapChecksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/checks").WithTags("Skills check");

        api.MapPost("", StartAsync).WithName("StartCheck")
            .WithSummary("Start a skills check: {\"skill\": \"linear-algebra\", \"selfRating\": 2}; returns the first item (never its answer).")
            .AcceptsJsonBody<StartCheckRequest>();
        api.MapGet("/{token}", GetAsync).WithName("GetCheck");
        api.MapPost("/{token}/answers", AnswerAsync).WithName("AnswerCheck")
            .WithSummary("Answer the item asked now: {\"itemId\": 12, \"answer\": \"2\"} (an option's index or a number), or {\"itemId\": 12, \"dontKnow\": true}.")
            .AcceptsJsonBody<CheckAnswerRequest>();
    }

    public static async Task<Results<Created<CheckView>, ValidationProblem, ProblemHttpResult>> StartAsync(HttpRequest request, SkillChecker checker, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<StartCheckRequest>(request, e => Explain(e, "skill", "selfRating"), ct);
        if (body.Refused is { } refused) return refused;
        if (body.Errors is { } unreadable) return ApiProblems.Validation(unreadable);
        var outcome = await checker.StartAsync(body.Value?.Skill, body.Value?.SelfRating, ct);
        return outcome.Check is { } check ? TypedResults.Created($"/api/checks/{check.Token}", check) : ApiProblems.Validation(outcome.Field!, outcome.Error!);
    }

    public static async Task<Results<Ok<CheckView>, ProblemHttpResult>> GetAsync(string token, SkillChecker checker, CancellationToken ct) =>
        await checker.GetAsync(token, ct) is { } check ? TypedResults.Ok(check) : NotFound();

    public static async Task<Results<Ok<CheckView>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        string token, HttpRequest request, SkillChecker checker, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<CheckAnswerRequest>(request, e => Explain(e, "itemId", "answer", "dontKnow"), ct);
        if (body.Refused is { } refused) return refused;
        if (body.Errors is { } unreadable) return ApiProblems.Validation(unreadable);
        var answer = body.Value!;
        if (answer.ItemId is not int itemId) return ApiProblems.Validation("itemId", "itemId is required: the id of the item asked now.");
        if (answer.DontKnow == true && answer.Answer is not null) return ApiProblems.Validation("answer", "Give an answer or say you don't know, not both.");
        if (answer.DontKnow != true && string.IsNullOrWhiteSpace(answer.Answer)) return ApiProblems.Validation("answer", "answer is required, unless dontKnow is true.");
        var outcome = await checker.AnswerAsync(token, itemId, answer.DontKnow == true ? null : answer.Answer, ct);
        if (outcome.NotFound) return NotFound();
        return outcome.Check is { } check ? TypedResults.Ok(check) : ApiProblems.Validation(outcome.Field!, outcome.Error!);
    }

    private static ProblemHttpResult NotFound() => ApiProblems.Status(StatusCodes.Status404NotFound, "Check not found", "No skills check has this token.");

    private static (string Field, string Message) Explain(System.Text.Json.JsonException e, params string[] fields)
    {
        if (e.InnerException?.GetType().Name == "JsonReaderException" || e.Path is null) return ProfileRequest.Explain(e);
        var field = ProfileRequest.FieldOf(e.Path);
        return fields.Contains(field) ? (field, $"{field} has the wrong type.") : ("$", $"Send a JSON object with {string.Join(", ", fields)}.");
    }
}

/// <summary>The body of POST /api/checks.</summary>
public sealed record StartCheckRequest(string? Skill, int? SelfRating);

/// <summary>The body of POST /api/checks/{token}/answers: one answer to the item asked now.</summary>
public sealed record CheckAnswerRequest(int? ItemId, string? Answer, bool? DontKnow);
