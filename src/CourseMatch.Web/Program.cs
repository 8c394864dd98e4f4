using CourseMatch.Data;
using CourseMatch.Web;
using CourseMatch.Web.Components;
using CourseMatch.Web.Features.Account;
using CourseMatch.Web.Features.Checks;
using CourseMatch.Web.Features.Admin.Import;
using CourseMatch.Web.Features.Admin.Skills;
using CourseMatch.Web.Features.Advisor;
using CourseMatch.Web.Features.Catalog;
using CourseMatch.Web.Features.Match;
using CourseMatch.Web.Operations;

var builder = WebApplication.CreateBuilder(args);

builder.AddCourseMatchData();
builder.AddCourseMatchTelemetry();
builder.AddCourseMatchAccounts();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(ApiJson.Configure);
builder.Services.AddOpenApi();
builder.Services.AddCourseMatchHealth();

var app = builder.Build();

app.UseCourseMatchTelemetry(); // first: every response names its instance; the metrics port branches off here
app.UseCourseMatchForwardedHeaders();
app.CreateKeyRingBeforeServing();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
// Inside that: the API answers a body-less error (404, 405, 415 from routing) with problem details, not the not-found page.
app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
app.UseSecurityHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapOpenApi();
app.MapCourseMatchHealth();
app.MapCatalogApi();
app.MapRecommendationsApi();
app.MapChecksApi();
app.MapAccountEndpoints();
app.MapExportApi();
app.MapQuestionsApi();
app.MapAdvisorApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null); // ours (SecurityHeaders) says frame-ancestors 'none': one CSP header

app.Run();

/// <summary>Visible to WebApplicationFactory in tests and the benchmark.</summary>
public partial class Program;
