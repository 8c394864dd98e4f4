using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace CourseMatch.Web.Features.Advisor;

/// <summary>Small things every advisor page needs: who is asking, and how a track is named.</summary>
public static class Advisor
{
    /// <summary>The signed-in advisor's user id: the owner every advising query is scoped to.</summary>
    public static async Task<string> OwnerIdAsync(Task<AuthenticationState> state) =>
        OwnerId((await state).User);

    public static string OwnerId(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An advisor page was reached without a signed-in user.");

    public static string TrackLabel(CourseMatch.Recommendations.Track track) => track switch
    {
        CourseMatch.Recommendations.Track.InPerson => "In person",
        CourseMatch.Recommendations.Track.Online => "Online",
        CourseMatch.Recommendations.Track.Free => "Free",
    };
}
