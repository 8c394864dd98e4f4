using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CourseMatch.Curation;
using CourseMatch.SkillChecks;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.SkillChecks;

/// <summary>Admins curate the item bank: every write checked and audited, levels never left short, files round-trip.</summary>
public class ItemEditorTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Admin = "admin@example.test";
    private readonly ItemEditor editor = fixture.Db.Get<ItemEditor>();

    private Task<int> AuditCountAsync() => fixture.Db.ScalarAsync<int>($"SELECT count(*) FROM audit_entries WHERE entity = '{ItemEditor.Entity}'");

    private Task<int> ItemCountAsync() => fixture.Db.ScalarAsync<int>("SELECT count(*) FROM check_items");

    private Task<int> SkillIdAsync(string slug) => fixture.Db.ScalarAsync<int>($"SELECT id FROM skills WHERE slug = '{slug}'");

    private async Task<List<CheckItem>> ItemsAsync(string skill)
    {
        await using var db = fixture.Db.Context();
        return await db.CheckItems.AsNoTracking().Where(i => i.Skill.Slug == skill).OrderBy(i => i.Level).ThenBy(i => i.Id).ToListAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(int id)
    {
        await using var db = fixture.Db.Context();
        var key = id.ToString(CultureInfo.InvariantCulture);
        return await db.AuditEntries.Where(a => a.Entity == ItemEditor.Entity && a.EntityId == key).OrderBy(a => a.Id).ToListAsync();
    }

    private static ItemRecord NewChoice(string key, int level, string descriptor) => new()
    {
        Key = key, Level = level, Descriptor = descriptor, Kind = "choice",
        Prompt = "<p>Which of these is <em>always</em> true?</p>",
        Choices = ["<math><mn>1</mn><mo>+</mo><mn>1</mn><mo>=</mo><mn>2</mn></math>", "<p>Nothing at all</p>", "<p>Only on Tuesdays</p>"],
        Answer = JsonSerializer.SerializeToElement(0), Explanation = "<p>Arithmetic does not depend on the day.</p>",
    };

    [Fact]
    public async Task AnEditIsSavedAndAuditedWithTheItemBeforeAndAfter()
    {
        var item = (await ItemsAsync("calculus"))[0];
        var loaded = (await editor.GetAsync(item.Id))!.Record;
        var form = ItemForm.From(loaded);
        form.Prompt = "<p>A clearer prompt: what is <math><mfrac><mi>d</mi><mrow><mi>d</mi><mi>x</mi></mrow></mfrac><msup><mi>x</mi><mn>2</mn></msup></math>?</p>";
        form.Explanation = "<p>The power rule.</p>";

        var saved = await editor.UpdateAsync(item.Id, loaded, form.ToRecord(), Admin);

        Assert.True(saved.Ok, string.Join("; ", saved.Errors));
        Assert.Equal(form.Prompt, (await editor.GetAsync(item.Id))!.Record.Prompt);
        var entry = Assert.Single(await AuditAsync(item.Id));
        Assert.Equal(("Updated", Admin), (entry.Action, entry.Actor));
        Assert.Equal($"Updated item {item.Key} (Calculus level {item.Level}): prompt, explanation", entry.Summary);
        Assert.Equal(item.Prompt, JsonNode.Parse(entry.Before!)!["prompt"]!.GetValue<string>());
        Assert.Equal(form.Prompt, JsonNode.Parse(entry.After!)!["prompt"]!.GetValue<string>());

        // Saving the same values again writes nothing.
        var again = await editor.UpdateAsync(item.Id, saved.Saved!.Record, form.ToRecord(), Admin);
        Assert.True(again.Ok);
        Assert.Single(await AuditAsync(item.Id));
    }

    [Fact]
    public async Task AStaleEditWritesNothingAndReturnsTheStoredItem()
    {
        var item = (await ItemsAsync("calculus"))[5];
        var loaded = (await editor.GetAsync(item.Id))!.Record;
        var theirs = ItemForm.From(loaded);
        theirs.Explanation = "<p>Someone else's explanation.</p>";
        Assert.True((await editor.UpdateAsync(item.Id, loaded, theirs.ToRecord(), "other@example.test")).Ok);
        var audits = await AuditCountAsync();

        var mine = ItemForm.From(loaded);
        mine.Prompt = "<p>My prompt, from a form loaded before their save.</p>";
        var outcome = await editor.UpdateAsync(item.Id, loaded, mine.ToRecord(), Admin);

        Assert.False(outcome.Ok);
        Assert.Equal("<p>Someone else's explanation.</p>", outcome.Conflict!.Record.Explanation);
        var stored = (await editor.GetAsync(item.Id))!.Record;
        Assert.Equal(item.Prompt, stored.Prompt);
        Assert.Equal(audits, await AuditCountAsync());
    }

    [Fact]
    public async Task BadInputsNameTheirFieldAndWriteNothing()
    {
        var item = (await ItemsAsync("statistics")).First(i => i.Kind == ItemKind.Choice);
        var loaded = (await editor.GetAsync(item.Id))!.Record;
        var (items, audits) = (await ItemCountAsync(), await AuditCountAsync());

        async Task<FieldError> RefusedAsync(Action<ItemForm> change, string field)
        {
            var form = ItemForm.From(loaded);
            change(form);
            var outcome = await editor.UpdateAsync(item.Id, loaded, form.ToRecord(), Admin);
            Assert.False(outcome.Ok);
            return Assert.Single(outcome.Errors, e => e.Field == field);
        }

        var script = await RefusedAsync(f => f.Prompt = "<p>Hi</p><script>alert(1)</script>", "prompt");
        Assert.StartsWith("Prompt uses <script>", script.Message);
        var onclick = await RefusedAsync(f => f.Choices[1] = "<p onclick=\"steal()\">B</p>", "choices[1]");
        Assert.StartsWith("Option B has the attribute onclick", onclick.Message);
        Assert.Contains("0 to 3", (await RefusedAsync(f => f.RightChoice = 7, "answer")).Message);
        Assert.Contains("2 to 6 options (it has 1)", (await RefusedAsync(f => f.Choices = ["<p>Only one</p>"], "choices")).Message);
        Assert.Contains("use 1 to 4", (await RefusedAsync(f => f.Level = 5, "level")).Message);
        Assert.Contains("cannot change", (await RefusedAsync(f => f.Key = "statistics-renamed", "key")).Message);

        var taken = await editor.CreateAsync(item.SkillId, NewChoice(item.Key, 2, "Something"), Admin);
        Assert.False(taken.Ok);
        Assert.Contains($"\"{item.Key}\" is already used by another item (Statistics)", Assert.Single(taken.Errors, e => e.Field == "key").Message);

        Assert.Equal(item.Prompt, (await editor.GetAsync(item.Id))!.Record.Prompt);
        Assert.Equal((items, audits), (await ItemCountAsync(), await AuditCountAsync()));
    }

    [Fact]
    public async Task RetiringIsRefusedWhenItWouldLeaveALevelShortAndAllowedOnceAnotherItemIsAdded()
    {
        var skillId = await SkillIdAsync("discrete-math");
        var level3 = (await ItemsAsync("discrete-math")).Where(i => i.Level == 3).ToList();
        Assert.Equal(4, level3.Count);
        var audits = await AuditCountAsync();

        var refused = await editor.RetireAsync(level3[0].Id, retired: true, Admin);

        Assert.False(refused.Ok);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("retired", error.Field);
        Assert.Contains("Discrete mathematics level 3 with 3 active items", error.Message);
        Assert.False((await editor.GetAsync(level3[0].Id))!.Record.Retired);
        Assert.Equal(audits, await AuditCountAsync());

        var created = await editor.CreateAsync(skillId, NewChoice("discrete-math-3-always-true", 3, level3[0].Descriptor), Admin);
        Assert.True(created.Ok, string.Join("; ", created.Errors));
        Assert.Equal("Created", Assert.Single(await AuditAsync(created.Saved!.Id)).Action);

        var retired = await editor.RetireAsync(level3[0].Id, retired: true, Admin);
        Assert.True(retired.Ok, string.Join("; ", retired.Errors));
        Assert.True(retired.Saved!.Record.Retired);
        var list = (await editor.ListAsync(skillId))!;
        Assert.True(list.Items.Single(i => i.Id == level3[0].Id).Retired);
        Assert.Empty(list.Gaps);

        // Now the new item cannot go either; restoring the old one is always allowed.
        Assert.False((await editor.RetireAsync(created.Saved.Id, retired: true, Admin)).Ok);
        Assert.True((await editor.RetireAsync(level3[0].Id, retired: false, Admin)).Ok);
        Assert.Equal(["Retired", "Restored"], (await AuditAsync(level3[0].Id)).Select(a => a.Action));
    }

    [Fact]
    public async Task MovingAnItemToAnotherLevelIsRefusedWhenItLeavesItsLevelShort()
    {
        var item = (await ItemsAsync("optimization")).First(i => i.Level == 2);
        var loaded = (await editor.GetAsync(item.Id))!.Record;
        var form = ItemForm.From(loaded);
        form.Level = 3;

        var outcome = await editor.UpdateAsync(item.Id, loaded, form.ToRecord(), Admin);

        Assert.Contains("Moving it to level 3 would leave Optimization level 2 with 3 active items", Assert.Single(outcome.Errors, e => e.Field == "level").Message);
        Assert.Equal(2, (await editor.GetAsync(item.Id))!.Record.Level);
    }

    [Fact]
    public async Task StatisticsCountRightAndDontKnowAnswersFromACheck()
    {
        var checker = fixture.Db.Get<SkillChecker>();
        var view = (await checker.StartAsync("probability", 1)).Check!;
        var first = view.Current!.Id;
        var asked = new List<int>();
        while (!view.Done)
        {
            var id = view.Current!.Id;
            asked.Add(id);
            var item = (await ItemsAsync("probability")).Single(i => i.Id == id);
            view = (await checker.AnswerAsync(view.Token, id, id == first ? item.Answer : null)).Check!;
        }

        var list = (await editor.ListAsync(await SkillIdAsync("probability")))!;

        Assert.Equal(16, list.Items.Count);
        var rows = list.Items.Where(i => asked.Contains(i.Id)).ToList();
        Assert.Equal(asked.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.Stats.Asked));
        Assert.All(list.Items.Except(rows), r => Assert.Equal(ItemStats.None, r.Stats));
        var right = rows.Single(r => r.Id == first);
        Assert.Equal((1, 0), (right.Stats.Right, right.Stats.DontKnow));
        Assert.Equal(1.0, right.Stats.RightShare);
        Assert.All(rows.Where(r => r.Id != first), r => Assert.Equal((0, 1), (r.Stats.Right, r.Stats.DontKnow)));
        Assert.All(rows.Where(r => r.Id != first), r => Assert.Equal(1.0, r.Stats.DontKnowShare));
        // The finished check's level puts each answer in one group: at or above the item's level, or below it.
        foreach (var r in rows)
            Assert.Equal(view.Level >= r.Level ? (1, 0) : (0, 1), (r.Stats.AtOrAbove, r.Stats.Below));
        Assert.Equal(right.Stats.Right, right.Stats.RightAtOrAbove + right.Stats.RightBelow);
        Assert.DoesNotContain(rows, r => r.Text.Contains('<'));
    }

    [Theory]
    [InlineData("<p>Let</p><math display=\"block\"><mi>A</mi><mo>=</mo><mn>2</mn></math><p>What is <math><mi>A</mi><mi>B</mi></math>?</p>", "Let A=2 What is AB?")]
    [InlineData("<p>What does this print?</p><pre><code>x = 7\nprint(x)</code></pre>", "What does this print? x = 7 print(x)")]
    [InlineData("<p>Broken <b>", "<p>Broken <b>")]
    public void AListShowsAPromptAsWordsApart(string markup, string text) => Assert.Equal(text, ItemMarkup.Text(markup));

    [Fact]
    public async Task AnExportImportedBackChangesNothing()
    {
        var audits = await AuditCountAsync();
        var all = (await editor.ExportAsync(null))!;
        var files = JsonSerializer.Deserialize<List<ItemFile>>(all, ItemBank.Json)!;
        Assert.Equal(8, files.Count);

        var report = await editor.ImportAsync(all, Admin);

        Assert.True(report.Ok, string.Join("\n", report.Errors));
        Assert.Equal((0, 0, await ItemCountAsync()), (report.Created, report.Updated, report.Unchanged));
        Assert.Equal(audits, await AuditCountAsync());

        var one = (await editor.ExportAsync(await SkillIdAsync("python")))!;
        Assert.Equal("python", JsonSerializer.Deserialize<ItemFile>(one, ItemBank.Json)!.Skill);
        Assert.Equal(16, (await editor.ImportAsync(one, Admin)).Unchanged);
        Assert.Null(await editor.ExportAsync(-1));
    }

    [Fact]
    public async Task AnImportCreatesAndUpdatesByKeyWithOneAuditEntry()
    {
        var file = JsonNode.Parse((await editor.ExportAsync(await SkillIdAsync("machine-learning")))!)!;
        var items = file["items"]!.AsArray();
        var edited = items[2]!["key"]!.GetValue<string>();
        items[2]!["explanation"] = "<p>Explained again, by the import.</p>";
        var added = JsonNode.Parse(JsonSerializer.Serialize(NewChoice("machine-learning-1-always-true", 1, "Knows what a model is."), ItemBank.Json))!;
        items.Add(added);
        var audits = await AuditCountAsync();

        var report = await editor.ImportAsync(file.ToJsonString(), Admin);

        Assert.True(report.Ok, string.Join("\n", report.Errors));
        Assert.Equal((1, 1, 15), (report.Created, report.Updated, report.Unchanged));
        var stored = await ItemsAsync("machine-learning");
        Assert.Equal("<p>Explained again, by the import.</p>", stored.Single(i => i.Key == edited).Explanation);
        Assert.Contains(stored, i => i.Key == "machine-learning-1-always-true");
        Assert.Equal(audits + 1, await AuditCountAsync());
        await using var db = fixture.Db.Context();
        var entry = await db.AuditEntries.OrderByDescending(a => a.Id).FirstAsync();
        Assert.Equal(("Imported", "machine-learning"), (entry.Action, entry.EntityId));
        Assert.Equal("Imported 17 items of machine-learning: 1 created, 1 updated, 15 unchanged", entry.Summary);
    }

    [Fact]
    public async Task AnImportWithOneBadItemWritesNothingAndNamesIt()
    {
        var file = JsonNode.Parse((await editor.ExportAsync(await SkillIdAsync("linear-algebra")))!)!;
        var items = file["items"]!.AsArray();
        items[0]!["explanation"] = "<p>This change must not be written.</p>";
        items.Add(JsonNode.Parse(JsonSerializer.Serialize(NewChoice("linear-algebra-1-not-written", 1, "Anything."), ItemBank.Json)));
        items[3]!["choices"]![1] = "<img src=x onerror=alert(1)>";
        var (count, audits) = (await ItemCountAsync(), await AuditCountAsync());

        var report = await editor.ImportAsync(file.ToJsonString(), Admin);

        Assert.False(report.Ok);
        Assert.StartsWith("linear-algebra.items[3].choices[1]: ", Assert.Single(report.Errors));
        Assert.Equal((0, 0, 0), (report.Created, report.Updated, report.Unchanged));
        Assert.Equal((count, audits), (await ItemCountAsync(), await AuditCountAsync()));
        Assert.DoesNotContain("must not be written", (await ItemsAsync("linear-algebra"))[0].Explanation);
    }

    [Fact]
    public async Task AnImportIsRefusedForBrokenJsonAKeyOfAnotherSkillOrALevelLeftShort()
    {
        var count = await ItemCountAsync();

        var broken = await editor.ImportAsync("{\"skill\": \"calculus\", \"items\": [{\"key\": \"x\", \"level\": \"high\"}]}", Admin);
        var message = Assert.Single(broken.Errors);
        Assert.StartsWith("The file is not valid item JSON at line 1, column ", message);
        Assert.EndsWith(" (items[0].level): the value there has the wrong type: a number is expected.", message);
        Assert.Contains("line 2", Assert.Single((await editor.ImportAsync("[\n{\"skill\": }]", Admin)).Errors));
        Assert.Contains("is not one of the skills", Assert.Single((await editor.ImportAsync("{\"skill\": \"astrology\", \"items\": []}", Admin)).Errors));

        var statistics = (await ItemsAsync("statistics"))[0];
        var moved = JsonSerializer.Serialize(new ItemFile("calculus", [NewChoice(statistics.Key, 1, "Anything.")]), ItemBank.Json);
        Assert.Contains("is an item of Statistics", Assert.Single((await editor.ImportAsync(moved, Admin)).Errors));

        var file = JsonNode.Parse((await editor.ExportAsync(await SkillIdAsync("python")))!)!;
        file["items"]![4]!["retired"] = true;
        Assert.Contains("Python programming level 2 with 3 active items", Assert.Single((await editor.ImportAsync(file.ToJsonString(), Admin)).Errors));
        Assert.Equal(count, await ItemCountAsync());
    }

    [Fact]
    public async Task AnImportOfTenThousandItemsIsRefused()
    {
        var items = Enumerable.Range(0, 10_000).Select(i => new ItemRecord
        {
            Key = $"calculus-1-n{i}", Level = 1, Descriptor = "d", Kind = "number", Prompt = "<p>1?</p>", Answer = JsonSerializer.SerializeToElement(1),
        }).ToList();
        var json = JsonSerializer.Serialize(new ItemFile("calculus", items));
        Assert.True(Encoding.UTF8.GetByteCount(json) < ItemEditor.MaxImportBytes);
        var count = await ItemCountAsync();

        var report = await editor.ImportAsync(json, Admin);

        Assert.Equal("The file holds 10,000 items; an import takes at most 2,000. Split it by skill.", Assert.Single(report.Errors));
        Assert.Equal(count, await ItemCountAsync());
        Assert.Contains("at most 2 MB", Assert.Single((await editor.ImportAsync(new string(' ', ItemEditor.MaxImportBytes + 1), Admin)).Errors));
    }
}
