using System.Net;
using AngleSharp.Html.Parser;
using CourseMatch.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Web.Tests.Admin;

public class AdminCoursesPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private static AngleSharp.Html.Dom.IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    [Fact]
    public async Task AnAdminGetsTheCourseListWithItsSearchAndFilters()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);
        var response = await client.GetAsync("/admin/courses?q=khan&status=published");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var doc = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Courses", doc.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("khan", doc.QuerySelector("#course-search")!.GetAttribute("value"));
        Assert.Equal("/admin/courses/new", doc.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "New course").GetAttribute("href"));
        foreach (var id in new[] { "filter-status", "filter-provider", "filter-format", "filter-stale" })
            Assert.NotNull(doc.QuerySelector($"label[for='{id}']"));
        // QuickGrid asks its ItemsProvider while prerendering, so the first page of rows is in the HTML already.
        var rows = doc.QuerySelectorAll("table tbody tr").Where(r => r.QuerySelector("a[href^='/admin/courses/']") is not null).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains("Khan Academy", r.TextContent));
        Assert.All(rows, r => Assert.Contains("Published", r.QuerySelector(".status-badge")!.TextContent));
    }

    [Fact]
    public async Task AnAdminSeesTheCoursesTitleInItsEditForm()
    {
        await using var db = app.Db.Context();
        var course = await db.Courses.OrderBy(c => c.Id).FirstAsync();
        var client = await app.SignedInClientAsync(Roles.Admin);

        var response = await client.GetAsync($"/admin/courses/{course.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(course.Title, doc.QuerySelector("#title")!.GetAttribute("value"));
        Assert.Equal(course.Slug, doc.QuerySelector("#slug")!.GetAttribute("value"));
        Assert.Equal(course.Title, doc.QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task TheNewCourseFormStartsEmpty()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);
        var doc = Parse(await client.GetStringAsync("/admin/courses/new"));
        Assert.Equal("New course", doc.QuerySelector("h1")!.TextContent.Trim());
        Assert.True(string.IsNullOrEmpty(doc.QuerySelector("#title")!.GetAttribute("value")));
    }

    [Theory]
    [InlineData("/admin/courses")]
    [InlineData("/admin/courses/1")]
    [InlineData("/admin/courses/new")]
    public async Task AnAdvisorIsRefused(string path)
    {
        var client = await app.SignedInClientAsync(Roles.Advisor);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/denied", response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("/admin/courses")]
    [InlineData("/admin/courses/1")]
    public async Task AnonymousIsSentToSignIn(string path)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location!.AbsolutePath);
    }
}
