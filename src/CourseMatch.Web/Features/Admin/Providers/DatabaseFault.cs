using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Features.Admin.Providers;

/// <summary>Tells a database outage from a bug, so the provider, skill and audit pages can say so and keep the form.</summary>
public static class DatabaseFault
{
    public const string Message = "The database is not reachable right now; nothing was saved. Try again in a moment.";
    public const string ReadMessage = "The database is not reachable right now, so this could not be loaded. Try again in a moment.";

    public static bool Is(Exception e) => e switch
    {
        DbException or TimeoutException or DbUpdateException => true,
        // EF wraps transient failures (retry limit) and Npgsql wraps socket errors.
        InvalidOperationException { InnerException: { } inner } => Is(inner),
        _ => false,
    };
}
