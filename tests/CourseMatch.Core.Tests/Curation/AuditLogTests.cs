using CourseMatch.Curation;
using CourseMatch.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CourseMatch.Tests.Curation;

public class AuditLogTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly AuditLog log = fixture.Db.Get<AuditLog>();
    private static readonly DateTimeOffset Day = new(2031, 3, 10, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Thirty entries from two actors over three days in 2031, far from anything else in the log.</summary>
    public async Task InitializeAsync()
    {
        await using var db = fixture.Db.Context();
        if (db.AuditEntries.Any(a => a.Actor == "ada@example.test")) return;
        for (var i = 0; i < 30; i++)
        {
            var entry = Audit.Record(db, i % 3 == 0 ? "grace@example.test" : "ada@example.test", i % 2 == 0 ? "Provider" : "Skill", 9000 + i % 5,
                i % 4 == 0 ? "Merged" : "Updated", new { name = $"before {i}" }, new { name = $"after {i}" }, $"Entry number {i:D2} about audit-filter-test");
            entry.At = Day.AddDays(i / 10).AddMinutes(i);
        }
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<AuditPage> Query(AuditQuery q) => log.QueryAsync(q with { Text = q.Text ?? "audit-filter-test" });

    [Fact]
    public async Task NewestComeFirstAndPagesDoNotOverlap()
    {
        var first = await Query(new AuditQuery { PageSize = 12 });
        var third = await Query(new AuditQuery { PageSize = 12, Page = 3 });

        Assert.Equal(30, first.Total);
        Assert.Equal(3, first.Pages);
        Assert.Equal("Entry number 29 about audit-filter-test", first.Entries[0].Summary);
        Assert.True(first.Entries.Zip(first.Entries.Skip(1)).All(p => p.First.At >= p.Second.At));
        Assert.Equal(6, third.Entries.Count);
        Assert.Equal("Entry number 00 about audit-filter-test", third.Entries[^1].Summary);
        Assert.Empty(first.Entries.Select(e => e.Id).Intersect(third.Entries.Select(e => e.Id)));
    }

    [Fact]
    public async Task FiltersNarrowByEntityActorActionIdDateAndText()
    {
        Assert.Equal(15, (await Query(new AuditQuery { Entity = "Provider", PageSize = 100 })).Total);
        Assert.Equal(10, (await Query(new AuditQuery { Actor = "GRACE", PageSize = 100 })).Total);
        Assert.Equal(8, (await Query(new AuditQuery { Action = "Merged", PageSize = 100 })).Total);
        Assert.Equal(6, (await Query(new AuditQuery { EntityId = "9002", PageSize = 100 })).Total);
        Assert.Equal(10, (await Query(new AuditQuery { From = new DateOnly(2031, 3, 11), To = new DateOnly(2031, 3, 11), PageSize = 100 })).Total);
        Assert.Equal(20, (await Query(new AuditQuery { From = new DateOnly(2031, 3, 11), PageSize = 100 })).Total);
        Assert.Equal("Entry number 07 about audit-filter-test", Assert.Single((await Query(new AuditQuery { Text = "number 07" })).Entries).Summary);

        var combined = await Query(new AuditQuery { Entity = "Provider", Action = "Merged", Actor = "grace", PageSize = 100 });
        Assert.All(combined.Entries, e => Assert.True(e is { Entity: "Provider", Action: "Merged", Actor: "grace@example.test" }));
        Assert.Equal(3, combined.Total); // i = 0, 12, 24

        Assert.Equal(0, (await log.QueryAsync(new AuditQuery { Text = "100%_match" })).Total);
    }

    [Fact]
    public void TheDiffMarksOnlyTheTopLevelPropertiesThatChanged()
    {
        var changes = AuditDiff.Compare("""{"name":"Khan","kind":"nonprofit","tags":["a"]}""", """{"name":"Khan Academy","kind":"nonprofit","tags":["a","b"],"country":"US"}""");
        Assert.Equal(["name", "kind", "tags", "country"], changes.Select(c => c.Property));
        Assert.Equal([true, false, true, true], changes.Select(c => c.Changed));
        Assert.Equal(("Khan", "Khan Academy"), (changes[0].Before, changes[0].After));
        Assert.Null(changes[3].Before);

        var created = AuditDiff.Compare(null, """{"name":"<script>alert(1)</script>"}""");
        Assert.Equal("<script>alert(1)</script>", Assert.Single(created).After);
    }
}
