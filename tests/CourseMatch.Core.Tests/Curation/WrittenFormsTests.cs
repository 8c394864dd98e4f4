using System.Text;
using CourseMatch.Curation;

namespace CourseMatch.Tests.Curation;

public class WrittenFormsTests
{
    public static TheoryData<string, string> DocumentedForms()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in WrittenForms.Examples) data.Add(example.Field, example.Written);
        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedForms))]
    public void EveryDocumentedFormReadsAsDocumented(string field, string written)
    {
        var example = WrittenForms.Examples.Single(e => e.Field == field && e.Written == written);

        var reading = WrittenForms.Read(field, written);

        Assert.Null(reading.Error);
        Assert.Equal(Sorted(example.Fields), Sorted(reading.Fields));
    }

    [Fact]
    public void EachDocumentedFormIsListedOnce()
    {
        var twice = WrittenForms.Examples.GroupBy(e => (e.Field, e.Written)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(twice);
    }

    [Fact]
    public void DocumentedFormsStoreOnlyFieldsACourseRecordHolds()
    {
        foreach (var example in WrittenForms.Examples)
            foreach (var stored in example.Fields.Keys)
                Assert.True(CourseRecord.Fields.Contains(stored) || WrittenForms.VirtualFields.Contains(stored), $"{example.Field} \"{example.Written}\" stores {stored}");
    }

    [Theory]
    [InlineData("price", "Contact us")]
    [InlineData("price", "$49/month")]
    [InlineData("price", "49 hrs")]
    [InlineData("currency", "dollars")]
    [InlineData("duration", "next spring")]
    [InlineData("duration", "2 hours a day")]
    [InlineData("duration", "6")]
    [InlineData("duration", "4-2 weeks")]
    [InlineData("duration", "6 weeks, 8 weeks")]
    [InlineData("durationWeeks", "2 hours per week")]
    [InlineData("hoursPerWeek", "6 weeks")]
    [InlineData("totalHours", "2 hours per week")]
    [InlineData("level", "Expert-ish")]
    [InlineData("kind", "podcast")]
    [InlineData("format", "by carrier pigeon")]
    [InlineData("pacing", "whenever")]
    [InlineData("status", "deleted")]
    [InlineData("language", "Klingon")]
    [InlineData("language", "Espanol")]
    [InlineData("country", "Atlantis")]
    [InlineData("asOf", "32nd Sep, 2024")]
    [InlineData("asOf", "Feb 30, 2024")]
    [InlineData("asOf", "03/09/2024")]
    [InlineData("asOf", "9/23/24")]
    [InlineData("asOf", "Sep 2024")]
    [InlineData("startDate", "next spring")]
    [InlineData("freeToAudit", "maybe")]
    [InlineData("certificate", "perhaps")]
    [InlineData("isPaid", "sometimes")]
    [InlineData("rating", "7.5")]
    [InlineData("rating", "great")]
    [InlineData("ratingCount", "lots")]
    public void RefusalsQuoteTheValueAndSayWhatToWrite(string field, string written)
    {
        var reading = WrittenForms.Read(field, $"  {written} ");

        Assert.Empty(reading.Fields);
        Assert.NotNull(reading.Error);
        Assert.Contains($"\"{written}\"", reading.Error);
        Assert.Contains("write", reading.Error);
        Assert.EndsWith("or map the value.", reading.Error);
        Assert.DoesNotContain($"{field}:", reading.Error);
    }

    [Fact]
    public void APriceRefusalReadsAsOneSentence() =>
        Assert.Equal("\"Contact us\" is not a price; write a number, \"free\", or map the value.", WrittenForms.Read("price", "Contact us").Error);

    [Fact]
    public void AnAmbiguousDayAndMonthOffersBothReadings() =>
        Assert.Equal("\"03/09/2024\" could be 3 September or March 9; write 2024-09-03 or 2024-03-09, or map the value.",
            WrittenForms.Read("asOf", "03/09/2024").Error);

    [Fact]
    public void ALongRefusedValueIsCutInTheMessage()
    {
        var reading = WrittenForms.Read("level", new string('x', 100));
        Assert.StartsWith($"\"{new string('x', 57)}…\" is not a level", reading.Error);
    }

    [Theory]
    [InlineData("price", "")]
    [InlineData("price", "   ")]
    [InlineData("price", null)]
    [InlineData("duration", "\t")]
    [InlineData("title", " ")]
    [InlineData("language", "")]
    [InlineData("asOf", "\n")]
    public void EmptyCellsAreNothing(string field, string? written)
    {
        var reading = WrittenForms.Read(field, written);
        Assert.Same(Reading.Nothing, reading);
        Assert.Empty(reading.Fields);
        Assert.Null(reading.Error);
    }

    [Theory]
    [InlineData("price", "N/A")]
    [InlineData("price", "-")]
    [InlineData("rating", "—")]
    [InlineData("level", "TBD")]
    [InlineData("startDate", "TBA")]
    [InlineData("language", "unknown")]
    public void CellsThatSayTheValueIsUnknownAreNothing(string field, string written) =>
        Assert.Same(Reading.Nothing, WrittenForms.Read(field, written));

    [Theory]
    [InlineData("duration", "1-2 hours", "totalHours", "1-2")]
    [InlineData("duration", "6–8 weeks", "durationWeeks", "6-8")]
    [InlineData("duration", "1 to 2.5 hours per week", "hoursPerWeek", "1-2.5")]
    [InlineData("hoursPerWeek", "2 – 4", "hoursPerWeek", "2-4")]
    [InlineData("totalHours", "10-12", "totalHours", "10-12")]
    [InlineData("durationWeeks", "2-3 months", "durationWeeks", "9-13")]
    public void RangesStayRanges(string field, string written, string stored, string range) =>
        Assert.Equal(range, WrittenForms.Read(field, written).Fields[stored]);

    [Theory]
    [InlineData("duration", "On-Demand")]
    [InlineData("duration", "Finished")]
    [InlineData("duration", "Self-paced")]
    [InlineData("duration", "Flexible")]
    [InlineData("duration", "Varies")]
    [InlineData("durationWeeks", "varies")]
    [InlineData("totalHours", "Self paced")]
    public void ThingsThatAreNotDurationsAreNothing(string field, string written) =>
        Assert.Same(Reading.Nothing, WrittenForms.Read(field, written));

    [Fact]
    public void AnUnknownFieldIsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WrittenForms.Read("colour", "blue"));
        Assert.Throws<ArgumentOutOfRangeException>(() => WrittenForms.Read("Price", ""));
    }

    [Fact]
    public void EveryFieldAMappingMayFillCanBeRead()
    {
        foreach (var field in CourseRecord.Fields.Concat(WrittenForms.VirtualFields))
            Assert.Same(Reading.Nothing, WrittenForms.Read(field, ""));
    }

    [Theory]
    [InlineData("title", "  Fourier Analysis, Part 1 ", "Fourier Analysis, Part 1")]
    [InlineData("description", "Free. 6 weeks. N/A", "Free. 6 weeks. N/A")]
    [InlineData("slug", "n/a", "n/a")]
    public void TextFieldsAreTrimmedAndOtherwiseKept(string field, string written, string stored)
    {
        var reading = WrittenForms.Read(field, written);
        Assert.Equal([new KeyValuePair<string, string?>(field, stored)], reading.Fields);
    }

    [Theory]
    [InlineData("$0", "0")]
    [InlineData("1,481", "1481")]
    [InlineData("1,48,100 ₹", "148100")]
    [InlineData("CHF 1'200.00", "1200")]
    [InlineData("30,50 €", "30.5")]
    [InlineData("1.481 €", "1481")]
    [InlineData("1.234.567,89 €", "1234567.89")]
    public void PricesAreStoredAsInvariantNumbers(string written, string price) =>
        Assert.Equal(price, WrittenForms.Read("price", written).Fields["price"]);

    [Fact]
    public void AFreeTrialIsPaidNotFree() => Assert.Equal("paid", WrittenForms.Read("price", "Free Trial Available").Fields["price"]);

    [Fact]
    public void AuditingSaysNothingOfThePrice()
    {
        var reading = WrittenForms.Read("price", "Audit for free");
        Assert.False(reading.Fields.ContainsKey("price"));
        Assert.Equal("true", reading.Fields["freeToAudit"]);
    }

    [Theory]
    [InlineData("Namibia", "NA")]
    [InlineData("NA", "NA")]
    [InlineData("XK", "XK")]
    public void CountryCodesThatLookLikeAbbreviationsAreCodes(string written, string code) =>
        Assert.Equal(code, WrittenForms.Read("country", written).Fields["country"]);

    [Theory]
    [InlineData("01/01/2024", "2024-01-01")]
    [InlineData("2024/09/23", "2024-09-23")]
    [InlineData("Feb 29, 2024", "2024-02-29")]
    public void UnambiguousDatesAreRead(string written, string date) =>
        Assert.Equal(date, WrittenForms.Read("asOf", written).Fields["asOf"]);

    [Fact]
    public void ARatingOnATenPointScaleIsHalved() => Assert.Equal("4.25", WrittenForms.Read("rating", "8.5 out of 10").Fields["rating"]);

    [Fact]
    public void TheDocumentedTableMatchesTheFormsTheImporterReads()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "import-forms.md");
        var table = Table();
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(text.Contains(table, StringComparison.Ordinal),
            $"docs/import-forms.md does not hold the table of WrittenForms.Examples. Replace its table with this one:\n\n{table}");
    }

    /// <summary>The Markdown table of <see cref="WrittenForms.Examples"/>, as docs/import-forms.md holds it.</summary>
    private static string Table()
    {
        var md = new StringBuilder();
        md.Append("| Field | A file writes | We store |\n|---|---|---|\n");
        foreach (var e in WrittenForms.Examples)
            md.Append($"| {e.Field} | `{e.Written.Replace("|", "\\|", StringComparison.Ordinal)}` | {e.Means.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        return md.ToString();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CourseMatch.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The tests run outside the repository: no CourseMatch.sln above " + AppContext.BaseDirectory);
    }

    private static List<string> Sorted(IReadOnlyDictionary<string, string?> fields) =>
        [.. fields.Select(f => $"{f.Key}={f.Value}").Order(StringComparer.Ordinal)];
}
