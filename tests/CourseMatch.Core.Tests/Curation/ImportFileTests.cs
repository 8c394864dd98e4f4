using System.Text;
using CourseMatch.Curation;

namespace CourseMatch.Tests.Curation;

/// <summary>Files as real catalogs save them: spreadsheets' semicolons, tab exports, Windows line breaks, a byte-order mark.</summary>
public class ImportFileTests
{
    private static ImportFile Read(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return ImportFile.Parse(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes, "catalog.csv");
    }

    private static ImportFile ReadOk(string text, bool bom = false)
    {
        var file = Read(text, bom);
        Assert.Null(file.Error);
        return file;
    }

    [Fact]
    public void ASemicolonFileWithAByteOrderMarkReadsItsHeadersAndCells()
    {
        var file = ReadOk("slug;title;price\r\nlinear-algebra;Linear Algebra;0\r\nstatistics;Statistics;49.5\r\n", bom: true);

        Assert.Equal(';', file.Separator);
        Assert.Equal(["slug", "title", "price"], file.Headers);
        Assert.Equal(2, file.Rows.Count);
        Assert.Equal(("linear-algebra", "Linear Algebra", "0"), (file.Rows[0].Cells["slug"], file.Rows[0].Cells["title"], file.Rows[0].Cells["price"]));
        Assert.Equal(("statistics", 3), (file.Rows[1].Cells["slug"], file.Rows[1].Line));
        Assert.All(file.Rows, r => Assert.Empty(r.Problems));
    }

    [Fact]
    public void ATabSeparatedFileIsReadByItsTabs()
    {
        var file = ReadOk("slug\ttitle\tsummary\nlinear-algebra\tLinear Algebra\tVectors, matrices; and more\n");

        Assert.Equal('\t', file.Separator);
        Assert.Equal(["slug", "title", "summary"], file.Headers);
        Assert.Equal("Vectors, matrices; and more", Assert.Single(file.Rows).Cells["summary"]);
    }

    [Fact]
    public void AQuotedCommaInASemicolonFileStaysInItsCell()
    {
        var file = ReadOk("slug;title;summary\nlinear-algebra;\"Linear Algebra, Part 1\";\"Vectors; matrices, and more\"\n");

        Assert.Equal(';', file.Separator);
        var row = Assert.Single(file.Rows);
        Assert.Equal(("Linear Algebra, Part 1", "Vectors; matrices, and more"), (row.Cells["title"], row.Cells["summary"]));
        Assert.Empty(row.Problems);
    }

    [Fact]
    public void SeparatorsInsideAQuotedHeaderDoNotCount()
    {
        var file = ReadOk("\"slug; the address\",\"title; in full\",price\nlinear-algebra,Linear Algebra,0\n");

        Assert.Equal(',', file.Separator);
        Assert.Equal(["slug; the address", "title; in full", "price"], file.Headers);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    [InlineData("\n")]
    public void ALineBreakInsideAQuotedDescriptionIsStoredAsNewline(string lineBreak)
    {
        var file = ReadOk($"slug,description{lineBreak}linear-algebra,\"Week 1: vectors.{lineBreak}Week 2: matrices.{lineBreak}{lineBreak}Then more.\"{lineBreak}statistics,Short{lineBreak}");

        Assert.Equal("Week 1: vectors.\nWeek 2: matrices.\n\nThen more.", file.Rows[0].Cells["description"]);
        Assert.Equal(("statistics", "Short"), (file.Rows[1].Cells["slug"], file.Rows[1].Cells["description"]));
    }

    [Fact]
    public void AOneColumnFileStaysAOneColumnFile()
    {
        var file = ReadOk("slug\nlinear-algebra\nstatistics\n");

        Assert.Equal(',', file.Separator);
        Assert.Equal(["slug"], file.Headers);
        Assert.Equal(["linear-algebra", "statistics"], file.Rows.Select(r => r.Cells["slug"]));
    }

    [Theory]
    [InlineData("a,b;c;d", ';')]
    [InlineData("a;b,c,d", ',')]
    [InlineData("a;b,c", ',')]
    [InlineData("a\tb;c", ',')]
    [InlineData("a\tb\tc;d", '\t')]
    public void TheHeadersMostFrequentSeparatorWinsAndATieIsAComma(string header, char separator) =>
        Assert.Equal(separator, ImportFile.DetectSeparator(header + "\nx,y;z\tw\n"));

    [Fact]
    public void ARowWithTooManyCellsNamesTheSeparatorItWasReadWith()
    {
        var file = ReadOk("slug;title\nlinear-algebra;Linear;Algebra\n");

        var problem = Assert.Single(Assert.Single(file.Rows).Problems);
        Assert.Contains("a cell with a semicolon in it needs double quotes", problem.Message);
        Assert.Equal("semicolon", ImportFile.SeparatorWord(file.Separator));
    }
}
