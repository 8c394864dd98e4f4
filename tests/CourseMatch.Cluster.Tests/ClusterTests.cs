using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CourseMatch.Accounts;
using Microsoft.Playwright;
using Npgsql;
using StackExchange.Redis;
using static Microsoft.Playwright.Assertions;

namespace CourseMatch.Cluster;

[CollectionDefinition(nameof(ClusterCollection))]
public sealed class ClusterCollection : ICollectionFixture<RunningCluster>;

/// <summary>Shared state across the two instances: cookies, forms, sign-out, limits, training, promotion, edits.</summary>
[Collection(nameof(ClusterCollection))]
public class SharedStateTests(RunningCluster cluster)
{
    private readonly HttpClient http = Http.Plain();

    [Fact]
    public async Task ASignInOnAWorksOnBAndAFormFromAPostsToB()
    {
        var (email, password) = await cluster.CreateUserAsync(Roles.Admin);
        var jar = new Http.Jar();
        var signedIn = await http.SignInAsync(jar, formFrom: cluster.A.Url, postTo: cluster.A.Url, email, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.NotNull(jar["CourseMatch.Auth"]);

        var onB = await http.GetAsync(cluster.B.Url + "/admin/courses", jar);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Equal("b", onB.Headers.GetValues("X-CourseMatch-Instance").Single());

        // A sign-in form (antiforgery token and cookie) read from A is accepted by B.
        var other = new Http.Jar();
        var crossed = await http.SignInAsync(other, formFrom: cluster.A.Url, postTo: cluster.B.Url, email, password);
        Assert.Equal(HttpStatusCode.Redirect, crossed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(cluster.A.Url + "/admin/courses", other)).StatusCode);
    }

    [Fact]
    public async Task SigningOutOnAEndsTheSessionOnB()
    {
        var (email, password) = await cluster.CreateUserAsync(Roles.Admin);
        var jar = new Http.Jar();
        await http.SignInAsync(jar, cluster.A.Url, cluster.A.Url, email, password);
        var copied = jar.Copy();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(cluster.B.Url + "/admin/courses", copied)).StatusCode);

        var logout = await http.FormAsync(cluster.A.Url + "/", jar, action: "/account/logout");
        Assert.Equal(HttpStatusCode.Redirect, (await http.PostFormAsync(cluster.A.Url + "/account/logout", jar, logout)).StatusCode);

        var replayed = await http.GetAsync(cluster.B.Url + "/admin/courses", copied);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/account/login", replayed.Headers.Location!.ToString());
    }

    [Fact]
    public async Task WrongPasswordsSpreadOverAAndBShareOneLimitAndAnotherClientStillSignsIn()
    {
        // The limit counts per clock minute: start well inside one so the attempts land in the same window.
        if (DateTime.UtcNow.Second > 40) await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second));
        var attacker = Http.Plain(source: "127.0.0.2");
        var jar = new Http.Jar();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= RunningCluster.SignInLimit; i++)
        {
            // Through the proxy, pinned by its own sticky cookie to a, then b, then a…
            jar.Set("CM_NODE", i % 2 == 0 ? "a" : "b");
            var response = await attacker.SignInAsync(jar, cluster.ProxyUrl, cluster.ProxyUrl, $"nobody-{i}@example.test", "not the password at all");
            statuses.Add(response.StatusCode);
        }
        Assert.All(statuses.Take(RunningCluster.SignInLimit), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // Counted once, in Redis, under the client's own address (read from X-Forwarded-For), not the proxy's.
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{cluster.RedisPort}");
        var keys = redis.GetServer("127.0.0.1", cluster.RedisPort).Keys(pattern: "coursematch:limit:sign-in:127.0.0.2:*").ToList();
        Assert.Equal(RunningCluster.SignInLimit + 1, (long)await redis.GetDatabase().StringGetAsync(Assert.Single(keys)));

        // Someone else, from another address, is not locked out by it.
        var (email, password) = await cluster.CreateUserAsync(Roles.Advisor);
        var other = Http.Plain(source: "127.0.0.3");
        var signedIn = await other.SignInAsync(new Http.Jar(), cluster.ProxyUrl, cluster.ProxyUrl, email, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task ATrainingStartedOnAShowsOnBWhichCannotStartAnotherAndItsModelIsServedByBWithinTenSeconds()
    {
        var (email, password) = await cluster.CreateUserAsync(Roles.Admin);
        var onA = await SignedInPageAsync(cluster.A.Url, email, password);
        // The sign-in cookie is the browser's for 127.0.0.1, whatever the port: B reads the one A issued.
        var onB = await onA.Context.NewPageAsync();
        await onB.GotoAsync(cluster.B.Url + "/admin/models");
        await WaitForCircuit(onB);
        await onA.GotoAsync("/admin/models");
        await WaitForCircuit(onA);

        await onA.GetByLabel("Synthetic learners").FillAsync("300");
        var promoteIfBetter = onA.GetByLabel("Promote it if it measures");
        if (await promoteIfBetter.IsCheckedAsync()) await promoteIfBetter.UncheckAsync();
        await onA.GetByRole(AriaRole.Button, new() { Name = "Train", Exact = true }).ClickAsync();

        await Expect(onB.Locator("label[for=training-progress]")).ToContainTextAsync($"Training started by {email}");
        await onB.GetByRole(AriaRole.Button, new() { Name = "Train", Exact = true }).ClickAsync();
        await Expect(onB.Locator("p.notice[role=status]")).ToContainTextAsync("is still going");
        await Expect(onB.Locator("p.notice[role=status]")).ToContainTextAsync("on instance a");

        var outcome = onA.Locator("p.outcome");
        await Expect(outcome).ToContainTextAsync("trained", new() { Timeout = 180_000 });
        await Expect(onB.Locator("p.outcome")).ToContainTextAsync(await outcome.InnerTextAsync(), new() { Timeout = 10_000 });

        await outcome.GetByRole(AriaRole.Link).ClickAsync();
        var version = int.Parse(Regex.Match(onA.Url, @"(\d+)$").Value);
        await onA.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Promote version \\d+") }).ClickAsync();
        await onA.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Yes, promote version") }).ClickAsync();
        await Expect(onA.Locator("p.result.done")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        var promoted = Stopwatch.StartNew();
        int? served = null;
        while (promoted.Elapsed < TimeSpan.FromSeconds(15) && served != version)
        {
            var plan = await http.PostAsync(cluster.B.Url + "/api/recommendations", new StringContent(Profile, Encoding.UTF8, "application/json"));
            Assert.True(plan.IsSuccessStatusCode, $"recommendations through B: {(int)plan.StatusCode}");
            using var body = JsonDocument.Parse(await plan.Content.ReadAsStringAsync());
            served = body.RootElement.GetProperty("modelVersion").ValueKind == JsonValueKind.Number ? body.RootElement.GetProperty("modelVersion").GetInt32() : null;
            if (served != version) await Task.Delay(250);
        }
        Assert.Equal(version, served);
        Assert.True(promoted.Elapsed < TimeSpan.FromSeconds(10), $"B served version {version} only after {promoted.Elapsed.TotalSeconds:0.0} s");
        await onA.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAdminEditOnAIsFoundInASearchThroughBWithinTwoSeconds()
    {
        // B reads the catalog from the standby: the edit travels primary → standby → B's search.
        await RunningCluster.WaitUntilAsync(async () => (await HealthAsync(cluster.B.Url)).ReadsOnStandby, TimeSpan.FromSeconds(15), "B to read from the standby");
        await using var db = cluster.Db.Context();
        var course = db.Courses.Where(c => c.Status == Catalog.CourseStatus.Published).OrderBy(c => c.Id).Skip(3).First();
        var word = "Zephyrine" + Random.Shared.Next(1000, 9999);

        var (email, password) = await cluster.CreateUserAsync(Roles.Admin);
        var page = await SignedInPageAsync(cluster.A.Url, email, password);
        await page.GotoAsync($"/admin/courses/{course.Id}");
        await WaitForCircuit(page);
        await page.Locator("#title").FillAsync($"{course.Title} {word}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.Locator("p.success")).ToBeVisibleAsync();
        var saved = Stopwatch.StartNew();

        var total = 0;
        while (saved.Elapsed < TimeSpan.FromSeconds(5) && total == 0)
        {
            using var body = JsonDocument.Parse(await http.GetStringAsync($"{cluster.B.Url}/api/courses?q={word}"));
            total = body.RootElement.GetProperty("total").GetInt32();
            if (total == 0) await Task.Delay(50);
        }
        Assert.Equal(1, total);
        Assert.True(saved.Elapsed < TimeSpan.FromSeconds(2), $"found through B after {saved.Elapsed.TotalMilliseconds:0} ms");
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignedInPageAsync(string baseUrl, string email, string password)
    {
        var page = await cluster.NewPageAsync(baseUrl);
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        return page;
    }

    internal static Task WaitForCircuit(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    internal static async Task<(string Replica, bool ReadsOnStandby)> HealthAsync(string url)
    {
        using var http = Http.Plain();
        using var body = JsonDocument.Parse(await http.GetStringAsync(url + "/health"));
        var replica = body.RootElement.GetProperty("checks").GetProperty("replica");
        var data = replica.GetProperty("data");
        return (replica.GetProperty("status").GetString()!, data.GetProperty("readsOnStandby").GetBoolean());
    }

    internal const string Profile = """
        {"skills":{"linear-algebra":1,"python":2}, "goal":"career-switch",
         "budget":{"amount":500,"currency":"USD","strict":false}, "format":"any",
         "location":{"city":"New York","country":"US","radiusKm":50}, "hoursPerWeek":6,
         "startWithinWeeks":12, "pacing":"any", "language":"en", "wantsCertificate":false}
        """;
}

/// <summary>Parts of the cluster going away: an instance, the standby, the primary. Each test puts it back.</summary>
[Collection(nameof(ClusterCollection))]
public class FailureTests(RunningCluster cluster)
{
    private const string DraftKey = "coursematch.match.draft";

    [Fact]
    public async Task KillingTheInstanceOfALearnerMidQuestionnaireMovesThemToTheOtherWithTheirAnswers()
    {
        var page = await cluster.NewPageAsync(cluster.ProxyUrl);
        await page.GotoAsync("/match");
        await SharedStateTests.WaitForCircuit(page);
        await page.Locator("label[for=skill-optimization-3]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await page.Locator("label[for=goal-academic]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("What fits your life");
        var before = await page.EvaluateAsync<string?>($"sessionStorage.getItem('{DraftKey}')");
        await page.GetByLabel("Hours a week").FillAsync("9");
        await page.GetByLabel("Hours a week").PressAsync("Tab");
        await page.WaitForFunctionAsync($"b => sessionStorage.getItem('{DraftKey}') !== b", before);

        var node = (await page.Context.CookiesAsync()).Single(c => c.Name == "CM_NODE").Value;
        var (victim, survivor) = node == "a" ? (cluster.A, cluster.B) : (cluster.B, cluster.A);

        // Another visitor pinned to the same instance keeps browsing while it dies.
        using var stop = new CancellationTokenSource();
        var browsing = BrowseAsync(cluster.ProxyUrl, node, stop.Token);
        await Task.Delay(500);
        victim.Kill();
        try
        {
            // The circuit's server is gone: Blazor reconnects through the proxy to the survivor, which has no such
            // circuit, so the page reloads there and restores the draft (its protection keys are shared).
            await Expect(page.Locator("h1")).ToHaveTextAsync("What fits your life", new() { Timeout = 30_000 });
            await RunningCluster.WaitUntilAsync(async () => (await page.Context.CookiesAsync()).Single(c => c.Name == "CM_NODE").Value == survivor.Name,
                TimeSpan.FromSeconds(30), "the learner to be on the other instance");
            await SharedStateTests.WaitForCircuit(page);
            await Expect(page.GetByLabel("Hours a week")).ToHaveValueAsync("9");
            await page.GetByRole(AriaRole.Button, new() { Name = "Back" }).ClickAsync();
            await Expect(page.Locator("#goal-academic")).ToBeCheckedAsync();

            await Task.Delay(1000);
            stop.Cancel();
            var (served, failed) = await browsing;
            Assert.True(served > 5, $"only {served} requests were served while the instance died");
            // At most the one request in flight when the process died fails; the proxy retries the rest elsewhere.
            Assert.True(failed <= 1, $"{failed} of {served + failed} requests failed while instance {victim.Name} died");
        }
        finally
        {
            stop.Cancel();
            await victim.StartAsync();
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task WithTheStandbyStoppedSearchesAnswerFromThePrimaryAndItCatchesUpWhenBack()
    {
        var http = Http.Plain();
        await RunningCluster.WaitUntilAsync(async () => (await SharedStateTests.HealthAsync(cluster.A.Url)).ReadsOnStandby, TimeSpan.FromSeconds(15), "A to read from the standby");
        using var stop = new CancellationTokenSource();
        var browsing = BrowseAsync(cluster.ProxyUrl, null, stop.Token);
        await Task.Delay(300);
        await cluster.Standby.StopAsync();
        var word = "Quillonic" + Random.Shared.Next(1000, 9999);
        try
        {
            foreach (var instance in new[] { cluster.A, cluster.B })
                await RunningCluster.WaitUntilAsync(async () => await SharedStateTests.HealthAsync(instance.Url) is ("Degraded", false),
                    TimeSpan.FromSeconds(10), $"{instance.Name} to report the standby down");
            // Written while the standby is away: it must arrive once the standby is back (the slot kept the WAL).
            await cluster.Db.ExecAsync($"UPDATE courses SET title = title || ' {word}' WHERE id = (SELECT min(id) FROM courses WHERE status = 'Published')");
            using var found = JsonDocument.Parse(await http.GetStringAsync($"{cluster.ProxyUrl}/api/courses?q={word}"));
            Assert.Equal(1, found.RootElement.GetProperty("total").GetInt32());
            await Task.Delay(2000); // browsing on, on the primary alone
            stop.Cancel();
            var (served, failed) = await browsing;
            Assert.True(served > 5, $"only {served} searches were answered ({failed} failed) with the standby down");
            Assert.Equal(0, failed);
        }
        finally
        {
            stop.Cancel();
            await cluster.Standby.StartAsync();
        }

        await using var standby = NpgsqlDataSource.Create(cluster.Standby.ConnectionString("coursematch"));
        await RunningCluster.WaitUntilAsync(async () =>
        {
            await using var cmd = standby.CreateCommand($"SELECT count(*) FROM courses WHERE title LIKE '%{word}'");
            return (long)(await cmd.ExecuteScalarAsync())! == 1;
        }, TimeSpan.FromSeconds(20), "the standby to catch up");
        foreach (var instance in new[] { cluster.A, cluster.B })
            await RunningCluster.WaitUntilAsync(async () => await SharedStateTests.HealthAsync(instance.Url) is ("Healthy", true),
                TimeSpan.FromSeconds(20), $"{instance.Name} to read from the standby again");
    }

    [Fact]
    public async Task AStandbyThatFallsBehindIsLeftAloneUntilItCatchesUp()
    {
        var http = Http.Plain();
        await RunningCluster.WaitUntilAsync(async () => (await SharedStateTests.HealthAsync(cluster.B.Url)).ReadsOnStandby, TimeSpan.FromSeconds(15), "B to read from the standby");
        await using var standby = NpgsqlDataSource.Create(cluster.Standby.ConnectionString("coursematch"));
        await using (var pause = standby.CreateCommand("SELECT pg_wal_replay_pause()")) await pause.ExecuteNonQueryAsync();
        var word = "Lagrangiad" + Random.Shared.Next(1000, 9999);
        try
        {
            await cluster.Db.ExecAsync($"UPDATE courses SET title = title || ' {word}' WHERE id = (SELECT max(id) FROM courses WHERE status = 'Published')");
            // Past the bound (2 s for these instances), B reads from the primary: the edit is found though the standby lacks it.
            await RunningCluster.WaitUntilAsync(async () => await SharedStateTests.HealthAsync(cluster.B.Url) is ("Degraded", false),
                TimeSpan.FromSeconds(10), "B to leave the lagging standby");
            using var found = JsonDocument.Parse(await http.GetStringAsync($"{cluster.B.Url}/api/courses?q={word}"));
            Assert.Equal(1, found.RootElement.GetProperty("total").GetInt32());
            await using var onStandby = standby.CreateCommand($"SELECT count(*) FROM courses WHERE title LIKE '%{word}'");
            Assert.Equal(0L, (long)(await onStandby.ExecuteScalarAsync())!);
        }
        finally
        {
            await using var resume = standby.CreateCommand("SELECT pg_wal_replay_resume()");
            await resume.ExecuteNonQueryAsync();
        }
        await RunningCluster.WaitUntilAsync(async () => await SharedStateTests.HealthAsync(cluster.B.Url) is ("Healthy", true),
            TimeSpan.FromSeconds(10), "B to read from the standby once it caught up");
    }

    [Fact]
    public async Task WithRedisGoneSignInAttemptsAreCountedInPostgreSQLInstead()
    {
        if (DateTime.UtcNow.Second > 40) await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second));
        await cluster.StopRedisAsync();
        try
        {
            var attacker = Http.Plain(source: "127.0.0.4");
            var jar = new Http.Jar();
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i <= RunningCluster.SignInLimit; i++)
            {
                jar.Set("CM_NODE", i % 2 == 0 ? "b" : "a");
                statuses.Add((await attacker.SignInAsync(jar, cluster.ProxyUrl, cluster.ProxyUrl, $"nobody-{i}@example.test", "still not the password")).StatusCode);
            }
            Assert.All(statuses.Take(RunningCluster.SignInLimit), s => Assert.Equal(HttpStatusCode.OK, s));
            Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
            Assert.Equal(RunningCluster.SignInLimit + 1,
                await cluster.Db.ScalarAsync<int>("SELECT hits FROM rate_limit_windows WHERE key = 'sign-in:127.0.0.4' ORDER BY window_start DESC LIMIT 1"));
        }
        finally
        {
            await cluster.StartRedisAsync();
        }
    }

    [Fact]
    public async Task AfterThePrimaryRestartsBothInstancesWorkWithoutARestartOfTheirOwn()
    {
        var pids = (cluster.A.Running, cluster.B.Running);
        await cluster.Primary.StopAsync();
        try
        {
            // Without the primary the instances stay in the proxy, degraded: the catalog goes on from the standby.
            foreach (var instance in new[] { cluster.A, cluster.B })
                await RunningCluster.WaitUntilAsync(async () =>
                {
                    var ready = await Http.Plain().GetAsync(instance.Url + "/health/ready");
                    return ready.IsSuccessStatusCode && (await ready.Content.ReadAsStringAsync()).Contains("\"Degraded\"");
                }, TimeSpan.FromSeconds(10), $"{instance.Name} to say it serves reads only");
            var http = Http.Plain();
            foreach (var node in new[] { "a", "b" })
            {
                var search = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{cluster.ProxyUrl}/api/courses?q=statistics") { Headers = { { "Cookie", $"CM_NODE={node}" } } });
                Assert.Equal(HttpStatusCode.OK, search.StatusCode);
                Assert.Equal(node, search.Headers.GetValues("X-CourseMatch-Instance").Single());
            }
        }
        finally
        {
            await cluster.Primary.StartAsync();
            cluster.Db.Source.Clear(); // the test's own pooled connections (not the instances') died with the server
        }

        var (email, password) = await cluster.CreateUserAsync(Roles.Admin);
        foreach (var instance in new[] { cluster.A, cluster.B })
        {
            await RunningCluster.WaitUntilAsync(async () => (await Http.Plain().GetStringAsync(instance.Url + "/health/ready")).Contains("\"Healthy\""),
                TimeSpan.FromSeconds(20), $"{instance.Name} to be ready again");
            // A write (the session row) and an admin read, on the same processes as before.
            var jar = new Http.Jar();
            var http = Http.Plain();
            Assert.Equal(HttpStatusCode.Redirect, (await http.SignInAsync(jar, instance.Url, instance.Url, email, password)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(instance.Url + "/admin/courses", jar)).StatusCode);
        }
        Assert.Equal((true, true), pids);
        Assert.True(cluster.A.Running && cluster.B.Running);
    }

    /// <summary>One visitor searching the catalog again and again; counts answers and failures.</summary>
    private static async Task<(int Served, int Failed)> BrowseAsync(string proxy, string? pinnedTo, CancellationToken stop)
    {
        using var http = Http.Plain();
        var (served, failed) = (0, 0);
        var failures = new List<string>();
        var queries = new[] { "python", "statistics", "linear algebra", "probability", "optimization" };
        while (!stop.IsCancellationRequested)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{proxy}/api/courses?q={Uri.EscapeDataString(queries[(served + failed) % queries.Length])}");
            if (pinnedTo is not null) request.Headers.Add("Cookie", $"CM_NODE={pinnedTo}");
            try
            {
                var response = await http.SendAsync(request, CancellationToken.None);
                if (response.IsSuccessStatusCode) served++;
                else
                {
                    failed++;
                    failures.Add($"{(int)response.StatusCode} from {response.Headers.GetValues("X-CourseMatch-Instance").FirstOrDefault() ?? "the proxy"}: {(await response.Content.ReadAsStringAsync())[..Math.Min(200, (int)(response.Content.Headers.ContentLength ?? 200))]}");
                }
            }
            catch (HttpRequestException e) { failed++; failures.Add(e.Message); }
            await Task.Delay(50, CancellationToken.None);
        }
        foreach (var f in failures.Distinct().Take(5)) Console.WriteLine("browse failure: " + f);
        return (served, failed);
    }
}
