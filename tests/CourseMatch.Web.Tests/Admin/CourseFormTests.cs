using Bunit;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Web.Features.Admin.Courses;

namespace CourseMatch.Web.Tests.Admin;

public class CourseFormTests : BunitContext
{
    private static readonly CourseChoices Choices = new(
        [new Option("khan-academy", "Khan Academy"), new Option("general-assembly", "General Assembly")],
        [new Option("linear-algebra", "Linear algebra"), new Option("calculus", "Calculus")]);

    private static CourseRecord Record() => new()
    {
        Slug = "linear-algebra-basics", Title = "Linear algebra basics", Provider = "khan-academy", Kind = "course", Format = "online",
        Pacing = "self-paced", Level = "beginner", Language = "en", Price = "0", Currency = "USD", Status = "draft",
        Skills = "linear-algebra:2; calculus:1", FreeToAudit = "false", Certificate = "true", AsOf = "2026-01-10",
    };

    private IRenderedComponent<CourseForm> Form(IReadOnlyList<FieldError>? errors = null, CourseStatus? status = CourseStatus.Draft,
        Action<CourseRecord>? onSave = null) =>
        Render<CourseForm>(p => p.Add(x => x.Record, Record()).Add(x => x.Errors, errors ?? []).Add(x => x.Status, status)
            .Add(x => x.Choices, Choices).Add(x => x.OnSave, onSave ?? (_ => { })));

    [Fact]
    public void EachFieldErrorIsShownBesideItsFieldAndTheFieldIsMarkedInvalid()
    {
        var cut = Form([
            new FieldError("price", "Must be 0 (free) or more."),
            new FieldError("currency", "\"XYZ\" is not an ISO 4217 currency."),
            new FieldError("skills", "basket-weaving is not a skill."),
            new FieldError("city", "Required for in-person courses."),
        ]);

        foreach (var (field, message) in new[] { ("price", "Must be 0 (free) or more."), ("currency", "is not an ISO 4217 currency"), ("skills", "basket-weaving"), ("city", "Required for in-person") })
        {
            var input = cut.Find($"#{field}");
            var error = cut.Find($"#{field}-error");
            Assert.Contains(message, error.TextContent);
            // Beside it: the message lives in the same field box as the input, and the input points at it.
            Assert.Same(input.Closest(".field"), error.Closest(".field"));
            Assert.Contains($"{field}-error", input.GetAttribute("aria-describedby"));
            Assert.Equal("true", input.GetAttribute("aria-invalid"));
        }
        Assert.Equal("", cut.Find("#title-error").TextContent.Trim());
        Assert.Null(cut.Find("#title").GetAttribute("aria-invalid"));
        Assert.Contains("4 fields need another look", cut.Find(".error-summary").TextContent);
    }

    [Fact]
    public void EveryFieldHasALabelAndEnumsAndProviderAreSelectLists()
    {
        var cut = Form();
        foreach (var field in CourseRecord.Fields.Where(f => f != "status"))
        {
            var input = cut.Find($"#{field}");
            Assert.NotNull(cut.Find($"label[for='{field}']"));
            Assert.NotNull(input);
        }
        Assert.Equal("SELECT", cut.Find("#provider").TagName);
        Assert.Contains(cut.FindAll("#provider option"), o => o.TextContent == "Khan Academy" && o.HasAttribute("selected"));
        Assert.All(new[] { "kind", "format", "pacing", "level" }, f => Assert.Equal("SELECT", cut.Find($"#{f}").TagName));
        Assert.Contains("linear-algebra:2", cut.Find("#skills-hint").TextContent);
        Assert.Equal("linear-algebra:2; calculus:1", cut.Find("#skills").GetAttribute("value"));
    }

    [Fact]
    public void SavingHandsBackWhatWasTyped()
    {
        CourseRecord? saved = null;
        var cut = Form(onSave: r => saved = r);
        cut.Find("#title").Change("Linear algebra, revised");
        cut.Find("#price").Change("49");
        cut.Find("#format").Change("in-person");
        cut.Find("form").Submit();
        Assert.Equal("Linear algebra, revised", saved!.Title);
        Assert.Equal("49", saved.Price);
        Assert.Equal("in-person", saved.Format);
        Assert.Equal("linear-algebra-basics", saved.Slug);
    }

    [Fact]
    public void TimeFieldsTakeRangesAndPriceTakesPaidAsTypedWithHintsSayingSo()
    {
        CourseRecord? saved = null;
        var cut = Form(onSave: r => saved = r);
        foreach (var field in new[] { "durationWeeks", "hoursPerWeek", "totalHours" })
        {
            Assert.Contains("a range like 2-4", cut.Find($"#{field}-hint").TextContent);
            Assert.Equal("text", cut.Find($"#{field}").GetAttribute("type"));
        }
        Assert.Contains("\"paid\" when it is paid but the price is not listed", cut.Find("#price-hint").TextContent);

        cut.Find("#durationWeeks").Change("6-8");
        cut.Find("#hoursPerWeek").Change("2–4");
        cut.Find("#price").Change("paid");
        cut.Find("form").Submit();

        Assert.Equal(("6-8", "2–4", "paid"), (saved!.DurationWeeks, saved.HoursPerWeek, saved.Price));
    }

    [Fact]
    public void ADraftOffersPublishAndAPublishedCourseOffersUnpublish()
    {
        Assert.Equal(["Save", "Publish", "Archive", "Duplicate"], Form(status: CourseStatus.Draft).FindAll("button").Select(b => b.TextContent.Trim()));
        Assert.Equal(["Save", "Unpublish", "Archive", "Duplicate"], Form(status: CourseStatus.Published).FindAll("button").Select(b => b.TextContent.Trim()));
        Assert.Equal(["Save"], Form(status: null).FindAll("button").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public void TheConflictViewShowsBothVersionsSideBySideWithTheDifferencesMarked()
    {
        var mine = Record() with { Title = "My better title", Price = "10" };
        var theirs = Record() with { Summary = "Their new summary" };
        var kept = false;
        var cut = Render<ConflictView>(p => p.Add(x => x.Mine, mine).Add(x => x.Theirs, theirs).Add(x => x.OnKeepMine, () => kept = true));

        Assert.Equal(["Field", "Your version", "Saved by someone else"], cut.FindAll("thead th").Select(th => th.TextContent.Trim()));
        var differing = cut.FindAll("tr.differs").Select(r => r.GetAttribute("data-field")).ToList();
        Assert.Equal(["title", "summary", "price"], differing);

        var title = cut.Find("tr[data-field=title]");
        Assert.Equal("My better title", title.QuerySelector("td.mine")!.TextContent);
        Assert.Equal("Linear algebra basics", title.QuerySelector("td.theirs")!.TextContent);
        Assert.Contains("differs", title.QuerySelector("th")!.TextContent);
        Assert.Equal("Their new summary", cut.Find("tr[data-field=summary] td.theirs").TextContent);
        Assert.Null(cut.Find("tr[data-field=slug]").GetAttribute("class"));
        Assert.Contains("3 fields differ", cut.Find(".conflict p").TextContent);

        cut.FindAll("button").Single(b => b.TextContent.Contains("Keep mine")).Click();
        Assert.True(kept);
        Assert.Contains(cut.FindAll("button"), b => b.TextContent == "Use theirs");
    }
}
