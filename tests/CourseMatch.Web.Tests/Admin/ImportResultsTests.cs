using Bunit;
using CourseMatch.Curation;
using CourseMatch.Web.Features.Admin.Import;

namespace CourseMatch.Web.Tests.Admin;

/// <summary>The dry run's results as rendered from a hand-built report: no database, only what it shows and passes on.</summary>
public class ImportResultsTests : BunitContext
{
    private static readonly ImportReport Report = new()
    {
        FileName = "northwind.csv", Rows = 7, Creates = 2, Updates = 1, Unchanged = 1, PossibleDuplicates = 1, Repeats = 1, Drafts = 2, WithoutSkills = 3, KeptEdits = 1,
        NewProviders = [new NewProvider("Northwind Academy", 2, ["Northwind University"])],
        BadRows = [new BadRow(6, "price", "Must be 0 (free) or more.", "-5")],
        Outcomes =
        [
            new RowOutcome(2, RowAction.Create, "northwind-linear-algebra", "Linear Algebra Refresher", "northwind-academy") { Draft = true, WithoutSkills = true },
            new RowOutcome(3, RowAction.Update, "khan-statistics", "High School Statistics", "khan-academy")
            {
                Changes = [new FieldChange("price", "0", "20")],
                Kept = [new KeptField("summary", "Edited by hand", "From the file", "your edit")],
                WithoutSkills = true,
            },
            new RowOutcome(4, RowAction.PossibleDuplicate, "khan-linear-algebra", "Linear Algebra", "khan-academy") { DuplicateOf = "khan-linear-algebra", DuplicateBy = "provider and title" },
            new RowOutcome(5, RowAction.Unchanged, "khan-calculus", "Multivariable Calculus", "khan-academy"),
            new RowOutcome(6, RowAction.Bad, null, "Probability Crash Course", "northwind-academy") { Problems = [new BadRow(6, "price", "Must be 0 (free) or more.", "-5")] },
            new RowOutcome(7, RowAction.Create, "northwind-calculus", "Calculus in Practice", "northwind-academy") { Draft = true, WithoutSkills = true },
            new RowOutcome(8, RowAction.Repeat, null, null, null),
        ],
    };

    private readonly List<ImportResults.RowChoice> chosen = [];
    private readonly List<bool> createProviders = [];
    private int reportDownloads, rejectDownloads;

    public ImportResultsTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    private IRenderedComponent<ImportResults> Results(IReadOnlyDictionary<int, DuplicateChoice>? choices = null) =>
        Render<ImportResults>(p => p
            .Add(x => x.Report, Report).Add(x => x.Choices, choices ?? new Dictionary<int, DuplicateChoice>())
            .Add(x => x.OnChoose, (ImportResults.RowChoice c) => chosen.Add(c))
            .Add(x => x.CreateProvidersChanged, (bool v) => createProviders.Add(v))
            .Add(x => x.OnDownloadReport, () => reportDownloads++)
            .Add(x => x.OnDownloadRejects, () => rejectDownloads++));

    private static List<string> Lines(IRenderedComponent<ImportResults> cut) =>
        cut.FindAll(".rows-grid tbody tr").Select(r => r.QuerySelector("td.line")?.TextContent.Trim() ?? "").Where(l => l.Length > 0).ToList();

    [Fact]
    public void TheCountsTheNewProvidersAndEveryRowAreShown()
    {
        var cut = Results();

        Assert.Equal(("2", "1", "1", "1", "1"), (cut.Find("#count-creates").TextContent, cut.Find("#count-updates").TextContent,
            cut.Find("#count-unchanged").TextContent, cut.Find("#count-duplicates").TextContent, cut.Find("#count-bad").TextContent));
        Assert.Equal("3", cut.Find("#count-without-skills").TextContent);
        Assert.Contains("3 courses without skills will not be recommended until their skills are known.", cut.Find("ul.notes").TextContent);
        Assert.Contains("2 new courses will be drafts", cut.Find("ul.notes").TextContent);

        var provider = cut.Find("table.new-providers tbody tr");
        Assert.Contains("Northwind Academy", provider.TextContent);
        Assert.Contains("Northwind University", provider.TextContent);
        cut.Find("#create-providers").Change(true);
        Assert.Equal([true], createProviders);

        Assert.Equal(["2", "3", "4", "5", "6", "7", "8"], Lines(cut));
        var update = cut.FindAll(".rows-grid tbody tr")[1];
        Assert.Contains("price: “0” → “20”", update.TextContent);
        Assert.Contains("summary: kept your edit", update.TextContent);
        var duplicate = cut.FindAll(".rows-grid tbody tr")[2];
        Assert.Equal("/courses/khan-linear-algebra", duplicate.QuerySelector(".duplicate a")!.GetAttribute("href"));
        Assert.Contains("price: Must be 0 (free) or more.", cut.FindAll(".rows-grid tbody tr")[4].TextContent);

        cut.Find("#download-report").Click();
        cut.Find("#download-rejects").Click();
        Assert.Equal((1, 1), (reportDownloads, rejectDownloads));
    }

    [Fact]
    public void FilteringByActionAndByTextNarrowsTheRows()
    {
        var cut = Results();
        Assert.Equal(["all", "create", "update", "unchanged", "possible-duplicate", "repeat", "bad", "kept", "without-skills"],
            cut.FindAll("#row-filter option").Select(o => o.GetAttribute("value")));
        Assert.Equal("Create (2)", cut.FindAll("#row-filter option")[1].TextContent);

        cut.Find("#row-filter").Change("create");
        Assert.Equal(["2", "7"], Lines(cut));
        Assert.Equal("2 rows of 7", cut.Find("#rows-shown").TextContent);

        cut.Find("#row-filter").Change("possible-duplicate");
        Assert.Equal(["4"], Lines(cut));

        cut.Find("#row-filter").Change("without-skills");
        Assert.Equal(["2", "3", "7"], Lines(cut));

        cut.Find("#row-search").Input("calculus");
        Assert.Equal(["7"], Lines(cut));

        cut.Find("#row-filter").Change("all");
        Assert.Equal(["5", "7"], Lines(cut));
        cut.Find("#row-search").Input("khan-linear");
        Assert.Equal(["4"], Lines(cut));
    }

    [Fact]
    public void ADuplicateChoiceIsPassedOnAndShown()
    {
        var cut = Results();
        var select = cut.Find("#choice-4");
        Assert.Equal("leave", select.GetAttribute("value"));
        Assert.Equal(["leave", "link", "overwrite", "create"], select.QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Single(cut.FindAll("select[id^=choice-]"));

        select.Change("overwrite");
        Assert.Equal([new ImportResults.RowChoice(4, DuplicateChoice.Overwrite)], chosen);

        // The page passes the choice back; the row shows it until the next check.
        var again = Results(new Dictionary<int, DuplicateChoice> { [4] = DuplicateChoice.Overwrite });
        Assert.Equal("overwrite", again.Find("#choice-4").GetAttribute("value"));
    }

    [Fact]
    public void AnImportThatRanOffersNoChoices()
    {
        var cut = Render<ImportResults>(p => p.Add(x => x.Report, Report with { Committed = true }).Add(x => x.Choices, new Dictionary<int, DuplicateChoice>()));
        Assert.Empty(cut.FindAll("select[id^=choice-]"));
        Assert.Empty(cut.FindAll("#create-providers"));
        Assert.Equal("Created", cut.Find("#count-creates").PreviousElementSibling!.TextContent);
    }
}
