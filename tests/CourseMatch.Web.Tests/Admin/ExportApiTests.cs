using System.Net;
using System.Text.Json;
using CourseMatch.Accounts;
using CourseMatch.Curation;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CourseMatch.Web.Tests.Admin;

public class ExportApiTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    [Fact]
    public async Task AnAdminDownloadsTheCatalogAsCsvWithOurFieldsAsTheHeader()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);

        var response = await client.GetAsync("/api/admin/export?format=csv&published=false");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Matches(@"^coursematch-catalog-\d{4}-\d{2}-\d{2}\.csv$", response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(string.Join(",", CourseRecord.Fields), text[..text.IndexOf('\r')]);
        var courses = await app.Db.ScalarAsync<int>("SELECT count(*) FROM courses");
        var file = await ImportFile.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "export.csv");
        Assert.Equal(courses, file.Rows.Count);
    }

    [Fact]
    public async Task JsonExportOfPublishedCoursesIsAListOfCourseRecords()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);

        var response = await client.GetAsync("/api/admin/export?format=json&published=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(await app.Db.ScalarAsync<int>("SELECT count(*) FROM courses WHERE status = 'Published'"), doc.RootElement.GetArrayLength());
        Assert.Equal(CourseRecord.Fields, doc.RootElement[0].EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("-published-" + DateTime.UtcNow.ToString("yyyy-MM-dd") + ".json", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
    }

    [Fact]
    public async Task AnAdvisorIsForbiddenAndAnAnonymousVisitorMustSignIn()
    {
        var advisor = await app.SignedInClientAsync(Roles.Advisor);
        Assert.Equal(HttpStatusCode.Forbidden, (await advisor.GetAsync("/api/admin/export?format=csv")).StatusCode);

        var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/export?format=csv")).StatusCode);
    }

    [Fact]
    public async Task AnUnknownFormatIsABadRequestNamingTheFormatParameter()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);

        var response = await client.GetAsync("/api/admin/export?format=xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("csv or json", problem.RootElement.GetProperty("errors").GetProperty("format")[0].GetString());
    }

    [Fact]
    public async Task TheImportAndExportPagesOpenForAnAdminWithTheUploadAndTheDownloadLinks()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);

        var import = await client.GetStringAsync("/admin/import");
        Assert.Contains("id=\"import-file\"", import);
        Assert.Contains("Import courses", import);

        var export = await client.GetStringAsync("/admin/export");
        Assert.Contains("/api/admin/export?format=csv&amp;published=false", export);
        Assert.Contains("/api/admin/export?format=json&amp;published=false", export);

        var advisor = await app.SignedInClientAsync(Roles.Advisor);
        Assert.NotEqual(HttpStatusCode.OK, (await advisor.GetAsync("/admin/import")).StatusCode);
    }
}
