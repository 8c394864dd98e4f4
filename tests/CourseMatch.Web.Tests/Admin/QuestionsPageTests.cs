using System.Net;
using System.Text.Json;
using Bunit;
using CourseMatch.Accounts;
using CourseMatch.SkillChecks;
using CourseMatch.Web.Features.Admin.Skills;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Web.Tests.Admin;

public class QuestionsPageTests(WebAppFactory app) : IClassFixture<WebAppFactory>
{
    private const string Editor = "editor@example.test";
    private const string MatrixProduct = "linear-algebra-1-matrix-product-2x2";

    private BunitContext Context()
    {
        var ctx = new BunitContext();
        ctx.Services.AddCourseMatchCore(app.Db.Source);
        ctx.AddAuthorization().SetAuthorized(Editor).SetRoles(Roles.Admin);
        return ctx;
    }

    /// <summary>Renders the page as at <paramref name="url"/>: its query comes from the address.</summary>
    private static IRenderedComponent<T> Open<T>(BunitContext ctx, string url, Action<ComponentParameterCollectionBuilder<T>>? parameters = null) where T : IComponent
    {
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return ctx.Render(parameters ?? (_ => { }));
    }

    private Task<int> ItemIdAsync(string key) => app.Db.ScalarAsync<int>($"SELECT id FROM check_items WHERE key = '{key}'");

    private Task<int> AuditCountAsync() => app.Db.ScalarAsync<int>($"SELECT count(*) FROM audit_entries WHERE entity = '{ItemEditor.Entity}'");

    [Fact]
    public async Task TheQuestionsTabListsLinearAlgebrasSixteenQuestionsByLevel()
    {
        await using var ctx = Context();

        var cut = Open<QuestionsPage>(ctx, "/admin/skills/questions?skill=linear-algebra");
        cut.WaitForElement("table.items");

        Assert.Equal("Questions", cut.Find("nav.tabs a[aria-current=page]").TextContent);
        Assert.Equal("linear-algebra", cut.Find("select#question-skill").GetAttribute("value"));
        var rows = cut.FindAll("table.items tr.item");
        Assert.Equal(16, rows.Count);
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4], rows.Select(r => int.Parse(r.GetAttribute("data-level")!)));
        Assert.Equal(["Level 1", "Level 2", "Level 3", "Level 4"], cut.FindAll("tr.level-row th").Select(th => th.TextContent.Split(" · ")[0]));
        var product = rows.Single(r => r.QuerySelector("code")!.TextContent == MatrixProduct);
        Assert.Equal($"/admin/skills/questions/{await ItemIdAsync(MatrixProduct)}", product.QuerySelector("td.question a")!.GetAttribute("href"));
        Assert.DoesNotContain("<", product.QuerySelector("td.question a")!.TextContent);
        Assert.Empty(cut.FindAll(".gaps"));
        Assert.Equal("/api/admin/skills/questions/export?skill=linear-algebra", cut.Find(".files a[download]").GetAttribute("href"));
        Assert.Equal("/admin/skills/questions/new?skill=linear-algebra", cut.Find(".title-row a.button").GetAttribute("href"));
    }

    [Fact]
    public async Task TheEditPagePreviewsTheQuestionAsALearnerSeesItWithItsMathML()
    {
        await using var ctx = Context();
        var id = await ItemIdAsync(MatrixProduct);

        var cut = Open<QuestionEdit>(ctx, $"/admin/skills/questions/{id}", p => p.Add(x => x.Id, id));
        cut.WaitForElement("aside.preview");

        Assert.Equal($"Question {MatrixProduct}", cut.Find("h1").TextContent);
        var preview = cut.Find("aside.preview");
        Assert.NotNull(preview.QuerySelector(".prompt math[display=block] mtable"));
        var choices = preview.QuerySelectorAll(".choices label.choice");
        Assert.Equal(4, choices.Length);
        Assert.Equal(["A", "B", "C", "D"], choices.Select(c => c.QuerySelector(".letter")!.TextContent));
        Assert.All(choices, c => Assert.NotNull(c.QuerySelector(".option math")));
        Assert.Equal(4, cut.FindAll("textarea[id^=choice-]").Count);
        Assert.Equal("1", cut.Find("select#level").GetAttribute("value"));
        Assert.True(cut.Find("input#key").HasAttribute("readonly"));
        Assert.Equal($"/admin/audit?entity=CheckItem&id={id}", cut.Find("p.meta a").GetAttribute("href"));

        // Trying the marked answer in the preview scores it as the check would.
        var right = cut.FindAll("input[name=right-answer]").ToList().FindIndex(r => r.HasAttribute("checked"));
        cut.Find($"aside.preview input#preview-{id}-{right}").Change(true);
        cut.Find("aside.preview form.answer").Submit();
        cut.WaitForAssertion(() => Assert.StartsWith("Right:", cut.Find(".try-result").TextContent));
    }

    [Fact]
    public async Task ABadSaveShowsTheFieldsMessageAndWritesNothing()
    {
        await using var ctx = Context();
        var id = await ItemIdAsync("linear-algebra-2-basis-of-r3");
        var prompt = await app.Db.ScalarAsync<string>($"SELECT prompt FROM check_items WHERE id = {id}");
        var audits = await AuditCountAsync();
        var cut = Open<QuestionEdit>(ctx, $"/admin/skills/questions/{id}", p => p.Add(x => x.Id, id));
        cut.WaitForElement("textarea#prompt");

        cut.Find("textarea#prompt").Change("<p>Which is independent?</p><script>alert(1)</script>");
        cut.Find("form.edit").Submit();

        cut.WaitForAssertion(() => Assert.StartsWith("Prompt uses <script>", cut.Find("#prompt-error").TextContent.Trim().TrimStart('!')));
        Assert.Equal("true", cut.Find("textarea#prompt").GetAttribute("aria-invalid"));
        Assert.Contains("prompt-error", cut.Find("textarea#prompt").GetAttribute("aria-describedby"));
        Assert.Null(cut.Find("select#level").GetAttribute("aria-invalid"));
        Assert.Empty(cut.FindAll(".saved"));
        // The preview never renders what the allow-list refused.
        Assert.Empty(cut.FindAll("aside.preview script"));
        Assert.Contains("is not shown", cut.Find("aside.preview .prompt").TextContent);
        Assert.Equal(prompt, await app.Db.ScalarAsync<string>($"SELECT prompt FROM check_items WHERE id = {id}"));
        Assert.Equal(audits, await AuditCountAsync());
    }

    [Fact]
    public async Task ANewQuestionIsCreatedAndOpensItsOwnPage()
    {
        await using var ctx = Context();
        var cut = Open<QuestionEdit>(ctx, "/admin/skills/questions/new?skill=calculus");
        cut.WaitForElement("textarea#prompt");
        Assert.Equal("calculus", cut.Find("select#skill").GetAttribute("value"));

        cut.Find("input#key").Change("calculus-1-slope-of-a-line");
        cut.Find("textarea#prompt").Change("<p>What is the slope of <math><mi>y</mi><mo>=</mo><mn>3</mn><mi>x</mi><mo>+</mo><mn>1</mn></math>?</p>");
        foreach (var (choice, i) in new[] { "<p>3</p>", "<p>1</p>", "<p>4</p>" }.Select((c, i) => (c, i)))
            cut.Find($"textarea#choice-{i}").Change(choice);
        cut.FindAll(".option-edit button.link")[3].Click(); // removes the fourth, empty option
        cut.Find("input#right-0").Change(true);
        cut.Find("form.edit").Submit();

        var nav = ctx.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith("?created=1", nav.Uri));
        var id = await ItemIdAsync("calculus-1-slope-of-a-line");
        Assert.EndsWith($"/admin/skills/questions/{id}?created=1", nav.Uri);
        Assert.Equal(3, await app.Db.ScalarAsync<int>($"SELECT cardinality(choices) FROM check_items WHERE id = {id}"));
        Assert.Equal(1, await app.Db.ScalarAsync<int>($"SELECT count(*) FROM audit_entries WHERE entity = 'CheckItem' AND entity_id = '{id}' AND action = 'Created' AND actor = '{Editor}'"));
    }

    [Fact]
    public async Task AnImportWithABadItemShowsItsErrorsAndWritesNothing()
    {
        await using var ctx = Context();
        var editor = ctx.Services.GetRequiredService<ItemEditor>();
        var json = (await editor.ExportAsync(await app.Db.ScalarAsync<int>("SELECT id FROM skills WHERE slug = 'statistics'")))!;
        var bad = json.Replace("\"level\": 2,", "\"level\": 7,");
        var audits = await AuditCountAsync();
        var cut = Open<QuestionsPage>(ctx, "/admin/skills/questions?skill=statistics");
        cut.WaitForElement("table.items");

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(bad, "statistics.json", contentType: "application/json"));

        cut.WaitForAssertion(() => Assert.Contains("Nothing was imported", cut.Find(".import-errors").TextContent));
        Assert.Contains(cut.FindAll(".import-errors li"), li => li.TextContent.StartsWith("statistics.items[4].level: 7 is not a level"));
        Assert.Equal(audits, await AuditCountAsync());

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(json, "statistics.json", contentType: "application/json"));
        cut.WaitForAssertion(() => Assert.Equal("Imported: 0 created, 0 updated, 16 unchanged.", cut.Find(".import-report p").TextContent));
    }

    [Fact]
    public async Task TheExportIsJsonForAdminsOnly()
    {
        var client = await app.SignedInClientAsync(Roles.Admin);

        var response = await client.GetAsync("/api/admin/skills/questions/export?skill=linear-algebra");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var file = JsonSerializer.Deserialize<ItemFile>(await response.Content.ReadAsStringAsync(), ItemBank.Json)!;
        Assert.Equal(("linear-algebra", 16), (file.Skill, file.Items.Count));

        var all = await client.GetAsync("/api/admin/skills/questions/export");
        Assert.Equal(8, JsonSerializer.Deserialize<List<ItemFile>>(await all.Content.ReadAsStringAsync(), ItemBank.Json)!.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/admin/skills/questions/export?skill=astrology")).StatusCode);

        var advisor = await app.SignedInClientAsync(Roles.Advisor);
        Assert.Equal(HttpStatusCode.Forbidden, (await advisor.GetAsync("/api/admin/skills/questions/export?skill=linear-algebra")).StatusCode);
    }
}
