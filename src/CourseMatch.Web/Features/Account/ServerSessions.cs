using System.Security.Claims;
using System.Security.Cryptography;
using CourseMatch.Data;
using CourseMatch.Operations;
using CourseMatch.Web.Components.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace CourseMatch.Web.Features.Account;

/// <summary>
/// Sessions kept in PostgreSQL: the sign-in cookie carries only a session id, and the ticket behind it is a row in
/// <c>auth_sessions</c>. Signing out deletes the row, so a cookie copied before sign-out opens nothing afterwards, on any
/// instance. The ticket is encrypted with the shared data-protection keys before it is stored.
/// </summary>
/// <remarks>
/// One primary-key read per signed-in request is the price; the primary is used (not the standby) so a sign-out is
/// seen at once. When the database does not answer, a session this instance read in the last
/// <see cref="StaleIfDown"/> is still honoured (stale if error), so an outage does not sign everybody out: the pages
/// then say the database is away, as they should. Sign-out cannot happen during an outage anyway: it needs the row.
/// </remarks>
public sealed class ServerSessions(IDbContextFactory<CourseMatchDb> dbs, IDataProtectionProvider protection, TimeProvider clock,
    ILogger<ServerSessions> log) : ITicketStore, IDisposable
{
    public static readonly TimeSpan StaleIfDown = TimeSpan.FromMinutes(15);

    private readonly IDataProtector protector = protection.CreateProtector("CourseMatch.ServerSessions");
    private readonly MemoryCache lastRead = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>The session's id, added to the stored principal so an interactive circuit can ask whether it is still open.</summary>
    public const string SessionClaim = "coursematch:session";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        if (ticket.Principal.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionClaim))
            identity.AddClaim(new Claim(SessionClaim, id.ToString("N")));
        var session = new AuthSession
        {
            Id = id,
            UserId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            Ticket = Protect(ticket),
            CreatedAt = now,
            ExpiresAt = ticket.Properties.ExpiresUtc,
        };
        await using var db = await dbs.CreateDbContextAsync();
        db.AuthSessions.Add(session);
        await db.SaveChangesAsync();
        // Sign-ins are rare next to requests: a good moment to drop sessions that ended by themselves.
        await db.AuthSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        return session.Id.ToString("N");
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        if (!Guid.TryParseExact(key, "N", out var id)) return;
        var bytes = Protect(ticket);
        await using var db = await dbs.CreateDbContextAsync();
        await db.AuthSessions.Where(s => s.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, ticket.Properties.ExpiresUtc));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!Guid.TryParseExact(key, "N", out var id)) return null;
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            var row = await db.AuthSessions.AsNoTracking().Where(s => s.Id == id)
                .Select(s => new { s.Ticket, s.ExpiresAt }).FirstOrDefaultAsync();
            if (row is null || row.ExpiresAt < clock.GetUtcNow())
            {
                lastRead.Remove(id);
                return null;
            }
            var ticket = TicketSerializer.Default.Deserialize(protector.Unprotect(row.Ticket));
            lastRead.Set(id, ticket, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = StaleIfDown });
            return ticket;
        }
        catch (CryptographicException e)
        {
            log.LogWarning(e, "A stored session could not be decrypted (its key is gone): treated as signed out.");
            return null;
        }
        catch (Exception e) when (DatabaseFault.Is(e))
        {
            var known = lastRead.TryGetValue(id, out AuthenticationTicket? ticket);
            log.LogWarning("Sessions cannot be read ({Error}): {Outcome}.", e.Message,
                known ? "honouring this session as last read" : "this request is served as signed out");
            return known ? ticket : null;
        }
    }

    public async Task RemoveAsync(string key)
    {
        if (!Guid.TryParseExact(key, "N", out var id)) return;
        lastRead.Remove(id);
        await using var db = await dbs.CreateDbContextAsync();
        await db.AuthSessions.Where(s => s.Id == id).ExecuteDeleteAsync();
    }

    /// <summary>Whether the session is still there: interactive circuits ask this now and then, see <see cref="SessionRevalidation"/>.</summary>
    public async Task<bool> IsOpenAsync(string key, CancellationToken ct)
    {
        if (!Guid.TryParseExact(key, "N", out var id)) return false;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        return await db.AuthSessions.AnyAsync(s => s.Id == id && (s.ExpiresAt == null || s.ExpiresAt > now), ct);
    }

    public void Dispose() => lastRead.Dispose();

    private byte[] Protect(AuthenticationTicket ticket) => protector.Protect(TicketSerializer.Default.Serialize(ticket));
}

/// <summary>Puts the cookie's tickets in <see cref="ServerSessions"/>.</summary>
public sealed class UseServerSessions(ServerSessions sessions) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme) options.SessionStore = sessions;
    }
}
