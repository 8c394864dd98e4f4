using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CourseMatch.E2E;

/// <summary>axe-core on the page as it is now; any violation, of any impact, fails the journey with what to fix and where.</summary>
public static class Accessibility
{
    // Only violations come back in full: passes and the rest would be serialised node by node for nothing.
    private static readonly AxeRunOptions Options = new() { ResultTypes = [ResultType.Violations] };

    /// <param name="moment">What the page shows at this point, so a failure says which state of the page broke.</param>
    public static async Task AssertAccessibleAsync(this IPage page, string? moment = null)
    {
        // A page that cannot run scripts never answers; fail instead of hanging the run.
        var result = await page.RunAxe(Options).WaitAsync(TimeSpan.FromSeconds(90));
        if (result.Violations.Length == 0) return;
        Assert.Fail(Describe(result, moment));
    }

    /// <summary>
    /// For a page opened with JavaScript off: axe is a script, and Playwright cannot run one there (the call never returns). The
    /// same address is checked in a page that may run scripts but loads none of the app's, which is the DOM a visitor without
    /// JavaScript gets (the app's only script is the external blazor.web.js).
    /// </summary>
    public static async Task AssertAccessibleWithoutJavaScriptAsync(this IPage page, string? moment = null)
    {
        var browser = page.Context.Browser ?? throw new InvalidOperationException("the page has no browser");
        await using var context = await browser.NewContextAsync(new() { ViewportSize = page.ViewportSize is { } v ? new() { Width = v.Width, Height = v.Height } : null });
        await context.RouteAsync("**/*.js", route => route.AbortAsync());
        var copy = await context.NewPageAsync();
        await copy.GotoAsync(page.Url);
        await copy.AssertAccessibleAsync(moment is null ? "without JavaScript" : moment + ", without JavaScript");
    }

    public static string Describe(AxeResult result, string? moment)
    {
        var text = new StringBuilder();
        var where = new Uri(result.Url).PathAndQuery;
        text.AppendLine($"axe found {result.Violations.Length} accessibility violation(s) on {where}{(moment is null ? "" : $" ({moment})")}:");
        foreach (var rule in result.Violations)
        {
            text.AppendLine($"- {rule.Id} ({rule.Impact}): {rule.Help}. {rule.HelpUrl}");
            foreach (var node in rule.Nodes.Take(10))
            {
                // The check that failed says why in one line ("insufficient color contrast of 2.14 (#555555 on #14213d)").
                var why = node.All.Concat(node.None).Concat(node.Any).Select(c => c.Message).FirstOrDefault(m => !string.IsNullOrWhiteSpace(m));
                text.AppendLine($"    {node.Target}{(why is null ? "" : $": {why}")}");
            }
            if (rule.Nodes.Length > 10) text.AppendLine($"    … and {rule.Nodes.Length - 10} more");
        }
        return text.ToString();
    }
}
