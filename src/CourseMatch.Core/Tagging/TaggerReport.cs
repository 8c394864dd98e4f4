using System.Globalization;
using System.Text;

namespace CourseMatch.Tagging;

/// <summary>A tagger evaluation as a Markdown table: the CLI prints it, the README and the closing notes quote it.</summary>
public static class TaggerReport
{
    public static string Table(TaggerEvaluation e)
    {
        static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.AppendLine($"Held-out labelled courses: {e.HeldOut}; trained on {e.TrainingCourses} ({string.Join(", ", e.TrainingBySource.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}).");
        s.AppendLine();
        s.AppendLine("| tagger | micro-F1 | macro-F1 | precision | recall | level accuracy | level MAE | prerequisites F1 | outside F1 | threshold | precision at threshold | courses at threshold |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var t in new[] { e.Model, e.Baseline })
            s.AppendLine($"| {t.Tagger} | {F(t.MicroF1)} | {F(t.MacroF1)} | {F(t.Precision)} | {F(t.Recall)} | {F(t.LevelAccuracy)} | {F(t.LevelMae)} | {F(t.RequiredF1)} | {F(t.OutsideF1)} | {(t.Threshold > 1 ? "never" : F(t.Threshold))} | {F(t.PrecisionAtThreshold)} | {t.CoverageAtThreshold:P0} |");
        s.AppendLine();
        s.AppendLine("| skill | courses | F1 tagger | F1 baseline | level accuracy tagger | baseline | level MAE tagger | baseline |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (m, b) in e.Model.PerSkill.Zip(e.Baseline.PerSkill))
            s.AppendLine($"| {m.Skill} | {m.Support} | {F(m.F1)} | {F(b.F1)} | {(m.LevelAccuracy is { } a ? F(a) : "–")} | {(b.LevelAccuracy is { } ba ? F(ba) : "–")} | {(m.LevelMae is { } x ? F(x) : "–")} | {(b.LevelMae is { } bx ? F(bx) : "–")} |");
        return s.ToString();
    }
}
