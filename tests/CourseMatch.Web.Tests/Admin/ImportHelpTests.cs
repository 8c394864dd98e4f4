using Bunit;
using CourseMatch.Curation;
using CourseMatch.Web.Features.Admin.Import;

namespace CourseMatch.Web.Tests.Admin;

public class ImportHelpTests : BunitContext
{
    [Fact]
    public void TheHelpListsEveryWrittenFormTheImporterReads()
    {
        var cut = Render<ImportHelp>(p => p.Add(x => x.Examples, WrittenForms.Examples));

        var rows = cut.FindAll("#import-help tbody tr");
        Assert.Equal(WrittenForms.Examples.Count, rows.Count);
        var first = WrittenForms.Examples[0];
        Assert.Equal([first.Field, first.Written, first.Means], rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
    }
}
