using System.Net;
using CourseMatch.Accounts;
using CourseMatch.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Advisor;

/// <summary>
/// Signed-in advisors with their user ids. Learners and plans come from the shared builders
/// (<see cref="CourseMatch.Tests.Advising.AdvisingTestData"/>) on the app's own database, <see cref="WebAppFactory.Db"/>.
/// </summary>
internal static class AdvisorWebTestData
{
    public sealed record SignedInAdvisor(string Id, HttpClient Client);

    /// <summary>
    /// Like <see cref="WebAppFactory.SignedInClientAsync"/>, but also returns the user id: the owner id every
    /// advising query is scoped to.
    /// </summary>
    public static async Task<SignedInAdvisor> AdvisorAsync(WebAppFactory app)
    {
        var (email, password) = await app.CreateUserAsync(Roles.Advisor);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        var response = await WebAppFactory.SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
        return new(user!.Id, client);
    }

    public static async Task<CourseMatchDb> DbAsync(WebAppFactory app) =>
        await app.Services.GetRequiredService<IDbContextFactory<CourseMatchDb>>().CreateDbContextAsync();
}
