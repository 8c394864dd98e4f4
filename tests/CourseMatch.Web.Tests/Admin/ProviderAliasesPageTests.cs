using System.Net;
using AngleSharp.Html.Parser;
using Bunit;
using CourseMatch.Accounts;
using CourseMatch.Curation;
using CourseMatch.Web.Features.Admin.Providers;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Admin;

public class ProviderAliasesPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    [Fact]
    public async Task TheProviderListAndAProvidersPageShowItsOtherNames()
    {
        var editor = app.Db.Get<ProviderEditor>();
        Assert.True((await editor.AddAliasAsync("khan-academy", "KA Lite", "admin@example.test")).Ok);
        var client = await app.SignedInClientAsync(Roles.Admin);

        var list = new HtmlParser().ParseDocument(await client.GetStringAsync("/admin/providers"));
        var khan = list.QuerySelectorAll("table.grid tbody tr").Single(r => r.QuerySelector("td a")!.TextContent == "Khan Academy");
        Assert.Equal("ka lite", khan.QuerySelector("td.aliases")!.TextContent);


        var id = await app.Db.ScalarAsync<int>("SELECT id FROM providers WHERE slug = 'khan-academy'");
        var response = await client.GetAsync($"/admin/providers/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Other names", page.QuerySelector("#aliases-title")!.TextContent);
        Assert.Equal(["ka lite"], page.QuerySelectorAll(".alias-list .alias").Select(a => a.TextContent));
        Assert.NotNull(page.QuerySelector("input#new-alias"));
    }

    [Fact]
    public async Task AnAdminAddsAndRemovesANameAndSeesWhyABadOneIsRefused()
    {
        await using var ctx = new BunitContext();
        ctx.Services.AddCourseMatchCore(app.Db.Source);
        ctx.AddAuthorization().SetAuthorized("editor@example.test").SetRoles(Roles.Admin);
        var cut = ctx.Render<ProviderAliases>(p => p.Add(x => x.ProviderSlug, "imperial-college-london").Add(x => x.ProviderName, "Imperial College London"));
        cut.WaitForAssertion(() => Assert.Contains("No other names yet", cut.Markup));

        cut.Find("input#new-alias").Change("Imperial College (London)");
        cut.Find("form.add-alias").Submit();
        cut.WaitForAssertion(() => Assert.Contains("own name", cut.Find("#alias-error").TextContent));
        Assert.Equal("true", cut.Find("input#new-alias").GetAttribute("aria-invalid"));

        cut.Find("input#new-alias").Change("Khan Academy");
        cut.Find("form.add-alias").Submit();
        cut.WaitForAssertion(() => Assert.Contains("Khan Academy (khan-academy)", cut.Find("#alias-error").TextContent));

        cut.Find("input#new-alias").Change("ICL");
        cut.Find("form.add-alias").Submit();
        cut.WaitForAssertion(() => Assert.Equal(["icl"], cut.FindAll(".alias-list .alias").Select(a => a.TextContent)));
        Assert.Equal("", cut.Find("#alias-error").TextContent.Trim());
        Assert.Equal(1, await app.Db.ScalarAsync<int>("SELECT count(*) FROM audit_entries WHERE action = 'AliasAdded' AND actor = 'editor@example.test'"));

        cut.Find(".alias-list button").Click();
        cut.WaitForAssertion(() => Assert.Contains("No other names yet", cut.Markup));
        Assert.Empty(await app.Db.Get<ProviderEditor>().AliasesAsync("imperial-college-london") ?? ["missing"]);
    }

    [Fact]
    public async Task AnAdvisorCannotOpenAProvidersPage()
    {
        var client = await app.SignedInClientAsync(Roles.Advisor);
        var id = await app.Db.ScalarAsync<int>("SELECT id FROM providers WHERE slug = 'khan-academy'");
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync($"/admin/providers/{id}")).StatusCode);
    }
}
