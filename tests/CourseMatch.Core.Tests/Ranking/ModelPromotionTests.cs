using CourseMatch.Ranking;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Ranking;

public class ModelPromotionTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly ModelRegistry registry = fixture.Db.Get<ModelRegistry>();

    private Task<ModelVersion> SaveAsync(RankerModel model) =>
        registry.SaveCandidateAsync(model, RankingTestData.Stored, RankingTestData.EmptyMetrics, RankingTestData.NoCounts);

    private async Task<List<(int Id, ModelStatus Status)>> VersionsAsync()
    {
        await using var db = fixture.Db.Context();
        return (await db.ModelVersions.OrderBy(v => v.Id).Select(v => new { v.Id, v.Status }).ToListAsync()).Select(v => (v.Id, v.Status)).ToList();
    }

    [Fact]
    public async Task PromotionRefusesAWorseModelPromotesABetterOneAtomicallyAndRollsBack()
    {
        var (_, heldOut) = await RankingTestData.GroupsAsync();

        // A model trained on upside-down grades is worse than the rubric: refused, nothing becomes active.
        var worse = await SaveAsync(await RankingTestData.InvertedModelAsync());
        var refused = await registry.PromoteAsync(worse.Id, heldOut);
        Assert.False(refused.Promoted);
        Assert.Contains("below the rubric", refused.Reason);
        Assert.Contains("NDCG@5", refused.Reason);
        Assert.True(refused.Comparison!.Synthetic!["model"]!.At5 < refused.Comparison.Synthetic["rubric"]!.At5);
        Assert.DoesNotContain(await VersionsAsync(), v => v.Status == ModelStatus.Active);

        // A good model is promoted.
        var good = await SaveAsync(await RankingTestData.GoodModelAsync());
        var promoted = await registry.PromoteAsync(good.Id, heldOut);
        Assert.True(promoted.Promoted, promoted.Reason);
        Assert.Null(promoted.PreviousActiveId);
        Assert.Equal([good.Id], (await VersionsAsync()).Where(v => v.Status == ModelStatus.Active).Select(v => v.Id));

        // The worse model is now also compared with the active one, and still refused; the active one stays.
        Assert.False((await registry.PromoteAsync(worse.Id, heldOut)).Promoted);

        // Held-out labels that reward it (upside down too) do not make it: the judged set, an advisor's orders, refuses it.
        var flipped = heldOut.Select(g => g with { Labels = [.. g.Labels.Select(l => 4 - l)] }).ToList();
        var judged = await registry.PromoteAsync(worse.Id, flipped);
        Assert.False(judged.Promoted);
        Assert.Contains("on the judged set", judged.Reason);
        Assert.Equal([good.Id], (await VersionsAsync()).Where(v => v.Status == ModelStatus.Active).Select(v => v.Id));

        // An equally good model (same data and seed) is "at least as good": it replaces the active one, which retires.
        var next = await SaveAsync(RankerTrainer.Train((await RankingTestData.GroupsAsync()).Train, RankingTestData.Settings));
        var replaced = await registry.PromoteAsync(next.Id); // held-out groups regenerated from its stored settings
        Assert.True(replaced.Promoted, replaced.Reason);
        Assert.Equal(good.Id, replaced.PreviousActiveId);
        Assert.NotNull(replaced.Comparison!.Synthetic!["active"]);
        var versions = await VersionsAsync();
        Assert.Single(versions, v => v.Status == ModelStatus.Active);
        Assert.Contains((next.Id, ModelStatus.Active), versions);
        Assert.Contains((good.Id, ModelStatus.Retired), versions);
        Assert.Contains((worse.Id, ModelStatus.Candidate), versions);

        // Rollback re-activates the version the active one replaced.
        var back = await registry.RollbackAsync();
        Assert.True(back.RolledBack, back.Reason);
        Assert.Equal((next.Id, good.Id), (back.From!.Value, back.To!.Value));
        versions = await VersionsAsync();
        Assert.Equal([good.Id], versions.Where(v => v.Status == ModelStatus.Active).Select(v => v.Id));
        Assert.Contains((next.Id, ModelStatus.Retired), versions);

        // The first active version replaced nothing: a further rollback is refused and it stays active.
        var none = await registry.RollbackAsync();
        Assert.False(none.RolledBack);
        Assert.Equal([good.Id], (await VersionsAsync()).Where(v => v.Status == ModelStatus.Active).Select(v => v.Id));

        // The database itself refuses a second active version.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            fixture.Db.ExecAsync($"UPDATE model_versions SET status = 'Active' WHERE id = {next.Id}"));
    }

    [Fact]
    public async Task AVersionThatCannotBeLoadedIsNeverPromoted()
    {
        await using var db = fixture.Db.Context();
        var broken = new ModelVersion { Status = ModelStatus.Candidate, Model = [1, 2, 3], Settings = "{}" };
        db.ModelVersions.Add(broken);
        await db.SaveChangesAsync();
        var result = await registry.PromoteAsync(broken.Id, (await RankingTestData.GroupsAsync()).HeldOut);
        Assert.False(result.Promoted);
        Assert.Contains("cannot be loaded", result.Reason);
    }
}
