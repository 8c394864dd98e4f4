using Markdig;

namespace CourseMatch.Catalog;

/// <summary>Course descriptions are Markdown written by admins and importers: render them with raw HTML disabled.</summary>
public static class MarkdownText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UsePipeTables()
        .UseEmphasisExtras()
        .Build();

    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        var html = Markdown.ToHtml(markdown, Pipeline);
        // Links that survive (Markdown links, autolinks) must not run script.
        return html.Replace("href=\"javascript:", "href=\"#blocked:", StringComparison.OrdinalIgnoreCase);
    }
}
