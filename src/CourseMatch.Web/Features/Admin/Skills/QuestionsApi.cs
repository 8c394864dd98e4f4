using System.Text;
using CourseMatch.Accounts;
using CourseMatch.SkillChecks;
using CourseMatch.Web.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CourseMatch.Web.Features.Admin.Skills;

public static class QuestionsApi
{
    /// <summary>GET /api/admin/skills/questions/export?skill=slug: the skill's items as an item file; without a skill, every skill's.</summary>
    public static void MapQuestionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/skills/questions/export", ExportAsync)
            .RequireAuthorization(Roles.Admin)
            .WithTags("Admin")
            .WithName("ExportQuestions")
            .WithSummary("Download the skills check's items, of one skill or all, as JSON in the form the import reads back.");
    }

    public static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(string? skill, ItemEditor editor, CancellationToken ct)
    {
        int? skillId = null;
        if (!string.IsNullOrWhiteSpace(skill))
        {
            var skills = await editor.SkillsAsync(ct);
            if (skills.FirstOrDefault(s => s.Slug == skill.Trim()) is not { } found)
                return ApiProblems.Validation("skill", $"'{ApiProblems.Echo(skill)}' is not one of the skills: {string.Join(", ", skills.Select(s => s.Slug))}.");
            skillId = found.Id;
        }
        var json = await editor.ExportAsync(skillId, ct) ?? "[]";
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var name = $"coursematch-questions-{(skillId is null ? "all" : skill!.Trim())}-{stamp}.json";
        return TypedResults.File(Encoding.UTF8.GetBytes(json), "application/json", name);
    }
}
