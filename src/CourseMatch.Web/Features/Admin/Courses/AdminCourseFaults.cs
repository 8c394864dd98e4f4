using System.Data.Common;
using System.Net.Sockets;
using System.Security.Claims;

namespace CourseMatch.Web.Features.Admin.Courses;

/// <summary>What the course pages share: telling a database fault from a bug, and who is writing.</summary>
public static class AdminCourseFaults
{
    public const string Message = "The database is not reachable right now; nothing was saved. Try again in a moment.";

    /// <summary>True when the failure is the database being away or slow (so the page says so and keeps the input), not a bug.</summary>
    public static bool IsDatabaseFault(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is DbException or TimeoutException or SocketException or Microsoft.EntityFrameworkCore.DbUpdateException) return true;
        return false;
    }

    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.Email) ?? "unknown admin";
}
