using System.Text.Json;
using CourseMatch.Advising;
using CourseMatch.Recommendations;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CourseMatch.Tests.Advising.AdvisingTestData;

namespace CourseMatch.Tests.Advising;

public class CaseloadTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private TestDb Db => fixture.Db;
    private Caseload Caseload => Db.Get<Caseload>();
    private PlanEditor PlanEditor => Db.Get<PlanEditor>();
    private AdvisorPlans AdvisorPlans => Db.Get<AdvisorPlans>();

    /// <summary>Everything stored about a learner and their plans, to show that a refused call changed nothing.</summary>
    private async Task<string> SnapshotAsync(int learnerId)
    {
        await using var db = Db.Context();
        var learner = await db.AdvisedLearners.AsNoTracking().Where(l => l.Id == learnerId)
            .Select(l => new { l.Name, l.Email, l.Notes, l.Archived, l.UpdatedAt, l.Version }).SingleOrDefaultAsync();
        var profiles = await db.LearnerProfiles.AsNoTracking().Where(p => p.LearnerId == learnerId).OrderBy(p => p.Id).Select(p => new { p.Id, p.OwnerId }).ToListAsync();
        var plans = await db.Recommendations.AsNoTracking().Where(r => r.Profile.LearnerId == learnerId).OrderBy(r => r.Id)
            .Select(r => new { r.Id, r.Revision, r.AdjustedAt, Items = r.Items.OrderBy(i => i.Id).Select(i => new { i.CourseId, i.Position, i.Pinned, i.Excluded, i.ExcludedReason, i.Note }).ToList() })
            .ToListAsync();
        var profileIds = profiles.Select(p => p.Id).ToList();
        var feedback = await db.Feedback.CountAsync(f => profileIds.Contains(f.ProfileId));
        return JsonSerializer.Serialize(new { learner, profiles, plans, feedback });
    }

    [Fact]
    public async Task AnotherAdvisorCannotSeeOrChangeALearnerOrTheirPlans()
    {
        var owner = await AdvisorAsync(Db, "owner");
        var intruder = await AdvisorAsync(Db, "intruder");
        var learner = await LearnerAsync(Db, owner, "Ruth Lawrence", "ruth@example.org", "wants to move into data science");
        var own = await LearnerAsync(Db, intruder, "Ruth Intruder's");
        var (older, _) = await PlanAsync(Db, owner, learner.Id);
        var (newer, _) = await PlanAsync(Db, owner, learner.Id, OnlineUpskill(2));
        var course = (await ItemsAsync(Db, newer)).First().CourseId;
        await using (var db = Db.Context())
            Assert.Equal(PlanEditor.Outcome.Saved, (await PlanEditor.NoteAsync(owner, newer, course, null, "Start with this one.")).Outcome);
        var before = await SnapshotAsync(learner.Id);
        uint version;
        await using (var db = Db.Context()) version = (await Caseload.FindAsync(owner, learner.Id))!.Version;

        await using (var db = Db.Context())
        {
            Assert.DoesNotContain(await Caseload.ListAsync(intruder, null, false), r => r.Id == learner.Id);
            Assert.Empty(await Caseload.ListAsync(intruder, "Lawrence", false));
            Assert.Null(await Caseload.FindAsync(intruder, learner.Id));
            Assert.Empty(await Caseload.PlansAsync(intruder, learner.Id));
            Assert.Null(await Caseload.CurrentProfileAsync(intruder, learner.Id));
            var update = await Caseload.UpdateAsync(intruder, learner.Id, version, new LearnerInput { Name = "Taken over" });
            Assert.Equal(Caseload.Outcome.NotFound, update.Outcome);
            Assert.Equal("No such learner among yours.", update.Errors["learner"]);
            Assert.False(await Caseload.SetArchivedAsync(intruder, learner.Id, true));
            Assert.False(await Caseload.DeleteAsync(intruder, learner.Id));
            Assert.Equal(Caseload.Outcome.NotFound, (await Caseload.AttachPlanAsync(intruder, learner.Id, "abc")).Outcome);
            Assert.Null(await Caseload.GeneratePlanAsync(intruder, learner.Id, OnlineUpskill()));
            // Neither with the owner's learner id nor through one of the intruder's own learners.
            Assert.Null(await AdvisorPlans.LoadAsync(intruder, learner.Id, newer));
            Assert.Null(await AdvisorPlans.LoadAsync(intruder, own.Id, newer));
            Assert.Null(await AdvisorPlans.CompareAsync(intruder, learner.Id, older, newer));
            Assert.Null(await AdvisorPlans.CompareAsync(intruder, own.Id, older, newer));
        }

        var edits = new (string What, Func<CourseMatch.Data.CourseMatchDb, Task<PlanEditor.Result>> Call)[]
        {
            ("pin", db => PlanEditor.PinAsync(intruder, newer, course, 2)),
            ("unpin", db => PlanEditor.UnpinAsync(intruder, newer, course)),
            ("move", db => PlanEditor.MoveAsync(intruder, newer, course, 3)),
            ("exclude", db => PlanEditor.ExcludeAsync(intruder, newer, course, "not for you")),
            ("restore", db => PlanEditor.RestoreAsync(intruder, newer, course)),
            ("note", db => PlanEditor.NoteAsync(intruder, newer, course, "Start with this one.", "Overwritten")),
        };
        foreach (var (what, call) in edits)
        {
            await using var db = Db.Context();
            var result = await call(db);
            Assert.True(result.Outcome == PlanEditor.Outcome.NotFound, $"{what} by another advisor: {result.Outcome}");
            Assert.Equal("plan", result.Field);
        }

        Assert.Equal(before, await SnapshotAsync(learner.Id));
        await using (var db = Db.Context())
        {
            // The owner still has everything; the intruder's failed generation left no answers behind.
            Assert.Equal(2, (await Caseload.PlansAsync(owner, learner.Id)).Count);
            Assert.Equal(0, await db.LearnerProfiles.CountAsync(p => p.OwnerId == intruder));
            Assert.Equal("Start with this one.", (await AdvisorPlans.LoadAsync(owner, learner.Id, newer))!.Items.Single(i => i.CourseId == course).Note);
        }
    }

    [Fact]
    public async Task PlanEditsNeedAPlanOfOneOfYourLearnersNotAnAnonymousOne()
    {
        var advisor = await AdvisorAsync(Db, "anon");
        var anonymous = await Recommender(Db).RecommendAsync(OnlineUpskill());
        await using var db = Db.Context();
        var plan = await db.Recommendations.Include(r => r.Items).SingleAsync(r => r.Token == anonymous.Plan!.Token);
        var result = await PlanEditor.ExcludeAsync(advisor, plan.Id, plan.Items[0].CourseId, "not suitable");
        Assert.Equal(PlanEditor.Outcome.NotFound, result.Outcome);
        Assert.False(await db.RecommendationItems.AnyAsync(i => i.RecommendationId == plan.Id && i.Excluded));
    }

    [Fact]
    public async Task SearchFindsLearnersByNameEmailOrNotesAndTakesPercentAndUnderscoreLiterally()
    {
        var advisor = await AdvisorAsync(Db, "search");
        var other = await AdvisorAsync(Db, "other");
        var ada = await LearnerAsync(Db, advisor, "Ada Lovelace", "ada@analytical.example", "prefers evening courses");
        var grace = await LearnerAsync(Db, advisor, "Grace Hopper", "grace@navy.example", "wants 100% remote; tag: cobol_fan");
        var alan = await LearnerAsync(Db, advisor, "Alan Turing", null, "");
        await LearnerAsync(Db, other, "Ada Byron", "ada@other.example", "100% remote_only");

        await using var db = Db.Context();
        async Task<List<string>> Search(string? text) =>
            [.. (await Caseload.ListAsync(advisor, text, false)).Select(r => r.Name).Order()];

        Assert.Equal(["Ada Lovelace", "Alan Turing", "Grace Hopper"], await Search(null));
        Assert.Equal(["Ada Lovelace", "Alan Turing", "Grace Hopper"], await Search("   "));
        Assert.Equal(["Ada Lovelace"], await Search("LOVELACE"));
        Assert.Equal(["Ada Lovelace"], await Search("ada"));
        Assert.Equal(["Grace Hopper"], await Search("navy.example"));
        Assert.Equal(["Ada Lovelace"], await Search(" evening "));
        Assert.Equal(["Grace Hopper"], await Search("%"));
        Assert.Equal(["Grace Hopper"], await Search("100%"));
        Assert.Equal(["Grace Hopper"], await Search("_"));
        Assert.Equal(["Grace Hopper"], await Search("l_f"));
        // Taken as wildcards, these would match "Alan Turing" and "evening".
        Assert.Empty(await Search("a%t"));
        Assert.Empty(await Search("e_e"));
        Assert.Empty(await Search("\\"));
        Assert.Empty(await Search("nobody"));
        Assert.Contains(grace.Id, (await Caseload.ListAsync(advisor, "cobol", false)).Select(r => r.Id));
        Assert.DoesNotContain(alan.Id, (await Caseload.ListAsync(advisor, "ada", false)).Select(r => r.Id));
        Assert.Equal(ada.Id, (await Caseload.ListAsync(advisor, "analytical", false)).Single().Id);
    }

    [Fact]
    public async Task ArchivedLearnersLeaveTheDefaultListAndComeBackWhenRestored()
    {
        var advisor = await AdvisorAsync(Db, "archive");
        var kept = await LearnerAsync(Db, advisor, "Emmy Noether");
        var archived = await LearnerAsync(Db, advisor, "Sofia Kovalevskaya");
        await using var db = Db.Context();

        Assert.True(await Caseload.SetArchivedAsync(advisor, archived.Id, true));
        Assert.Equal([kept.Id], (await Caseload.ListAsync(advisor, null, false)).Select(r => r.Id));
        var row = Assert.Single(await Caseload.ListAsync(advisor, null, true));
        Assert.Equal((archived.Id, true), (row.Id, row.Archived));
        Assert.Empty(await Caseload.ListAsync(advisor, "Kovalevskaya", false));
        Assert.Single(await Caseload.ListAsync(advisor, "Kovalevskaya", true));
        // An archived learner is still theirs to open.
        Assert.NotNull(await Caseload.FindAsync(advisor, archived.Id));

        Assert.True(await Caseload.SetArchivedAsync(advisor, archived.Id, false));
        Assert.Equal(new[] { archived.Id, kept.Id }.Order(), (await Caseload.ListAsync(advisor, null, false)).Select(r => r.Id).Order());
        Assert.Empty(await Caseload.ListAsync(advisor, null, true));
    }

    [Fact]
    public async Task TheListCountsPlansAndShowsTheLearnerWithTheLatestPlanFirst()
    {
        var advisor = await AdvisorAsync(Db, "counts");
        var first = await LearnerAsync(Db, advisor, "First");
        var second = await LearnerAsync(Db, advisor, "Second");
        await PlanAsync(Db, advisor, first.Id);
        await PlanAsync(Db, advisor, first.Id);
        await using var db = Db.Context();
        var rows = await Caseload.ListAsync(advisor, null, false);
        Assert.Equal(["First", "Second"], rows.Select(r => r.Name));
        Assert.Equal([2, 0], rows.Select(r => r.Plans));
        Assert.NotNull(rows[0].LastPlanAt);
        Assert.Null(rows[1].LastPlanAt);
        Assert.Equal(second.Id, rows[1].Id);
    }

    [Theory]
    [InlineData("", null, null, "name", "Give the learner a name or a pseudonym.")]
    [InlineData("   ", null, null, "name", "Give the learner a name or a pseudonym.")]
    [InlineData("x101", null, null, "name", "The name is 101 characters; keep it to 100.")]
    [InlineData("Ok", "not-an-email", null, "email", "'not-an-email' is not an email address (name@example.org); leave it empty if you have none.")]
    [InlineData("Ok", "someone@localhost", null, "email", "'someone@localhost' is not an email address (name@example.org); leave it empty if you have none.")]
    [InlineData("Ok", null, "x2001", "notes", "The notes are 2,001 characters; keep them to 2,000.")]
    public async Task InvalidDetailsAreRefusedWithAMessageOnTheFieldAndNothingIsWritten(string name, string? email, string? notes, string field, string message)
    {
        static string? Expand(string? s) => s is ['x', .. var n] && int.TryParse(n, out var length) ? new string('n', length) : s;
        var input = new LearnerInput { Name = Expand(name), Email = email, Notes = Expand(notes) };
        var advisor = await AdvisorAsync(Db, "invalid");
        var existing = await LearnerAsync(Db, advisor, "Existing", "existing@example.org", "as it was");
        var before = await SnapshotAsync(existing.Id);

        await using (var db = Db.Context())
        {
            var added = await Caseload.AddAsync(advisor, input);
            Assert.Equal(Caseload.Outcome.Invalid, added.Outcome);
            Assert.Equal(message, Assert.Single(added.Errors, e => e.Key == field).Value);
            Assert.Equal([field], added.Errors.Keys);

            var updated = await Caseload.UpdateAsync(advisor, existing.Id, existing.Version, input);
            Assert.Equal(Caseload.Outcome.Invalid, updated.Outcome);
            Assert.Equal(message, updated.Errors[field]);
        }

        await using (var db = Db.Context())
            Assert.Equal(["Existing"], await Caseload.ForOwner(db, advisor).Select(l => l.Name).ToListAsync());
        Assert.Equal(before, await SnapshotAsync(existing.Id));
    }

    [Fact]
    public async Task TheLongestAllowedDetailsAreStoredTrimmed()
    {
        var advisor = await AdvisorAsync(Db, "limits");
        await using var db = Db.Context();
        var result = await Caseload.AddAsync(advisor, new LearnerInput
        {
            Name = "  " + new string('n', 100) + "  ", Email = " longest@example.org ", Notes = new string('x', 2000),
        });
        Assert.Equal(Caseload.Outcome.Saved, result.Outcome);
        var stored = (await Caseload.FindAsync(advisor, result.Learner!.Id))!;
        Assert.Equal((100, "longest@example.org", 2000), (stored.Name.Length, stored.Email, stored.Notes.Length));

        var noEmail = await Caseload.AddAsync(advisor, new LearnerInput { Name = "No email", Email = "  " });
        Assert.Null((await Caseload.FindAsync(advisor, noEmail.Learner!.Id))!.Email);
    }

    [Fact]
    public async Task SavingOverAnotherSessionsChangeIsAConflictAndKeepsTheirText()
    {
        var advisor = await AdvisorAsync(Db, "conflict");
        var learner = await LearnerAsync(Db, advisor, "Katherine Johnson", notes: "first notes");
        AdvisedLearner seenByBoth;
        await using (var db = Db.Context()) seenByBoth = (await Caseload.FindAsync(advisor, learner.Id))!;

        await using (var other = Db.Context())
        {
            var saved = await Caseload.UpdateAsync(advisor, learner.Id, seenByBoth.Version,
                new LearnerInput { Name = "Katherine Johnson", Notes = "written in the other tab" });
            Assert.Equal(Caseload.Outcome.Saved, saved.Outcome);
        }

        await using (var mine = Db.Context())
        {
            var stale = await Caseload.UpdateAsync(advisor, learner.Id, seenByBoth.Version,
                new LearnerInput { Name = "K. Johnson", Notes = "written here" });
            Assert.Equal(Caseload.Outcome.Conflict, stale.Outcome);
            Assert.Contains("changed in another session", stale.Errors["learner"]);
            Assert.Equal("written in the other tab", stale.Learner?.Notes);
        }

        AdvisedLearner now;
        await using (var db = Db.Context()) now = (await Caseload.FindAsync(advisor, learner.Id))!;
        Assert.Equal(("Katherine Johnson", "written in the other tab"), (now.Name, now.Notes));
        Assert.NotEqual(seenByBoth.Version, now.Version);

        // Reloaded, the same change goes through.
        await using (var db = Db.Context())
            Assert.Equal(Caseload.Outcome.Saved, (await Caseload.UpdateAsync(advisor, learner.Id, now.Version, new LearnerInput { Name = "K. Johnson", Notes = "written here" })).Outcome);
        await using (var db = Db.Context())
            Assert.Equal("K. Johnson", (await Caseload.FindAsync(advisor, learner.Id))!.Name);
    }

    [Fact]
    public async Task DeletingALearnerRemovesTheirAnswersPlansAndEveryReactionAndTheShareLinkStopsWorking()
    {
        var advisor = await AdvisorAsync(Db, "delete");
        var learner = await LearnerAsync(Db, advisor, "To be deleted");
        var bystander = await LearnerAsync(Db, advisor, "Stays");
        var (first, token) = await PlanAsync(Db, advisor, learner.Id);
        var (second, _) = await PlanAsync(Db, advisor, learner.Id, OnlineUpskill(2));
        var (kept, keptToken) = await PlanAsync(Db, advisor, bystander.Id);
        var items = await ItemsAsync(Db, first);
        await using (var db = Db.Context())
        {
            Assert.Equal(PlanEditor.Outcome.Saved, (await PlanEditor.PinAsync(advisor, first, items[1].CourseId, 1)).Outcome);
            Assert.Equal(PlanEditor.Outcome.Saved, (await PlanEditor.ExcludeAsync(advisor, first, items[2].CourseId, "too long")).Outcome);
            Assert.Null(await Recommender(Db).RecordFeedbackAsync(token, items[0].Course.Slug, "saved"));
            Assert.Null(await Recommender(Db).RecordFeedbackAsync(keptToken, (await ItemsAsync(Db, kept))[0].Course.Slug, "helpful"));
        }
        var plans = $"{first}, {second}";
        var profiles = await Db.ScalarAsync<string>($"SELECT string_agg(id::text, ',') FROM learner_profiles WHERE learner_id = {learner.Id}");
        Assert.Equal(2, profiles.Split(',').Length);
        Assert.Equal(3, await Db.ScalarAsync<int>($"SELECT count(*) FROM feedback WHERE profile_id IN ({profiles})"));
        var bystanderBefore = await SnapshotAsync(bystander.Id);

        await using (var db = Db.Context()) Assert.True(await Caseload.DeleteAsync(advisor, learner.Id));

        Assert.Equal(0, await Db.ScalarAsync<int>($"SELECT count(*) FROM advised_learners WHERE id = {learner.Id}"));
        Assert.Equal(0, await Db.ScalarAsync<int>($"SELECT count(*) FROM learner_profiles WHERE id IN ({profiles}) OR learner_id = {learner.Id}"));
        Assert.Equal(0, await Db.ScalarAsync<int>($"SELECT count(*) FROM recommendations WHERE id IN ({plans}) OR profile_id IN ({profiles})"));
        Assert.Equal(0, await Db.ScalarAsync<int>($"SELECT count(*) FROM recommendation_items WHERE recommendation_id IN ({plans})"));
        Assert.Equal(0, await Db.ScalarAsync<int>($"SELECT count(*) FROM feedback WHERE profile_id IN ({profiles}) OR recommendation_id IN ({plans})"));
        // The bystander's plan and the learner's reaction to it are untouched.
        Assert.Equal(1, await Db.ScalarAsync<int>($"SELECT count(*) FROM feedback WHERE recommendation_id = {kept}"));
        await using (var db = Db.Context())
        {
            Assert.Null(await Recommender(Db).LoadAsync(token));
            Assert.NotNull(await Recommender(Db).LoadAsync(keptToken));
            Assert.False(await Caseload.DeleteAsync(advisor, learner.Id));
        }
        Assert.Equal(bystanderBefore, await SnapshotAsync(bystander.Id));
    }

    [Fact]
    public async Task APlanMadeOnMatchIsAttachedByItsShareLinkOrToken()
    {
        var advisor = await AdvisorAsync(Db, "attach");
        var other = await AdvisorAsync(Db, "attach-other");
        var learner = await LearnerAsync(Db, advisor, "Attaches plans");
        var someoneElse = await LearnerAsync(Db, advisor, "Someone else");
        var othersLearner = await LearnerAsync(Db, other, "Other advisor's");
        var byLink = (await Recommender(Db).RecommendAsync(OnlineUpskill())).Plan!.Token;
        var byToken = (await Recommender(Db).RecommendAsync(OnlineUpskill(2))).Plan!.Token;

        await using var db = Db.Context();
        Assert.Equal(Caseload.Outcome.Saved, (await Caseload.AttachPlanAsync(advisor, learner.Id, $"https://coursematch.example/plans/{byLink}")).Outcome);
        Assert.Equal(Caseload.Outcome.Saved, (await Caseload.AttachPlanAsync(advisor, learner.Id, $"  {byToken}  ")).Outcome);
        Assert.Equal([byToken, byLink], (await Caseload.PlansAsync(advisor, learner.Id)).Select(p => p.Token));
        // Attaching the same plan to the same learner again is harmless.
        Assert.Equal(Caseload.Outcome.Saved, (await Caseload.AttachPlanAsync(advisor, learner.Id, $"https://coursematch.example/plans/{byLink}?utm=mail#top")).Outcome);
        Assert.NotNull(await Caseload.CurrentProfileAsync(advisor, learner.Id));
        Assert.Equal(learner.Id, (await AdvisorPlans.LoadAsync(advisor, learner.Id, (await Caseload.PlansAsync(advisor, learner.Id))[0].Id))!.LearnerId);
        Assert.True((await Recommender(Db).LoadAsync(byLink))!.Advised);

        async Task Refused(int learnerId, string? link, string message)
        {
            var result = await Caseload.AttachPlanAsync(advisor, learnerId, link);
            Assert.Equal(Caseload.Outcome.Invalid, result.Outcome);
            Assert.Equal(message, Assert.Single(result.Errors, e => e.Key == "link").Value);
        }
        await Refused(learner.Id, "https://coursematch.example/plans/unknown-token", "No plan has that link. Check it was copied whole.");
        await Refused(learner.Id, "does-not-exist", "No plan has that link. Check it was copied whole.");
        await Refused(learner.Id, "", "Paste the plan's share link (it ends in /plans/…) or its token.");
        await Refused(learner.Id, "not a link!", "Paste the plan's share link (it ends in /plans/…) or its token.");
        await Refused(someoneElse.Id, byLink, "That plan is already attached to a learner.");
        Assert.Empty(await Caseload.PlansAsync(advisor, someoneElse.Id));

        // Another advisor cannot take it over through their own learner either.
        var taken = await Caseload.AttachPlanAsync(other, othersLearner.Id, byToken);
        Assert.Equal("That plan is already attached to a learner.", taken.Errors["link"]);
        Assert.Empty(await Caseload.PlansAsync(other, othersLearner.Id));
        Assert.Equal(2, (await Caseload.PlansAsync(advisor, learner.Id)).Count);

        // A plan an advisor generated is attached already.
        var (_, generated) = await PlanAsync(Db, advisor, someoneElse.Id);
        await Refused(learner.Id, generated, "That plan is already attached to a learner.");
    }

    [Theory]
    [InlineData("https://coursematch.example/plans/AbC-12_x", "AbC-12_x")]
    [InlineData("http://localhost:5000/plans/AbC-12_x/", "AbC-12_x")]
    [InlineData("coursematch.example/PLANS/AbC-12_x?ref=mail", "AbC-12_x")]
    [InlineData("  AbC-12_x  ", "AbC-12_x")]
    [InlineData("https://coursematch.example/plans/", null)]
    [InlineData("a token with spaces", null)]
    [InlineData(null, null)]
    public void ShareLinksAndBareTokensGiveTheToken(string? link, string? token) => Assert.Equal(token, Caseload.TokenOf(link));
}
