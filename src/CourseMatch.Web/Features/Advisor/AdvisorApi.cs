using System.Security.Claims;
using System.Text.Json;
using CourseMatch.Accounts;
using CourseMatch.Advising;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CourseMatch.Web.Features.Advisor;

/// <summary>
/// Read-only JSON for an advisor's own learners. Another advisor's learner or plan is a 404 here exactly as on
/// the pages: every lookup is scoped to the signed-in advisor.
/// </summary>
public static class AdvisorApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void MapAdvisorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/advisor").RequireAuthorization(Roles.Advisor).WithTags("Advisor");

        api.MapGet("/learners", ListLearnersAsync).WithSummary("Your learners (or your archived ones), optionally searched by name, email or notes.");
        api.MapGet("/learners/{id:int}", GetLearnerAsync).WithSummary("One of your learners with the history of their plans.");
        api.MapGet("/learners/{id:int}/plans/{planId:int}", GetPlanAsync).WithSummary("A plan of one of your learners with your adjustments and their reactions.");
        api.MapGet("/learners/{id:int}/export", ExportAsync).WithSummary("Everything stored about one of your learners, as a JSON download.");
    }

    public static async Task<Results<Ok<List<LearnerRow>>, ValidationProblem>> ListLearnersAsync(
        string? q, string? archived, Caseload caseload, ClaimsPrincipal user, CancellationToken ct)
    {
        var showArchived = false;
        if (!string.IsNullOrWhiteSpace(archived) && !bool.TryParse(archived.Trim(), out showArchived))
            return ApiProblems.Validation("archived", "Use true or false.");
        if (q?.Length > AdvisedLearner.MaxSearch) return ApiProblems.Validation("q", $"Search for at most {AdvisedLearner.MaxSearch} characters.");
        return TypedResults.Ok(await caseload.ListAsync(Advisor.OwnerId(user), q, showArchived, ct));
    }

    public static async Task<Results<Ok<LearnerDocument>, ProblemHttpResult>> GetLearnerAsync(
        int id, Caseload caseload, ClaimsPrincipal user, CancellationToken ct)
    {
        var owner = Advisor.OwnerId(user);
        var learner = await caseload.FindAsync(owner, id, ct);
        if (learner is null) return NotFound("learner", id);
        return TypedResults.Ok(new LearnerDocument(learner.Id, learner.Name, learner.Email, learner.Notes, learner.Archived,
            learner.CreatedAt, learner.UpdatedAt, await caseload.PlansAsync(owner, id, ct)));
    }

    public static async Task<Results<Ok<EditorPlan>, ProblemHttpResult>> GetPlanAsync(
        int id, int planId, AdvisorPlans plans, ClaimsPrincipal user, CancellationToken ct)
    {
        var plan = await plans.LoadAsync(Advisor.OwnerId(user), id, planId, ct);
        return plan is null ? NotFound("plan", planId) : TypedResults.Ok(plan);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        int id, LearnerExport export, ClaimsPrincipal user, CancellationToken ct)
    {
        var document = await export.BuildAsync(Advisor.OwnerId(user), id, ct);
        if (document is null) return NotFound("learner", id);
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(document, Json), "application/json; charset=utf-8", $"coursematch-learner-{id}-{stamp}.json");
    }

    private static ProblemHttpResult NotFound(string what, int id) =>
        ApiProblems.Status(StatusCodes.Status404NotFound, $"No {what} {id} among yours.");
}

public sealed record LearnerDocument(int Id, string Name, string? Email, string? Notes, bool Archived,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, List<PlanSummary> Plans);
