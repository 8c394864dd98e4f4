using System.Text.Json;
using CourseMatch.Curation;
using CourseMatch.Ranking;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Ranking;

/// <summary>
/// Promotions and rollbacks are audited in the same transaction as the status swap. A refused promotion or rollback
/// changes nothing and writes no entry (the log records writes; the refusal reason goes back to whoever asked).
/// </summary>
public class ModelAuditTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Admin = "admin@example.test";
    private readonly ModelRegistry registry = fixture.Db.Get<ModelRegistry>();

    private Task<ModelVersion> SaveAsync(RankerModel model, string? actor = null) =>
        registry.SaveCandidateAsync(model, RankingTestData.Stored, RankingTestData.EmptyMetrics, RankingTestData.NoCounts, actor);

    private async Task<List<AuditEntry>> EntriesAsync(string action)
    {
        await using var db = fixture.Db.Context();
        return await db.AuditEntries.Where(a => a.Entity == "ModelVersion" && a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<int?> ActiveIdAsync()
    {
        await using var db = fixture.Db.Context();
        return await db.ModelVersions.Where(v => v.Status == ModelStatus.Active).Select(v => (int?)v.Id).SingleOrDefaultAsync();
    }

    private static JsonElement Json(string? text) => JsonDocument.Parse(text!).RootElement;

    [Fact]
    public async Task PromotionAndRollbackEachWriteOneAuditEntryNamingWhoAndTheNumbers()
    {
        var (_, heldOut) = await RankingTestData.GroupsAsync();
        var first = await SaveAsync(await RankingTestData.GoodModelAsync(), Admin);
        var second = await SaveAsync(await RankingTestData.GoodModelAsync(), Admin);

        var trained = (await EntriesAsync("Trained")).Where(e => e.EntityId == first.Id.ToString() || e.EntityId == second.Id.ToString()).ToList();
        Assert.Equal([first.Id.ToString(), second.Id.ToString()], trained.Select(e => e.EntityId));
        Assert.All(trained, e => Assert.Equal(Admin, e.Actor));

        Assert.True((await registry.PromoteAsync(first.Id, heldOut, Admin)).Promoted);
        var promoted = await registry.PromoteAsync(second.Id, heldOut, Admin);
        Assert.True(promoted.Promoted, promoted.Reason);

        var promotions = await EntriesAsync("Promoted");
        Assert.Equal(2, promotions.Count);
        var entry = promotions[1];
        Assert.Equal((Admin, second.Id.ToString()), (entry.Actor, entry.EntityId));
        Assert.Equal(promoted.Reason, entry.Summary);
        Assert.Equal("Candidate", Json(entry.Before).GetProperty("status").GetString());
        Assert.Equal(first.Id, Json(entry.Before).GetProperty("activeId").GetInt32());
        var after = Json(entry.After);
        Assert.Equal("Active", after.GetProperty("status").GetString());
        Assert.Equal(first.Id, after.GetProperty("retiredId").GetInt32());
        var ndcg = after.GetProperty("ndcg");
        Assert.Equal(5, ndcg.GetProperty("k").GetInt32());
        Assert.Equal(promoted.Comparison!.Synthetic!["model"]!.At5, ndcg.GetProperty("model").GetDouble(), 6);
        Assert.Equal(promoted.Comparison.Synthetic["rubric"]!.At5, ndcg.GetProperty("rubric").GetDouble(), 6);
        Assert.Equal(promoted.Comparison.Synthetic["active"]!.At5, ndcg.GetProperty("active").GetDouble(), 6);

        var back = await registry.RollbackAsync("other-admin@example.test");
        Assert.True(back.RolledBack, back.Reason);
        var rollback = Assert.Single(await EntriesAsync("RolledBack"));
        Assert.Equal(("other-admin@example.test", first.Id.ToString()), (rollback.Actor, rollback.EntityId));
        Assert.StartsWith(back.Reason, rollback.Summary);
        Assert.Equal(second.Id, Json(rollback.Before).GetProperty("activeId").GetInt32());
        Assert.Equal(first.Id, Json(rollback.After).GetProperty("activeId").GetInt32());
        Assert.Equal("Active", Json(rollback.After).GetProperty("status").GetString());
        Assert.True(Json(rollback.After).GetProperty("ndcg").GetProperty("model").GetDouble() > 0);
    }

    [Fact]
    public async Task RefusedPromotionsAndRollbacksWriteNoAuditEntryAndChangeNothing()
    {
        var (_, heldOut) = await RankingTestData.GroupsAsync();
        var activeBefore = await ActiveIdAsync();
        var promotionsBefore = (await EntriesAsync("Promoted")).Count;
        var rollbacksBefore = (await EntriesAsync("RolledBack")).Count;

        var worse = await SaveAsync(await RankingTestData.InvertedModelAsync(), Admin);
        var refused = await registry.PromoteAsync(worse.Id, heldOut, Admin);
        Assert.False(refused.Promoted);
        Assert.Equal(promotionsBefore, (await EntriesAsync("Promoted")).Count);
        Assert.Equal(activeBefore, await ActiveIdAsync());

        // The comparison alone changes nothing and says the same as the refusal.
        var compared = await registry.CompareAsync(worse.Id, heldOut);
        Assert.False(compared.Promotable);
        Assert.Equal(refused.Reason, compared.Refusal);
        Assert.Equal(promotionsBefore, (await EntriesAsync("Promoted")).Count);

        if (activeBefore is null)
        {
            var nothing = await registry.RollbackAsync(Admin);
            Assert.False(nothing.RolledBack);
            Assert.Equal(rollbacksBefore, (await EntriesAsync("RolledBack")).Count);
        }
    }

    [Fact]
    public async Task AnAuditEntryThatCannotBeWrittenUndoesThePromotion()
    {
        // A separate database so the other tests' versions are not in the way.
        await using var db = await TestDatabase.CreateAsync();
        var isolated = db.Get<ModelRegistry>();
        var version = await isolated.SaveCandidateAsync(await RankingTestData.GoodModelAsync(), RankingTestData.Stored, RankingTestData.EmptyMetrics, RankingTestData.NoCounts);

        // An actor longer than the audit column allows makes the audit insert fail inside the transaction.
        var (_, heldOut) = await RankingTestData.GroupsAsync();
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => isolated.PromoteAsync(version.Id, heldOut, new string('x', 300)));

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM model_versions WHERE status = 'Active'"));
        Assert.Equal("Candidate", await db.ScalarAsync<string>($"SELECT status FROM model_versions WHERE id = {version.Id}"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'Promoted'"));
    }
}
