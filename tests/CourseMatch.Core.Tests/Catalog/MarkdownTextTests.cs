using CourseMatch.Catalog;

namespace CourseMatch.Tests.Catalog;

public class MarkdownTextTests
{
    [Fact]
    public void RawHtmlIsEscapedNotRendered()
    {
        var html = MarkdownText.ToHtml("Hello <script>alert(1)</script> <img src=x onerror=alert(1)>");
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public void MarkdownFormattingStillWorks()
    {
        var html = MarkdownText.ToHtml("**Bold** and a list:\n\n- one\n- two");
        Assert.Contains("<strong>Bold</strong>", html);
        Assert.Contains("<li>one</li>", html);
    }

    [Fact]
    public void JavascriptLinksAreDefused() =>
        Assert.DoesNotContain("javascript:", MarkdownText.ToHtml("[click](javascript:alert(1))"), StringComparison.OrdinalIgnoreCase);
}
