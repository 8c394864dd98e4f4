using Bunit;
using CourseMatch.Curation;
using CourseMatch.Web.Features.Admin.Import;

namespace CourseMatch.Web.Tests.Admin;

public class ImportMappingStepTests : BunitContext
{
    private IRenderedComponent<ImportMappingStep> Step(string[] headers, Dictionary<string, string> mapping, Action? changed = null,
        IReadOnlyList<ImportMapping>? saved = null) =>
        Render<ImportMappingStep>(p => p
            .Add(x => x.FileName, "provider-export.csv").Add(x => x.Headers, headers).Add(x => x.Mapping, mapping)
            .Add(x => x.SavedMappings, saved ?? []).Add(x => x.OnChange, () => changed?.Invoke()));

    private static string? Chosen(IRenderedComponent<ImportMappingStep> cut, string field) => cut.Find($"#map-{field}").GetAttribute("value");

    [Fact]
    public void HeadersNamedLikeOurFieldsArePreselected()
    {
        var mapping = new Dictionary<string, string>();
        var cut = Step(["Slug", "Course Title", "PROVIDER", "Duration Weeks", "hours_per_week"], mapping);

        Assert.Equal("Slug", Chosen(cut, "slug"));
        Assert.Equal("PROVIDER", Chosen(cut, "provider"));
        Assert.Equal("Duration Weeks", Chosen(cut, "durationWeeks"));
        Assert.Equal("hours_per_week", Chosen(cut, "hoursPerWeek"));
        Assert.Equal("", Chosen(cut, "title"));
        Assert.Equal(["durationWeeks", "hoursPerWeek", "provider", "slug"], mapping.Keys.Order());
        // Every field offers every column of the file, and "not in this file".
        Assert.Equal(["(not in this file)", "Slug", "Course Title", "PROVIDER", "Duration Weeks", "hours_per_week"],
            cut.FindAll("#map-summary option").Select(o => o.TextContent));
        Assert.Equal(CourseRecord.Fields.Length, cut.FindAll("table.columns tbody tr").Count);
    }

    [Fact]
    public void ChoosingAColumnChangesTheMappingAndClearsTheMissingMessage()
    {
        var mapping = new Dictionary<string, string>();
        var changes = 0;
        var cut = Step(["Slug", "Course Title", "Provider", "Cost"], mapping, () => changes++);
        Assert.Contains("Required and not mapped: title.", cut.Find("#mapping-missing").TextContent);

        cut.Find("#map-title").Change("Course Title");
        cut.Find("#map-price").Change("Cost");

        Assert.Equal(("Course Title", "Cost"), (mapping["title"], mapping["price"]));
        Assert.Equal(2, changes);
        Assert.Equal("", cut.Find("#mapping-missing").TextContent.Trim());
        Assert.Equal("Course Title", Chosen(cut, "title"));

        cut.Find("#map-slug").Change("");
        Assert.False(mapping.ContainsKey("slug"));
        Assert.Contains("Required and not mapped: slug.", cut.Find("#mapping-missing").TextContent);
    }

    [Fact]
    public void UnmappedRequiredFieldsAreNamedAndMarkedInvalid()
    {
        var cut = Step(["Name", "Vendor", "Cost"], []);

        Assert.Contains("Required and not mapped: slug, title, provider. Choose the file's column for each.", cut.Find("#mapping-missing").TextContent);
        foreach (var field in CourseRecord.RequiredFields)
        {
            Assert.Equal("true", cut.Find($"#map-{field}").GetAttribute("aria-invalid"));
            Assert.Equal("mapping-missing", cut.Find($"#map-{field}").GetAttribute("aria-describedby"));
        }
        Assert.Null(cut.Find("#map-price").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void ChoosingASavedMappingFillsItsColumns()
    {
        var mapping = new Dictionary<string, string>();
        var saved = new ImportMapping { Name = "Acme", Columns = new() { ["slug"] = "Code", ["title"] = "Name", ["provider"] = "Vendor", ["price"] = "Not in this file" } };
        var cut = Step(["Code", "Name", "Vendor", "Currency"], mapping, saved: [saved]);
        Assert.Contains("slug, title, provider", cut.Find("#mapping-missing").TextContent);

        cut.Find("#saved-mapping").Change("Acme");

        Assert.Equal(("Code", "Name", "Vendor", "Currency"), (mapping["slug"], mapping["title"], mapping["provider"], mapping["currency"]));
        Assert.False(mapping.ContainsKey("price"));
        Assert.Equal("", cut.Find("#mapping-missing").TextContent.Trim());
    }
}
