using System.Security.Claims;
using System.Text.Json;
using CourseMatch.Accounts;
using CourseMatch.Advising;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

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

        api.MapGet("/learners", async (string? q, string? archived, Caseload caseload, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var showArchived = false;
            if (!string.IsNullOrWhiteSpace(archived) && !bool.TryParse(archived.Trim(), out showArchived))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["archived"] = ["Use true or false."] });
            if (q?.Length > 100) return Results.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Search for at most 100 characters."] });
            return Results.Ok(await caseload.ListAsync(Advisor.OwnerId(user), q, showArchived, ct));
        }).WithSummary("Your learners (or your archived ones), optionally searched by name, email or notes.");

        api.MapGet("/learners/{id:int}", async (int id, Caseload caseload, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var owner = Advisor.OwnerId(user);
            var learner = await caseload.FindAsync(owner, id, ct);
            if (learner is null) return NotFound("learner", id);
            return Results.Ok(new
            {
                learner.Id, learner.Name, learner.Email, learner.Notes, learner.Archived, learner.CreatedAt, learner.UpdatedAt,
                Plans = await caseload.PlansAsync(owner, id, ct),
            });
        }).WithSummary("One of your learners with the history of their plans.");

        api.MapGet("/learners/{id:int}/plans/{planId:int}", async (int id, int planId, AdvisorPlans plans, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var plan = await plans.LoadAsync(Advisor.OwnerId(user), id, planId, ct);
            return plan is null ? NotFound("plan", planId) : Results.Ok(plan);
        }).WithSummary("A plan of one of your learners with your adjustments and their reactions.");

        api.MapGet("/learners/{id:int}/export", async (int id, LearnerExport export, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var document = await export.BuildAsync(Advisor.OwnerId(user), id, ct);
            if (document is null) return NotFound("learner", id);
            var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            return Results.File(JsonSerializer.SerializeToUtf8Bytes(document, Json), "application/json; charset=utf-8", $"coursematch-learner-{id}-{stamp}.json");
        }).WithSummary("Everything stored about one of your learners, as a JSON download.");
    }

    private static IResult NotFound(string what, int id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No {what} {id} among yours.");
}
