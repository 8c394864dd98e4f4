using System.Security.Cryptography;
using System.Text;
using CourseMatch.Catalog;
using CourseMatch.Curation;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CourseMatch.Tagging;

public enum TagScope
{
    /// <summary>Courses no one has tagged or confirmed, without an open proposal.</summary>
    Untagged,
    /// <summary>Every course whose skills are not confirmed by a person (inferred ones are proposed again).</summary>
    All,
}

public sealed record TagRequest
{
    public TagScope Scope { get; init; } = TagScope.Untagged;
    /// <summary>Propose and count, write nothing.</summary>
    public bool DryRun { get; init; }
    /// <summary>Only courses of this import feed (its name in a mapping).</summary>
    public string? Feed { get; init; }
    /// <summary>Only these courses (a course whose text changed).</summary>
    public IReadOnlyCollection<int>? CourseIds { get; init; }
    /// <summary>Encode on the resting background thread, leaving the cores to what else the process does (set by <see cref="CourseTagging.StartInBackground"/>).</summary>
    public bool Background { get; init; }
}

/// <summary>What a tagging run did, or why it could not run.</summary>
public sealed record TagOutcome(int Courses, int Proposed, int Applied, int Outside, int NotEnoughText, int Encoded, int? ModelId, double Threshold, string? Problem = null)
{
    public static TagOutcome Refused(string problem) => new(0, 0, 0, 0, 0, 0, null, 0, problem);
    public bool Ok => Problem is null;
}

/// <summary>
/// Runs the active tagger over courses: encodes what changed (embeddings are kept), stores a proposal per course, and
/// writes the proposals at or above the model's threshold to the course as inferred. One run at a time per process.
/// </summary>
public sealed class CourseTagging(IDbContextFactory<CourseMatchDb> dbs, TextEmbedder embedder, TaggerTraining training, ILogger<CourseTagging> logger) : IDisposable
{
    private const int BatchSize = 128;
    private readonly SemaphoreSlim oneRun = new(1, 1);
    private readonly Lock queueGate = new();
    private Task queue = Task.CompletedTask;
    private volatile ImportProgress? progress;
    private volatile TagOutcome? lastOutcome;
    /// <summary>Cancelled when the process shuts down: a background run stops after its current batch.</summary>
    private readonly CancellationTokenSource stopping = new();

    public bool IsRunning => oneRun.CurrentCount == 0;
    /// <summary>How far the background run is, while one is going.</summary>
    public ImportProgress? Progress => IsRunning ? progress : null;
    /// <summary>What the last background run did.</summary>
    public TagOutcome? LastOutcome => lastOutcome;

    /// <summary>
    /// Queues a run after the ones already queued (after an import, after a course's text changed). Each batch of
    /// courses is written on its own, so a run cut short by a shutdown leaves the rest untagged for the next one.
    /// </summary>
    public void StartInBackground(TagRequest request)
    {
        lock (queueGate)
            queue = queue.ContinueWith(async _ =>
            {
                try
                {
                    // Waits its turn: a run started by hand (the CLI, the page) may hold the gate.
                    while (IsRunning) await Task.Delay(500, stopping.Token);
                    lastOutcome = await TagAsync(request with { Background = true }, new SyncProgress(p => progress = p), stopping.Token);
                    if (lastOutcome.Problem is { } problem) logger.LogWarning("Background tagging did not run: {Problem}", problem);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    logger.LogInformation("Background tagging stopped with the app; the courses it did not reach stay untagged.");
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    logger.LogError(e, "Background tagging failed; the courses it did not reach stay untagged.");
                }
            }, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to a captured context).</summary>
    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }

    /// <summary>Completes when the queued background runs are done (tests and shutdown wait on it).</summary>
    public Task BackgroundDone { get { lock (queueGate) return queue; } }

    public async Task<TagOutcome> TagAsync(TagRequest request, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (!await oneRun.WaitAsync(0, ct)) return TagOutcome.Refused("A tagging run is already going; it will be done soon, then try again.");
        try
        {
            if (!embedder.TryLoad()) return TagOutcome.Refused(embedder.Problem!);
            if (await training.ActiveAsync(ct) is not var (model, tagger))
                return TagOutcome.Refused("No tagger model is active yet: train one (coursematch tag train, or Models in the admin pages).");

            List<int> ids;
            Dictionary<string, (int Id, string Name)> skillIds;
            List<Dictionary<string, int>> learners;
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                var courses = db.Courses.AsNoTracking().Where(c => c.SkillsStatus != SkillsStatus.Confirmed);
                if (request.Scope == TagScope.Untagged)
                    courses = courses.Where(c => c.SkillsStatus == SkillsStatus.Unknown && !db.SkillProposals.Any(p => p.CourseId == c.Id && (p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Applied)));
                if (request.Feed is { } feed) courses = courses.Where(c => db.CourseSources.Any(s => s.CourseId == c.Id && s.Feed == feed));
                if (request.CourseIds is { } only) courses = courses.Where(c => only.Contains(c.Id));
                ids = await courses.OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
                skillIds = await db.Skills.ToDictionaryAsync(s => s.Slug, s => (s.Id, s.Name), StringComparer.Ordinal, ct);
                learners = await db.LearnerProfiles.AsNoTracking().Select(l => l.Skills).ToListAsync(ct);
            }

            int proposed = 0, applied = 0, outside = 0, tooShort = 0, encoded = 0, done = 0;
            progress?.Report(new ImportProgress(0, ids.Count, "Tagging"));
            foreach (var chunk in ids.Chunk(BatchSize))
            {
                ct.ThrowIfCancellationRequested();
                await using var db = await dbs.CreateDbContextAsync(ct);
                var courses = await db.Courses.Include(c => c.Provider).Include(c => c.Skills).Include(c => c.Prerequisites)
                    .Where(c => chunk.Contains(c.Id)).OrderBy(c => c.Id).AsSplitQuery().ToListAsync(ct);
                var stored = await db.CourseEmbeddings.Where(e => chunk.Contains(e.CourseId)).ToDictionaryAsync(e => e.CourseId, ct);
                var texts = courses.Select(c => TaggerTraining.TextOf(c.Title, c.Provider.Name, c.Kind, c.Level, c.Summary, c.Description, c.DurationWeeks)).ToList();

                // Encode only what is new or changed since it was last encoded.
                var vectors = new float[]?[courses.Count];
                var stale = new List<int>();
                for (var i = 0; i < courses.Count; i++)
                {
                    if (texts[i].TooShort) continue;
                    if (stored.TryGetValue(courses[i].Id, out var e) && e.Encoder == TextEmbedder.ModelName && e.TextHash == Hash(texts[i].Text)) vectors[i] = e.Vector;
                    else stale.Add(i);
                }
                var staleTexts = stale.Select(i => texts[i].Text).ToList();
                var fresh = request.Background ? await embedder.EncodeInBackgroundAsync(staleTexts, ct) : embedder.Encode(staleTexts, ct);
                encoded += fresh.Length;
                foreach (var (i, vector) in stale.Zip(fresh))
                {
                    vectors[i] = vector;
                    if (request.DryRun) continue;
                    if (stored.TryGetValue(courses[i].Id, out var e)) { e.Vector = vector; e.TextHash = Hash(texts[i].Text); e.Encoder = TextEmbedder.ModelName; e.UpdatedAt = DateTimeOffset.UtcNow; }
                    else db.CourseEmbeddings.Add(new CourseEmbedding { CourseId = courses[i].Id, TextHash = Hash(texts[i].Text), Vector = vector });
                }

                var proposals = tagger.Propose(texts, vectors);
                if (!request.DryRun)
                    await db.SkillProposals.Where(p => chunk.Contains(p.CourseId) && (p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Applied))
                        .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProposalStatus.Superseded), ct);
                for (var i = 0; i < courses.Count; i++)
                {
                    var p = proposals[i];
                    proposed++;
                    if (p.NotEnoughText) tooShort++;
                    else if (p.IsOutside) outside++;
                    var apply = !p.NotEnoughText && p.Confidence >= model.AutoApplyThreshold;
                    if (apply) applied++;
                    if (request.DryRun) continue;
                    db.SkillProposals.Add(new SkillProposal
                    {
                        CourseId = courses[i].Id, TaggerModelId = model.Id,
                        Taught = p.Taught.ToDictionary(t => t.Skill, t => new LevelGuess(t.Level, Math.Round(t.Confidence, 3)), StringComparer.Ordinal),
                        Required = p.Required.ToDictionary(t => t.Skill, t => new LevelGuess(t.Level, Math.Round(t.Confidence, 3)), StringComparer.Ordinal),
                        OutsideConfidence = Math.Round(p.OutsideConfidence, 3), Confidence = Math.Round(p.Confidence, 3), NotEnoughText = p.NotEnoughText,
                        Reach = Reach(p.Levels, learners),
                        Status = apply ? ProposalStatus.Applied : ProposalStatus.Pending,
                    });
                    if (apply) WriteSkills(courses[i], p.Levels, skillIds, SkillsStatus.Inferred, (decimal)Math.Round(p.Confidence, 3));
                }
                if (!request.DryRun) await db.SaveChangesAsync(ct);
                progress?.Report(new ImportProgress(done += chunk.Length, ids.Count, "Tagging"));
            }
            return new TagOutcome(ids.Count, proposed, applied, outside, tooShort, encoded, model.Id, model.AutoApplyThreshold);
        }
        finally { oneRun.Release(); }
    }

    /// <summary>Learners below a proposed level in one of the proposed skills: whom the course could serve.</summary>
    private static int Reach(SkillLevels levels, List<Dictionary<string, int>> learners) =>
        levels.Taught.Count == 0 ? 0 : learners.Count(l => levels.Taught.Any(t => l.GetValueOrDefault(t.Key) < t.Value));

    /// <summary>
    /// Writes skills taught and prerequisites to a tracked course (with its provider and skills loaded), who said so, and
    /// the skill names search weighs.
    /// </summary>
    internal static void WriteSkills(Course c, SkillLevels levels, IReadOnlyDictionary<string, (int Id, string Name)> skills, SkillsStatus status, decimal? confidence)
    {
        var taught = levels.Taught.Where(t => skills.ContainsKey(t.Key)).ToDictionary(t => skills[t.Key].Id, t => t.Value);
        var required = levels.Required.Where(t => skills.ContainsKey(t.Key)).ToDictionary(t => skills[t.Key].Id, t => t.Value);
        c.Skills.RemoveAll(s => !taught.ContainsKey(s.SkillId));
        foreach (var (id, level) in taught)
            if (c.Skills.FirstOrDefault(s => s.SkillId == id) is { } row) row.Level = level;
            else c.Skills.Add(new CourseSkill { SkillId = id, Level = level });
        c.Prerequisites.RemoveAll(s => !required.ContainsKey(s.SkillId));
        foreach (var (id, level) in required)
            if (c.Prerequisites.FirstOrDefault(s => s.SkillId == id) is { } row) row.MinLevel = level;
            else c.Prerequisites.Add(new CoursePrerequisite { SkillId = id, MinLevel = level });
        c.SkillsStatus = status;
        c.SkillsConfidence = confidence;
        c.SearchKeywords = Data.Seed.CatalogSeeder.SearchKeywords(c.Provider.Name, levels.Taught.Keys.Where(skills.ContainsKey).Select(k => skills[k].Name));
    }

    // The source is cancelled, not disposed: a run still queued may read its token after shutdown began.
    public void Dispose() => stopping.Cancel();

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
