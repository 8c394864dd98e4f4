using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace CourseMatch.SkillChecks;

/// <summary>
/// The markup an item may hold: text, a few text elements, code, and presentation MathML (Chromium renders it natively
/// and screen readers read it). Checked by parsing, against an allow-list of elements and one attribute, so a page can
/// render an item as markup without anything in it being able to run, load or restyle.
/// </summary>
public static partial class ItemMarkup
{
    private static readonly HashSet<string> Elements =
    [
        "p", "em", "strong", "code", "pre", "br", "sub", "sup", "ul", "ol", "li",
        "math", "mrow", "mi", "mn", "mo", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
        "mtable", "mtr", "mtd", "mtext", "mspace",
    ];

    /// <summary>Null when <paramref name="markup"/> is allowed, else what is wrong with it, in words an admin can act on.</summary>
    public static string? Problem(string markup)
    {
        XElement root;
        try
        {
            // No DTDs, so no entity beyond XML's own five can be declared or expanded.
            using var reader = XmlReader.Create(new StringReader($"<r>{markup}</r>"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            root = XElement.Load(reader);
        }
        catch (XmlException e)
        {
            return $"is not well-formed markup ({e.Message.Split(". Line")[0]}); write & as &amp; and < as &lt;";
        }
        foreach (var element in root.Descendants())
        {
            var name = element.Name.LocalName;
            if (element.Name.NamespaceName.Length > 0 || !Elements.Contains(name))
                return $"uses <{name}>, which items may not hold; allowed: {string.Join(", ", Elements)}";
            foreach (var attribute in element.Attributes())
            {
                if (name == "math" && attribute.Name.LocalName == "display" && attribute.Value is "block" or "inline") continue;
                return $"has the attribute {attribute.Name.LocalName}=\"{attribute.Value}\" on <{name}>; only display=\"block\" on <math> is allowed";
            }
        }
        return null;
    }

    /// <summary>The elements whose text reads as a separate word or line: their text is kept apart from what comes before.</summary>
    private static readonly HashSet<string> Apart = ["p", "pre", "br", "li", "math", "mtr", "mtd"];

    /// <summary>The text a screen reader or a search would see, without the markup (for lists and audit summaries).</summary>
    public static string Text(string markup)
    {
        XElement root;
        try { root = XElement.Parse($"<r>{markup}</r>", LoadOptions.PreserveWhitespace); }
        catch (XmlException) { return markup; }
        // "<p>Let</p><math>…" reads "Let A = …", not "LetA=…".
        var text = new StringBuilder();
        foreach (var node in root.DescendantNodes())
        {
            if (node is XText t) text.Append(t.Value);
            else if (node is XElement e && Apart.Contains(e.Name.LocalName)) text.Append(' ');
        }
        return Spaces().Replace(text.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
