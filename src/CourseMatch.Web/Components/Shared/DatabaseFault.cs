using System.Data.Common;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Components.Shared;

/// <summary>
/// The admin pages' one way to tell the database being away (or slow) from a bug: such a failure is shown as a
/// message and the page keeps what was typed; anything else still reaches the error boundary.
/// </summary>
public static class DatabaseFault
{
    public const string Message = "The database is not reachable right now; nothing was saved. Try again in a moment.";
    public const string ReadMessage = "The database is not reachable right now, so this could not be loaded. Try again in a moment.";

    /// <summary>True when the exception, or one it wraps (EF and Npgsql wrap socket and timeout errors), is a database fault.</summary>
    public static bool Is(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is DbException or TimeoutException or SocketException or DbUpdateException) return true;
        return false;
    }

    /// <summary>Who is writing, as the audit log records it.</summary>
    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.Email) ?? "unknown admin";
}
