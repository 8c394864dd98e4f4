using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace CourseMatch.Bench;

/// <summary>The instance's resident memory with this many /match circuits open.</summary>
public sealed record CircuitStep(int Circuits, double RssMegabytes, double SecondsToOpen, string Active = "");

/// <summary>
/// Memory per interactive circuit: headless Chromium opens /match on one instance, page after page (ten to a browser
/// context), each waiting until the questionnaire is interactive (a live Blazor circuit on that instance); after each
/// batch and a settling pause, the instance's VmRSS is read from /proc. One circuit is opened (and kept) before the
/// baseline, so the first-use costs (JIT, component types, the first model load) are not counted as a circuit's.
/// </summary>
public static class CircuitBench
{
    private const int PagesPerContext = 10;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(6);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var url = options.CircuitUrl!;
        var pid = options.CircuitPid!.Value;
        BenchProgram.Log($"Circuit memory '{options.Label}': {options.Circuits} /match circuits on {url} (pid {pid})");
        var (load, waited) = await Machine.WaitForQuietAsync(options.MaxLoad, TimeSpan.FromSeconds(options.LoadWaitSeconds), ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("COURSEMATCH_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var contexts = new List<IBrowserContext>();
        var pages = new List<IPage>();

        async Task OpenAsync()
        {
            if (pages.Count % PagesPerContext == 0) contexts.Add(await browser.NewContextAsync(new() { BaseURL = url }));
            var page = await contexts[^1].NewPageAsync();
            await page.GotoAsync("/match");
            await page.WaitForSelectorAsync("[data-interactive=true]", new() { Timeout = 60_000 });
            pages.Add(page);
        }

        await OpenAsync(); // the warm-up circuit
        using var metrics = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        async Task<string> ActiveAsync()
        {
            if (options.CircuitMetricsUrl is null) return "";
            try
            {
                var text = await metrics.GetStringAsync(options.CircuitMetricsUrl, ct);
                var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("aspnetcore_components_circuit_active", StringComparison.Ordinal));
                return line is null ? "?" : line[(line.LastIndexOf(' ') + 1)..].Trim();
            }
            catch (HttpRequestException) { return "?"; }
        }
        var rssWarm = await SettledRssAsync(pid, ct);
        var steps = new List<CircuitStep> { new(0, rssWarm, 0, await ActiveAsync()) };
        BenchProgram.Log($"   1 warm-up circuit open: RSS {rssWarm:0.0} MB");
        var batch = Math.Max(1, options.Circuits / 5);
        while (steps[^1].Circuits < options.Circuits)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var open = Math.Min(batch, options.Circuits - steps[^1].Circuits);
            for (var i = 0; i < open; i++) await OpenAsync();
            var opened = clock.Elapsed.TotalSeconds;
            var rss = await SettledRssAsync(pid, ct);
            steps.Add(new CircuitStep(steps[^1].Circuits + open, rss, opened, await ActiveAsync()));
            BenchProgram.Log($"   {steps[^1].Circuits} circuits (+ the warm-up one): RSS {rss:0.0} MB ({open} opened in {opened:0.0} s); the instance reports {steps[^1].Active} active");
        }
        var peakLoad = Machine.Load1();

        // Every page still interactive at the end: the circuits were alive when measured.
        var alive = 0;
        foreach (var page in pages)
            if (await page.QuerySelectorAsync("[data-interactive=true]") is not null) alive++;

        foreach (var context in contexts) await context.CloseAsync();
        var rssClosed = await SettledRssAsync(pid, ct);
        var activeClosed = await ActiveAsync();
        BenchProgram.Log($"   all pages closed: RSS {rssClosed:0.0} MB");

        var markdown = ToMarkdown(options, pid, steps, rssClosed, activeClosed, alive, pages.Count, load, waited, peakLoad);
        Console.WriteLine(markdown);
        await ClusterBench.WriteAsync(options, markdown);
        return 0;
    }

    private static async Task<double> SettledRssAsync(int pid, CancellationToken ct)
    {
        await Task.Delay(Settle, ct);
        return Rss(pid);
    }

    /// <summary>VmRSS of the process, in MB.</summary>
    public static double Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Least-squares slope of RSS over circuits: MB per circuit, less sensitive to one noisy reading than two points.</summary>
    public static double Slope(IReadOnlyList<CircuitStep> steps)
    {
        var mx = steps.Average(s => (double)s.Circuits);
        var my = steps.Average(s => s.RssMegabytes);
        var num = steps.Sum(s => (s.Circuits - mx) * (s.RssMegabytes - my));
        var den = steps.Sum(s => (s.Circuits - mx) * (s.Circuits - mx));
        return den == 0 ? double.NaN : num / den;
    }

    private static string ToMarkdown(BenchOptions options, int pid, IReadOnlyList<CircuitStep> steps, double rssClosed, string activeClosed, int alive, int total,
        double load, double waited, double peakLoad)
    {
        var n = steps[^1].Circuits;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {options.Label} ({DateTime.Now:yyyy-MM-dd HH:mm})").AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{n} `/match` circuits opened on {options.CircuitUrl} (pid {pid}) from headless Chromium, {PagesPerContext} pages per browser context, ") +
            $"each waiting for `[data-interactive=true]`; VmRSS read {Settle.TotalSeconds:0} s after each batch. {alive} of {total} pages were still interactive at the end. " +
            $"{Machine.Describe()}; load average {load:0.00} before{(waited > 1 ? $" (waited {waited:0} s)" : "")}, {peakLoad:0.00} after opening.").AppendLine();
        md.AppendLine("| circuits (beyond the warm-up one) | VmRSS MB | opened in s | active circuits the instance reports |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var s in steps) md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Circuits} | {s.RssMegabytes:0.0} | {(s.Circuits == 0 ? "" : s.SecondsToOpen.ToString("0.0", CultureInfo.InvariantCulture))} | {s.Active} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| all pages closed | {rssClosed:0.0} | | {activeClosed} |").AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Per circuit: ({steps[^1].RssMegabytes:0.0} − {steps[0].RssMegabytes:0.0}) MB ÷ {n} = **{(steps[^1].RssMegabytes - steps[0].RssMegabytes) / n:0.00} MB**; ") +
            $"least-squares slope over the {steps.Count} readings: **{Slope(steps):0.00} MB per circuit**.");
        return md.ToString();
    }
}
