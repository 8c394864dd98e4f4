using Bunit;
using CourseMatch.Curation;
using CourseMatch.Web.Features.Admin.Import;

namespace CourseMatch.Web.Tests.Admin;

public class ImportMappingStepTests : BunitContext
{
    private static readonly string[] Marketplace = ["course_id", "course_title", "instructor_org", "level", "is_paid", "price", "content_hours"];

    private static readonly Dictionary<string, string?> FirstRow = new()
    {
        ["course_id"] = "1070968", ["course_title"] = "Linear Algebra for Data Science", ["instructor_org"] = "Northwind", ["level"] = "All Levels",
        ["is_paid"] = "True", ["price"] = "20", ["content_hours"] = "1.5",
    };

    private readonly List<ImportMappingStep.Edit> edits = [];
    private readonly List<string> saved = [];

    private ImportMappingStep.Edit Last => edits[^1];

    private IRenderedComponent<ImportMappingStep> Step(string[] headers, MappingDocument? mapping = null, IReadOnlyList<ImportMapping>? savedMappings = null) =>
        Render<ImportMappingStep>(p => p
            .Add(x => x.FileName, "provider-export.csv").Add(x => x.Headers, headers)
            .Add(x => x.Mapping, mapping ?? new MappingDocument().WithColumnsByName(headers))
            .Add(x => x.Sample, FirstRow)
            .Add(x => x.SavedMappings, savedMappings ?? [])
            .Add(x => x.OnChange, (ImportMappingStep.Edit e) => edits.Add(e))
            .Add(x => x.OnSave, (string name) => saved.Add(name)));

    private static string? Chosen(IRenderedComponent<ImportMappingStep> cut, string field) => cut.Find($"#map-{field}").GetAttribute("value");

    private static string Problems(IRenderedComponent<ImportMappingStep> cut) => cut.Find("#mapping-problems").TextContent;

    [Fact]
    public void HeadersNamedLikeOurFieldsArePreselected()
    {
        string[] headers = ["Slug", "Course Title", "PROVIDER", "Duration Weeks", "hours_per_week"];
        var cut = Step(headers, new MappingDocument());

        Assert.Equal("column:Slug", Chosen(cut, "slug"));
        Assert.Equal("column:PROVIDER", Chosen(cut, "provider"));
        // Mapped fields show even though they are not among the common ones.
        Assert.Equal("column:Duration Weeks", Chosen(cut, "durationWeeks"));
        Assert.Equal("column:hours_per_week", Chosen(cut, "hoursPerWeek"));
        Assert.Equal("", Chosen(cut, "title"));
        // A field offers every column of the file, a constant and a template; one read by name cannot be "not in this file".
        Assert.Equal(["(not in this file)", "Slug", "Course Title", "PROVIDER", "Duration Weeks", "hours_per_week", "A constant…", "A template…"],
            cut.FindAll("#map-summary option").Select(o => o.TextContent));
        Assert.DoesNotContain(cut.FindAll("#map-slug option"), o => o.GetAttribute("value") == "");
        Assert.Empty(cut.FindAll("#map-description"));

        cut.FindAll("button").Single(b => b.TextContent.StartsWith("More fields", StringComparison.Ordinal)).Click();
        Assert.Equal(MappingDocument.AllFields.Count, cut.FindAll("table.fields tbody tr[data-field]").Count);
    }

    [Fact]
    public void AConstantATemplateAndAValueMapMakeTheDocument()
    {
        var cut = Step(Marketplace);

        cut.Find("#mapping-feed").Change("northwind");
        cut.Find("#map-provider").Change("constant");
        cut.Find("#constant-provider").Change("Northwind Academy");
        cut.Find("#map-sourceId").Change("column:course_id");
        cut.Find("#map-title").Change("column:course_title");
        // A template starts from the column it replaces.
        cut.Find("#map-slug").Change("column:course_id");
        cut.Find("#map-slug").Change("template");
        Assert.Equal("{course_id}", cut.Find("#template-slug").GetAttribute("value"));
        cut.Find("#template-slug").Change("northwind-{course_id}");
        cut.Find("#values-toggle-level").Click();
        cut.Find("#add-pair-level").Click();
        cut.Find("#from-level-0").Change("All Levels");
        cut.Find("#to-level-0").Change("all");

        var document = Last.Document;
        Assert.Equal("northwind", document.Feed);
        Assert.Equal("Northwind Academy", document.Fields["provider"].Constant);
        Assert.Equal("northwind-{course_id}", document.Fields["slug"].Template);
        Assert.Equal("course_title", document.Fields["title"].Column);
        Assert.Equal("level", document.Fields["level"].Column);
        Assert.Equal(new Dictionary<string, string> { ["All Levels"] = "all" }, document.Fields["level"].Values);
        Assert.Empty(Last.Problems);
        Assert.Equal("", Problems(cut).Trim());
        // The first row shows what each field gets from it, after the value map.
        Assert.Equal("all", cut.Find("tr[data-field=level] td.sample").TextContent.Trim());
        Assert.Equal("northwind-1070968", cut.Find("tr[data-field=slug] td.sample").TextContent.Trim());
        Assert.Equal("Northwind Academy", cut.Find("tr[data-field=provider] td.sample").TextContent.Trim());
        // The JSON box follows the table.
        var json = cut.Find("#mapping-json").GetAttribute("value")!;
        Assert.Contains("\"feed\": \"northwind\"", json);
        Assert.Contains("\"constant\": \"Northwind Academy\"", json);
        Assert.Equal(MappingDocument.ToJson(document), MappingDocument.ToJson(MappingDocument.Parse(json).Document!));
        Assert.Contains(Uri.EscapeDataString("northwind-{course_id}"), cut.Find("#mapping-download").GetAttribute("href"));

        // Removing the pair removes the value map.
        cut.FindAll("button").Single(b => b.GetAttribute("aria-label") == "Remove pair 1 of level").Click();
        Assert.Null(Last.Document.Fields["level"].Values);
    }

    [Fact]
    public void RequiredFieldsAreFlaggedWithAndWithoutAFeed()
    {
        var cut = Step(["Name", "Vendor", "Cost"]);

        Assert.Contains("Required and not mapped: slug, title, provider.", Problems(cut));
        foreach (var field in new[] { "slug", "title", "provider" })
        {
            Assert.Equal("true", cut.Find($"#map-{field}").GetAttribute("aria-invalid"));
            Assert.Equal($"problems-{field}", cut.Find($"#map-{field}").GetAttribute("aria-describedby"));
            Assert.Contains("required", cut.Find($"tr[data-field={field}] .required").TextContent);
        }
        Assert.Null(cut.Find("#map-price").GetAttribute("aria-invalid"));

        // With a feed, rows are keyed by its id or URL: the slug may be left out (it is made from the title), but one of those is needed.
        cut.Find("#mapping-feed").Change("vendor");
        Assert.Contains("Required and not mapped: title, provider, sourceId (or url).", Last.Problems.Single(p => p.StartsWith("Required", StringComparison.Ordinal)));
        Assert.Null(cut.Find("#map-slug").GetAttribute("aria-invalid"));
        Assert.Equal("true", cut.Find("#map-sourceId").GetAttribute("aria-invalid"));
        Assert.Equal("true", cut.Find("#map-url").GetAttribute("aria-invalid"));

        cut.Find("#map-title").Change("column:Name");
        cut.Find("#map-provider").Change("column:Vendor");
        cut.Find("#map-sourceId").Change("column:Name");
        Assert.Empty(Last.Problems);
        Assert.Null(cut.Find("#map-url").GetAttribute("aria-invalid"));

        // A feed name that is not a slug is named.
        cut.Find("#mapping-feed").Change("Vendor Feed!");
        Assert.Contains(Last.Problems, p => p.StartsWith("feed: \"Vendor Feed!\" is not a feed name", StringComparison.Ordinal));
        Assert.Equal("true", cut.Find("#mapping-feed").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void AnEmptyConstantAnUnknownTemplateColumnAndATwiceMappedValueAreNamedByField()
    {
        var cut = Step(Marketplace);
        cut.Find("#map-slug").Change("template");
        cut.Find("#template-slug").Change("nw-{course_code}");
        cut.Find("#map-provider").Change("constant");
        cut.Find("#constant-provider").Change("  ");
        cut.Find("#values-toggle-level").Click();
        cut.Find("#add-pair-level").Click();
        cut.Find("#add-pair-level").Click();
        cut.Find("#from-level-0").Change("All Levels");
        cut.Find("#to-level-0").Change("all");
        cut.Find("#from-level-1").Change("all levels ");
        cut.Find("#to-level-1").Change("beginner");

        Assert.Contains("slug: the template names \"{course_code}\", but the file has no column \"course_code\".", Last.Problems);
        Assert.Contains("provider: the constant is empty; write the value every row gets, or choose a column.", Last.Problems);
        Assert.Contains("level: the value map translates \"all levels\" twice; keep one pair.", Last.Problems);
        Assert.Contains("the constant is empty", cut.Find("#problems-provider").TextContent);
        Assert.Contains("course_code", cut.Find("#problems-slug").TextContent);
        Assert.Contains("twice", cut.Find("#problems-level").TextContent);

        // Such a mapping is not saved.
        cut.Find("#mapping-name").Change("northwind");
        cut.FindAll("button").Single(b => b.TextContent == "Save mapping").Click();
        Assert.Empty(saved);
        Assert.StartsWith("Not saved", cut.Find("#mapping-save-message").TextContent);
    }

    [Fact]
    public void AppliedJsonFillsTheTableAndBadJsonIsRefusedNamingWhere()
    {
        var cut = Step(Marketplace);

        cut.Find("#mapping-json").Change("{ \"fields\": { \"level\": { \"column\": 5 } } }");
        cut.FindAll("button").Single(b => b.TextContent == "Apply").Click();
        var error = cut.Find("#mapping-json-error").TextContent;
        Assert.Contains("$.fields.level", error);
        Assert.Contains("\"column\" must be text", error);
        Assert.Empty(edits);

        cut.Find("#mapping-json").Change("{ \"fields\": { \"levle\": \"level\" } }");
        cut.FindAll("button").Single(b => b.TextContent == "Apply").Click();
        Assert.Contains("Not applied: \"levle\" is not one of our fields", cut.Find("#mapping-json-error").TextContent);
        Assert.Empty(edits);

        cut.Find("#mapping-json").Change("""
            {
              "feed": "northwind",
              "fields": {
                "sourceId": "course_id",
                "title": "course_title",
                "provider": { "constant": "Northwind Academy" },
                "level": { "column": "level", "values": { "All Levels": "all" } },
                "status": { "constant": "published" }
              }
            }
            """);
        cut.FindAll("button").Single(b => b.TextContent == "Apply").Click();

        Assert.Equal("", cut.Find("#mapping-json-error").TextContent.Trim());
        Assert.Equal("northwind", cut.Find("#mapping-feed").GetAttribute("value"));
        Assert.Equal("column:course_title", Chosen(cut, "title"));
        Assert.Equal("constant", Chosen(cut, "provider"));
        Assert.Equal("Northwind Academy", cut.Find("#constant-provider").GetAttribute("value"));
        Assert.Equal("published", cut.Find("#constant-status").GetAttribute("value"));
        Assert.Contains("(1)", cut.Find("#values-toggle-level").TextContent);
        Assert.Equal("northwind", Last.Document.Feed);
        // Columns named like our fields still come along ("level", "price").
        Assert.Equal("price", Last.Document.Fields["price"].Column);
        Assert.Empty(Last.Problems);
    }

    [Fact]
    public void ChoosingASavedMappingFillsEverything()
    {
        var saved = new ImportMapping
        {
            Name = "Acme",
            Document = new MappingDocument
            {
                Feed = "acme",
                Fields = new()
                {
                    ["sourceId"] = FieldSource.FromColumn("Code"), ["title"] = FieldSource.FromColumn("Name"),
                    ["provider"] = new FieldSource { Constant = "Acme Learning" }, ["price"] = FieldSource.FromColumn("Not in this file"),
                },
            },
        };
        var cut = Step(["Code", "Name", "Vendor", "Currency"], savedMappings: [saved]);
        Assert.Contains("slug, title, provider", Problems(cut));

        cut.Find("#saved-mapping").Change("Acme");

        Assert.Equal("acme", Last.Document.Feed);
        Assert.Equal(("Code", "Name", "Acme Learning", "Currency"),
            (Last.Document.Fields["sourceId"].Column, Last.Document.Fields["title"].Column, Last.Document.Fields["provider"].Constant, Last.Document.Fields["currency"].Column));
        Assert.Equal("acme", cut.Find("#mapping-feed").GetAttribute("value"));
        // A column the file lacks is kept, shown and named.
        Assert.Equal("column:Not in this file", Chosen(cut, "price"));
        Assert.Equal(["price: the file has no column \"Not in this file\"."], Last.Problems);
        Assert.Contains("no column", cut.Find("#problems-price").TextContent);
        Assert.Equal("Acme", cut.Find("#mapping-name").GetAttribute("value"));
    }

    [Fact]
    public void ASavedMappingIsDeletedOnlyAfterConfirming()
    {
        var deleted = new List<string>();
        var cut = Render<ImportMappingStep>(p => p
            .Add(x => x.FileName, "feed.csv").Add(x => x.Headers, Marketplace).Add(x => x.Mapping, new MappingDocument().WithColumnsByName(Marketplace))
            .Add(x => x.SavedMappings, [new ImportMapping { Name = "Northwind", Document = new MappingDocument { Feed = "northwind" } }])
            .Add(x => x.OnDelete, (string name) => deleted.Add(name)));
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent == "Delete…");

        cut.Find("#saved-mapping").Change("Northwind");
        cut.FindAll("button").Single(b => b.TextContent == "Delete…").Click();
        Assert.Contains("Delete the saved mapping “Northwind”?", cut.Find(".confirm").TextContent);
        cut.FindAll("button").Single(b => b.TextContent == "Keep it").Click();
        Assert.Empty(deleted);

        cut.FindAll("button").Single(b => b.TextContent == "Delete…").Click();
        cut.FindAll("button").Single(b => b.TextContent == "Yes, delete it").Click();
        Assert.Equal(["Northwind"], deleted);
    }
}
