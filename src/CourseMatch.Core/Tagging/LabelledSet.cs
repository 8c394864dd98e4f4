using System.Globalization;
using CsvHelper;

namespace CourseMatch.Tagging;

/// <summary>Where a label comes from: the repository's labelled set, a curated catalog course, or an admin's review decision.</summary>
public enum LabelOrigin { LabelledSet, Curated, Review }

/// <summary>A course with the skills a careful curator gives it.</summary>
public sealed record LabelledCourse(string Id, TaggingText Text, SkillLevels Labels, LabelOrigin Origin, int? Fold = null, string? Source = null);

/// <summary>
/// The labelled courses kept in the repository (docs/tagging-labels.md): titles and descriptions written the way real
/// catalogs write them, with the skills and levels a curator gives, in five folds. Folds 3 and 4 are held out: no
/// tagger is ever trained on them, and every measurement of a tagger is made on them.
/// </summary>
public static class LabelledSet
{
    public const int Folds = 5;
    public const int FirstHeldOutFold = 3;

    public static bool IsHeldOut(LabelledCourse c) => c.Origin == LabelOrigin.LabelledSet && c.Fold >= FirstHeldOutFold;

    private static readonly Lazy<IReadOnlyList<LabelledCourse>> Rows = new(Read);

    public static IReadOnlyList<LabelledCourse> Load() => Rows.Value;

    private static IReadOnlyList<LabelledCourse> Read()
    {
        using var stream = typeof(LabelledSet).Assembly.GetManifestResourceStream("CourseMatch.Tagging.labelled-courses.csv")
            ?? throw new InvalidOperationException("The labelled courses are not embedded in CourseMatch.Core.");
        using var file = new StreamReader(stream);
        using var csv = CsvReader.FromText(file.ReadToEnd(), new CsvReaderOptions { HasHeader = true, SkipEmptyLines = true });
        var column = csv.Headers.Select((h, i) => (h, i)).ToDictionary(c => c.h.Trim(), c => c.i, StringComparer.Ordinal);
        string? Cell(string name) => csv.GetString(column[name]) is { Length: > 0 } v ? v : null;
        var result = new List<LabelledCourse>();
        while (csv.Read())
        {
            var id = Cell("id") ?? throw new FormatException($"line {csv.LineNumber}: no id.");
            var labels = new SkillLevels(SkillLevels.ParseList(Cell("skills")), SkillLevels.ParseList(Cell("prerequisites")));
            if (labels.IsOutside != (Cell("outside") == "true")) throw new FormatException($"{id}: outside is {Cell("outside")} but it lists {labels.Taught.Count} skills taught.");
            var text = new TaggingText(Cell("title") ?? "", Cell("provider"), Cell("kind"), Cell("level"), null, Cell("description"));
            result.Add(new LabelledCourse(id, text, labels, LabelOrigin.LabelledSet, int.Parse(Cell("fold") ?? "", CultureInfo.InvariantCulture), Cell("source")));
        }
        return result;
    }
}
