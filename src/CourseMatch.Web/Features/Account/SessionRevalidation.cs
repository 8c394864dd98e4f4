using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using CourseMatch.Web.Components.Shared;

namespace CourseMatch.Web.Features.Account;

/// <summary>
/// An interactive circuit keeps the user it started with; every half minute this asks whether that user's session
/// still exists, so signing out in one tab (or on another instance) signs the open pages out too.
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory loggers, ServerSessions sessions) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        if (state.User.Identity?.IsAuthenticated != true) return true;
        if (state.User.FindFirstValue(ServerSessions.SessionClaim) is not { } key) return false;
        try { return await sessions.IsOpenAsync(key, ct); }
        catch (Exception e) when (DatabaseFault.Is(e))
        {
            return true; // the database is away: keep the page as it is rather than sign everyone out
        }
    }
}
