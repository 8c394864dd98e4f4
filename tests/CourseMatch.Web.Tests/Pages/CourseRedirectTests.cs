using System.Net;
using CourseMatch.Curation;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CourseMatch.Web.Tests.Pages;

/// <summary>A renamed course's old address keeps working: the page and the API answer it with a permanent redirect.</summary>
public class CourseRedirectTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private HttpClient Client() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });

    /// <summary>Creates a published course under <paramref name="from"/> and renames it to <paramref name="to"/> through the editor.</summary>
    private async Task RenameAsync(string from, string to)
    {
        var editor = app.Db.Get<CourseEditor>();
        var record = new CourseRecord
        {
            Slug = from, Title = $"Renamed course {to}", Provider = "khan-academy", Kind = "course", Summary = "A course that moved.",
            Url = "https://example.test/course", Format = "online", Pacing = "self-paced", DurationWeeks = "4", HoursPerWeek = "3",
            Price = "0", Currency = "USD", Level = "beginner", Language = "en", Status = "published", AsOf = "2026-01-10",
        };
        var created = await editor.SaveAsync(null, record, null, "admin@example.test");
        Assert.True(created.IsSaved, string.Join("; ", created.Errors));
        var renamed = await editor.SaveAsync(created.Current!.Id, created.Current.Record with { Slug = to }, created.Current.Version, "admin@example.test");
        Assert.True(renamed.IsSaved, string.Join("; ", renamed.Errors));
    }

    [Fact]
    public async Task TheCoursePageAnswersAnOldSlugWith301ToTheCurrentOneKeepingTheQueryString()
    {
        await RenameAsync("page-moved-from", "page-moved-to");
        var http = Client();

        var moved = await http.GetAsync("/courses/page-moved-from?ref=newsletter&c=a");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal("/courses/page-moved-to?ref=newsletter&c=a", moved.Headers.Location!.OriginalString);
        Assert.DoesNotContain("Renamed course", await moved.Content.ReadAsStringAsync());

        var current = await http.GetAsync("/courses/page-moved-to");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Contains("Renamed course page-moved-to", await current.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheApiAnswersAnOldSlugWith301ToTheCurrentCourse()
    {
        await RenameAsync("api-moved-from", "api-moved-to");
        var http = Client();

        var moved = await http.GetAsync("/api/courses/api-moved-from");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal("/api/courses/api-moved-to", moved.Headers.Location!.OriginalString);

        var current = await http.GetAsync(moved.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Contains("\"slug\":\"api-moved-to\"", await current.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUnknownSlugIsStillNotFoundOnThePageAndTheApi()
    {
        var http = Client();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/courses/never-had-this-address")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/courses/never-had-this-address")).StatusCode);
    }
}
