using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using CourseMatch.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CourseMatch.Web.Features.Account;

public static class AccountRegistration
{
    /// <summary>
    /// Rate-limit policy on the sign-in page: POSTs (attempts) per client address, counted across every instance
    /// (<see cref="SharedCounters"/>); reading the page is free. Per account, Identity's lockout (kept in the database,
    /// so shared too) stops guessing one account's password from many addresses.
    /// </summary>
    public const string SignInPolicy = "sign-in";

    /// <summary>Identity cookies over the shared store, role policies, and the sign-in rate limit.</summary>
    public static void AddCourseMatchAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddCourseMatchIdentityCore().AddSignInManager();
        builder.Services.AddScoped<UserAccounts>();
        // Sessions live in the database: sign-out ends them on every instance (ServerSessions).
        builder.Services.AddSingleton<ServerSessions>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseServerSessions>();
        builder.Services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "CourseMatch.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            // The API answers with status codes; only pages redirect to the sign-in page.
            o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });
        // The antiforgery cookie keeps its default (Secure whenever the request is HTTPS): forcing it would make
        // antiforgery throw on the plain-HTTP loopback address the local demo serves.
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.Advisor, p => p.RequireRole(Roles.Advisor, Roles.Admin));

        builder.Services.AddSingleton(SharedCounters.Connect(builder.Configuration));
        builder.Services.AddSingleton<SharedCounters>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        var attemptsPerMinute = builder.Configuration.GetValue("CourseMatch:SignInAttemptsPerMinute", 10);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync($"Too many sign-in attempts from your address. Try again in {seconds} seconds.", ct);
            };
            o.AddPolicy(SignInPolicy, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.Get($"sign-in:{http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}",
                    key => new SharedWindowLimiter(http.RequestServices.GetRequiredService<SharedCounters>(), key, attemptsPerMinute, TimeSpan.FromMinutes(1)))
                : RateLimitPartition.GetNoLimiter("read"));
        });

        // Behind a proxy every request comes from the proxy: the client's own address is in X-Forwarded-For, which
        // is read only when it comes from an address configured as a proxy (anyone else could write that header).
        var proxies = (builder.Configuration["CourseMatch:KnownProxies"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                    : throw new InvalidOperationException($"CourseMatch:KnownProxies: \"{proxy}\" is not an IP address."));
        });
    }

    /// <summary>Reads X-Forwarded-For from the configured proxies (none configured: a no-op).</summary>
    public static void UseCourseMatchForwardedHeaders(this WebApplication app)
    {
        if (!string.IsNullOrWhiteSpace(app.Configuration["CourseMatch:KnownProxies"])) app.UseForwardedHeaders();
    }

    private static Task RedirectOrStatus(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
            context.Response.StatusCode = status;
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public static void MapAccountEndpoints(this WebApplication app)
    {
        // A form post with an antiforgery token, so another site cannot sign a user out. Checked here rather than
        // by the middleware: a failed automatic check throws when the status-code page later reads the form.
        app.MapPost("/account/logout", async (HttpContext http, IAntiforgery antiforgery, SignInManager<AppUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.Text("Sign-out needs the form on our pages (its antiforgery token was missing or wrong). Go back, reload, and try again.",
                    "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            await signIn.SignOutAsync(); // deletes the server-side session: the cookie is worthless everywhere from now
            var form = await http.Request.ReadFormAsync();
            return Results.LocalRedirect(SafeReturnUrl(form["returnUrl"], "/"));
        }).DisableAntiforgery().ExcludeFromDescription();
    }

    /// <summary>Where a user lands after signing in when no page asked for them: admins /admin, advisors /advisor.</summary>
    public static string HomeFor(IEnumerable<string> roles) =>
        roles.Contains(Roles.Admin) ? "/admin" : roles.Contains(Roles.Advisor) ? "/advisor" : "/";

    /// <summary>Only paths on this site: an open redirect after sign-in would make phishing easy.</summary>
    public static string SafeReturnUrl(string? url, string fallback = "/") =>
        url is { Length: > 0 and < 2000 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : fallback;
}
