using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Curation;

/// <summary>Ranges ("2-4 hours a week") and "paid, price not listed" from the written record to the stored course and back.</summary>
public class RangeAndPaidRulesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static CourseRecord Record(string slug, Func<CourseRecord, CourseRecord>? change = null)
    {
        var r = new CourseRecord
        {
            Slug = slug, Title = $"Course {slug}", Provider = "khan-academy", Format = "online", Status = "draft",
            Skills = "linear-algebra:2",
        };
        return change is null ? r : change(r);
    }

    private async Task<(CheckedCourse? Course, List<FieldError> Errors)> CheckAsync(CourseRecord r)
    {
        await using var db = fixture.Db.Context();
        return CourseRules.Check(r, await CatalogLookups.LoadAsync(db));
    }

    private async Task<CheckedCourse> CheckedAsync(CourseRecord r)
    {
        var (course, errors) = await CheckAsync(r);
        Assert.True(course is not null, string.Join("; ", errors));
        return course;
    }

    [Theory]
    [InlineData("2-4")]
    [InlineData("2–4")]
    [InlineData("2 - 4")]
    [InlineData(" 2 – 4 ")]
    public async Task ARangeIsReadAsItsLowAndHighEndsWhicheverDashItIsWrittenWith(string text)
    {
        var c = await CheckedAsync(Record("range-dashes", r => r with { DurationWeeks = text, HoursPerWeek = text, TotalHours = text }));

        Assert.Equal((2, 4), (c.DurationWeeks, c.DurationWeeksMax));
        Assert.Equal((2m, 4m), (c.HoursPerWeek, c.HoursPerWeekMax));
        Assert.Equal((2m, 4m), (c.TotalHours, c.TotalHoursMax));
    }

    [Fact]
    public async Task ARangeWithEqualEndsIsOneNumberAndOneNumberHasNoUpperEnd()
    {
        var c = await CheckedAsync(Record("range-equal", r => r with { DurationWeeks = "6", HoursPerWeek = "3-3", TotalHours = "1.5–2.25" }));

        Assert.Equal((6, (int?)null), (c.DurationWeeks, c.DurationWeeksMax));
        Assert.Equal((3m, (decimal?)null), (c.HoursPerWeek, c.HoursPerWeekMax));
        Assert.Equal((1.5m, 2.25m), (c.TotalHours, c.TotalHoursMax));
    }

    [Theory]
    [InlineData("durationWeeks", "8-6", "\"8-6\": write the lower end first, like 6-8.")]
    [InlineData("durationWeeks", "0-4", "\"0-4\": each end of a range must be a whole number of weeks from 1 to 520, like 2-4.")]
    [InlineData("durationWeeks", "2.5-4", "each end of a range must be a whole number of weeks")]
    [InlineData("durationWeeks", "6-600", "from 1 to 520")]
    [InlineData("durationWeeks", "0", "Must be a whole number of weeks from 1 to 520, or a range like 2-4.")]
    [InlineData("hoursPerWeek", "2-200", "\"2-200\": each end of a range must be a number of hours greater than 0 and at most 168, like 2-4.")]
    [InlineData("hoursPerWeek", "-3", "Must be a number of hours greater than 0 and at most 168, or a range like 2-4.")]
    [InlineData("hoursPerWeek", "a few", "Must be a number of hours greater than 0 and at most 168, or a range like 2-4.")]
    [InlineData("totalHours", "2-", "\"2-\": each end of a range must be a number of hours greater than 0 and at most 100,000")]
    [InlineData("totalHours", "2-4-6", "each end of a range")]
    public async Task ABadNumberOrRangeIsRefusedNamingTheFieldAndWhatItMustBe(string field, string text, string message)
    {
        var record = CourseRecord.FromFields(Record("range-bad").ToFields().Where(kv => kv.Key != field).Append(KeyValuePair.Create(field, (string?)text)).ToDictionary());

        var (course, errors) = await CheckAsync(record);

        Assert.Null(course);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("paid", null)]
    [InlineData("Paid", "EUR")]
    [InlineData(" PAID ", "gbp")]
    public async Task PaidIsPaidWithTheAmountUnlistedAndKeepsAnyCurrency(string price, string? currency)
    {
        var c = await CheckedAsync(Record("paid-unlisted", r => r with { Price = price, Currency = currency }));

        Assert.True(c.PaidUnlisted);
        Assert.Null(c.Price);
        Assert.Equal(currency?.ToUpperInvariant(), c.Currency);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("49.99")]
    public async Task APriceGivenAsANumberIsNeverPaidUnlisted(string price)
    {
        var c = await CheckedAsync(Record("paid-number", r => r with { Price = price, Currency = "USD" }));

        Assert.False(c.PaidUnlisted);
        Assert.Equal(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), c.Price);
    }

    [Theory]
    [InlineData("Paid Course", "\"Paid Course\" is not a price: write a number (0 for free), or \"paid\" when it is paid but the price is not listed.")]
    [InlineData("-1", "Must be 0 (free) or more.")]
    [InlineData("2000000", "Must be at most 1,000,000.")]
    public async Task APriceThatIsNeitherANumberNorPaidIsRefusedSayingWhatToWrite(string price, string message)
    {
        var (course, errors) = await CheckAsync(Record("paid-bad", r => r with { Price = price, Currency = "USD" }));

        Assert.Null(course);
        Assert.Equal([new FieldError("price", message)], errors);
    }

    [Fact]
    public async Task RangesAndPaidAreStoredAndWrittenBackInTheSameTextForm()
    {
        var written = Record("range-round-trip", r => r with
        {
            DurationWeeks = "6–8", HoursPerWeek = "2 - 4", TotalHours = "1.5-2", Price = "Paid", Currency = "EUR",
        });
        var checkedCourse = await CheckedAsync(written);
        await using (var db = fixture.Db.Context())
        {
            var course = new Course { Slug = checkedCourse.Slug, Title = checkedCourse.Title };
            checkedCourse.ApplyTo(course);
            db.Courses.Add(course);
            await db.SaveChangesAsync();
        }

        await using var read = fixture.Db.Context();
        var stored = await CatalogExport.WithDetails(read.Courses.Where(c => c.Slug == "range-round-trip")).SingleAsync();
        var slugsById = await read.Courses.ToDictionaryAsync(c => c.Id, c => c.Slug);
        var record = CourseRecord.FromCourse(stored, slugsById);

        Assert.Equal((6, 8, 2m, 4m, 1.5m, 2m), (stored.DurationWeeks, stored.DurationWeeksMax, stored.HoursPerWeek, stored.HoursPerWeekMax, stored.TotalHours, stored.TotalHoursMax));
        Assert.Equal(((decimal?)null, true, "EUR"), (stored.Price, stored.PaidUnlisted, stored.Currency));
        Assert.Equal(("6-8", "2-4", "1.5-2", "paid", "EUR"), (record.DurationWeeks, record.HoursPerWeek, record.TotalHours, record.Price, record.Currency));
        var again = await CheckedAsync(record);
        Assert.True(again.SameAs(stored, await read.Courses.ToDictionaryAsync(c => c.Slug, c => c.Id)));
    }

    [Fact]
    public async Task SameAsNoticesAChangedUpperEndAndAChangedPaidFlag()
    {
        var first = await CheckedAsync(Record("range-same-as", r => r with { HoursPerWeek = "2-4", Price = "paid" }));
        await using (var db = fixture.Db.Context())
        {
            var course = new Course { Slug = first.Slug, Title = first.Title };
            first.ApplyTo(course);
            db.Courses.Add(course);
            await db.SaveChangesAsync();
        }
        await using var read = fixture.Db.Context();
        var stored = await CatalogExport.WithDetails(read.Courses.Where(c => c.Slug == "range-same-as")).SingleAsync();
        var ids = await read.Courses.ToDictionaryAsync(c => c.Slug, c => c.Id);

        Assert.True(first.SameAs(stored, ids));
        Assert.False((first with { HoursPerWeekMax = 5m }).SameAs(stored, ids));
        Assert.False((first with { HoursPerWeekMax = null }).SameAs(stored, ids));
        Assert.False((first with { PaidUnlisted = false }).SameAs(stored, ids));
    }
}
