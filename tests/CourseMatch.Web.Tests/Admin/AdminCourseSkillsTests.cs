using System.Net;
using AngleSharp.Html.Parser;
using Bunit;
using CourseMatch.Accounts;
using CourseMatch.Catalog;
using CourseMatch.Web.Features.Admin.Courses;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Admin;

/// <summary>The admin course grid's Skills column and its filter by who said what a course teaches.</summary>
public class AdminCourseSkillsTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    /// <summary>Three new drafts whose titles hold <paramref name="tag"/>: skills confirmed, inferred at 82.3%, and none.</summary>
    private async Task SeedAsync(string tag)
    {
        await using var db = app.Db.Context();
        var provider = await db.Providers.FirstAsync();
        foreach (var (name, status, confidence) in new[] { ("confirmed", SkillsStatus.Confirmed, (decimal?)null), ("inferred", SkillsStatus.Inferred, 0.823m), ("none", SkillsStatus.Unknown, null) })
            db.Courses.Add(new Course { Slug = $"{tag}-{name}", Title = $"{tag} {name}", Provider = provider, Status = CourseStatus.Draft, SkillsStatus = status, SkillsConfidence = confidence });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task TheGridShowsEachCoursesSkillsAndFiltersByThemFromTheQueryString()
    {
        await SeedAsync("skillsgrid");
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddCourseMatchCore(app.Db.Source);
        ctx.AddAuthorization().SetAuthorized("admin@example.test").SetRoles(Roles.Admin);
        var nav = ctx.Services.GetRequiredService<NavigationManager>();

        nav.NavigateTo("/admin/courses?q=skillsgrid");
        var all = ctx.Render<AdminCourseList>();
        all.WaitForAssertion(() => Assert.Equal(3, all.FindAll("tbody .skills").Count));
        Assert.Equal(["Confirmed", "Inferred (confidence 82%)", "None"], all.FindAll("tbody .skills").Select(s => s.TextContent));
        Assert.NotNull(all.Find("label[for=filter-skills]"));

        nav.NavigateTo("/admin/courses?q=skillsgrid&skills=inferred");
        var inferred = ctx.Render<AdminCourseList>();
        inferred.WaitForAssertion(() => Assert.Equal("skillsgrid inferred", Assert.Single(inferred.FindAll("tbody td a")).TextContent));
        Assert.Equal("inferred", inferred.Find("#filter-skills").GetAttribute("value"));
        Assert.Empty(inferred.FindAll("#filter-problem"));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("confirmed")]
    public async Task TheRenderedPageFiltersBySkills(string filter)
    {
        await SeedAsync($"skills{filter}");
        var client = await app.SignedInClientAsync(Roles.Admin);
        var response = await client.GetAsync($"/admin/courses?q=skills{filter}&skills={filter}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var titles = doc.QuerySelectorAll("table tbody td a").Select(a => a.TextContent).ToList();
        Assert.Equal([$"skills{filter} {filter}"], titles);
    }

    [Fact]
    public async Task AnUnknownSkillsFilterIsNamedInAMessageAndTheListShowsUnfiltered()
    {
        await SeedAsync("skillsbad");
        var client = await app.SignedInClientAsync(Roles.Admin);
        var response = await client.GetAsync("/admin/courses?q=skillsbad&skills=%3Cb%3Emaybe%3C%2Fb%3E");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<b>maybe</b>", html);
        var doc = new HtmlParser().ParseDocument(html);
        var problem = doc.QuerySelector("#filter-problem")!;
        Assert.Equal("skills", problem.QuerySelector("strong")!.TextContent);
        Assert.Contains("“<b>maybe</b>” is not a skills filter; use confirmed, inferred or none", problem.TextContent);
        Assert.Equal(3, doc.QuerySelectorAll("table tbody td a").Length);
    }
}
