using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Bunit;
using CourseMatch.Accounts;
using CourseMatch.Web.Features.Admin.Skills;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Admin;

public class RolesPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private const string Editor = "editor@example.test";

    private static readonly string[] SeededNames =
        ["Data analyst", "Data scientist", "Machine learning engineer", "ML research scientist", "Quantitative analyst", "Graduate student in ML", "Curious learner"];

    private async Task<IHtmlDocument> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private BunitContext Context()
    {
        var ctx = new BunitContext();
        ctx.Services.AddCourseMatchCore(app.Db.Source);
        ctx.AddAuthorization().SetAuthorized(Editor).SetRoles(Roles.Admin);
        return ctx;
    }

    private Task<int> RoleIdAsync(string slug) => app.Db.ScalarAsync<int>($"SELECT id FROM target_roles WHERE slug = '{slug}'");

    private Task<int> AuditCountAsync() => app.Db.ScalarAsync<int>("SELECT count(*) FROM audit_entries WHERE entity = 'TargetRole'");

    [Fact]
    public async Task TheRolesTabListsTheSeededRolesInOrderWithWhatEachTargets()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);

        var list = await PageAsync(client, "/admin/skills/roles");

        Assert.Equal("Target roles", list.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Roles", list.QuerySelector("nav.tabs a[aria-current=page]")!.TextContent);
        var rows = list.QuerySelectorAll("table.grid tbody tr");
        Assert.Equal(SeededNames, rows.Take(7).Select(r => r.QuerySelector("td a")!.TextContent));
        var analyst = rows[0];
        Assert.Equal("data-analyst", analyst.QuerySelector("code")!.TextContent);
        Assert.Equal("5", analyst.QuerySelector("td.num")!.TextContent);
        Assert.StartsWith("/admin/skills/roles/", analyst.QuerySelector("td a")!.GetAttribute("href"));
        Assert.NotNull(list.QuerySelector("a[href='/admin/skills/roles/new']"));

        var skills = await PageAsync(client, "/admin/skills");
        Assert.Equal("Skills", skills.QuerySelector("nav.tabs a[aria-current=page]")!.TextContent);
        Assert.NotNull(skills.QuerySelector("nav.tabs a[href='/admin/skills/roles']"));
    }

    [Fact]
    public async Task TheEditFormShowsARowPerSkillWithItsLevelsDescribed()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);
        var id = await RoleIdAsync("data-scientist");

        var edit = await PageAsync(client, $"/admin/skills/roles/{id}");

        Assert.Equal("Data scientist", edit.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(8, edit.QuerySelectorAll("fieldset.target").Length);
        var calculus = (IHtmlSelectElement)edit.QuerySelector("select#level-calculus")!;
        Assert.Equal(["", "0", "1", "2", "3", "4"], calculus.Options.Select(o => o.Value));
        Assert.Equal("Not needed", calculus.Options[0].TextContent);
        Assert.StartsWith("2 · ", calculus.Options[3].TextContent);
        Assert.Equal("2", calculus.Options.Single(o => o.IsSelected).Value);
        Assert.True(edit.QuerySelector("input#slug")!.HasAttribute("readonly"));
        Assert.Equal($"/admin/audit?entity=TargetRole&id={id}", edit.QuerySelector("p.meta a")?.GetAttribute("href"));
    }

    [Fact]
    public async Task SavingANewLevelSaysSavedAndTheLevelIsStored()
    {
        await using var ctx = Context();
        var id = await RoleIdAsync("curious");
        var cut = ctx.Render<RoleEdit>(p => p.Add(x => x.Id, id));
        cut.WaitForElement("select#level-calculus");

        cut.Find("select#level-calculus").Change("1");
        cut.Find("textarea#reason-calculus").Change("Enough to see what a slope means in a model's plot.");
        cut.Find("form.edit").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Saved.", cut.Find(".saved[role=status]").TextContent));
        Assert.Equal(1, await app.Db.ScalarAsync<int>($"SELECT (targets -> 'calculus' ->> 'Level')::int FROM target_roles WHERE id = {id}"));
        Assert.Equal("1", cut.Find("select#level-calculus").GetAttribute("value"));
        Assert.Equal(1, await app.Db.ScalarAsync<int>($"SELECT count(*) FROM audit_entries WHERE entity = 'TargetRole' AND entity_id = '{id}' AND actor = '{Editor}'"));
    }

    [Fact]
    public async Task ABadInputShowsItsFieldsMessageAndSavesNothing()
    {
        await using var ctx = Context();
        var id = await RoleIdAsync("quant-analyst");
        var audits = await AuditCountAsync();
        var cut = ctx.Render<RoleEdit>(p => p.Add(x => x.Id, id));
        cut.WaitForElement("select#level-statistics");

        cut.Find("textarea#reason-statistics").Change("");
        cut.Find("textarea#summary").Change("");
        cut.Find("form.edit").Submit();

        cut.WaitForAssertion(() => Assert.Contains("Statistics reason is required", cut.Find("#reason-statistics-error").TextContent));
        Assert.Contains("Summary is required", cut.Find("#summary-error").TextContent);
        Assert.Equal("true", cut.Find("textarea#reason-statistics").GetAttribute("aria-invalid"));
        Assert.Contains("reason-statistics-error", cut.Find("textarea#reason-statistics").GetAttribute("aria-describedby"));
        Assert.Null(cut.Find("select#level-statistics").GetAttribute("aria-invalid"));
        Assert.Equal("", cut.Find("#name-error").TextContent.Trim());
        Assert.Empty(cut.FindAll(".saved"));
        Assert.Equal(3, await app.Db.ScalarAsync<int>($"SELECT (targets -> 'statistics' ->> 'Level')::int FROM target_roles WHERE id = {id}"));
        Assert.NotEqual("", await app.Db.ScalarAsync<string>($"SELECT summary FROM target_roles WHERE id = {id}"));
        Assert.Equal(audits, await AuditCountAsync());

        // Every skill "Not needed": the message sits under the targets as a whole.
        foreach (var select in cut.FindAll("fieldset.target select").Select(s => s.Id!).ToList())
            cut.Find($"select#{select}").Change("");
        cut.Find("form.edit").Submit();
        cut.WaitForAssertion(() => Assert.Contains("at least one skill", cut.Find("#targets-error").TextContent));
        Assert.Equal(audits, await AuditCountAsync());
    }

    [Fact]
    public async Task ANewRoleIsCreatedAndOpensItsOwnPage()
    {
        await using var ctx = Context();
        var cut = ctx.Render<RoleEdit>();
        cut.WaitForElement("select#level-python");

        cut.Find("input#name").Change("Data engineer");
        cut.Find("input#slug").Change("data-engineer");
        cut.Find("textarea#summary").Change("Builds the pipelines that feed models and dashboards.");
        cut.Find("select#level-python").Change("3");
        cut.Find("textarea#reason-python").Change("Writes and tests the jobs that move data every night.");
        cut.Find("form.edit").Submit();

        cut.WaitForAssertion(() => Assert.EndsWith("?created=1", ctx.Services.GetRequiredService<NavigationManager>().Uri));
        var id = await RoleIdAsync("data-engineer");
        Assert.EndsWith($"/admin/skills/roles/{id}?created=1", ctx.Services.GetRequiredService<NavigationManager>().Uri);
        Assert.Equal(await app.Db.ScalarAsync<int>("SELECT max(position) FROM target_roles"),
            await app.Db.ScalarAsync<int>($"SELECT position FROM target_roles WHERE id = {id}"));
    }
}
