namespace CourseMatch.Tagging;

/// <summary>How one skill fared: support is how many courses teach it, predicted how many the tagger said do.</summary>
public sealed record SkillScore(string Skill, int Support, int Predicted, int Correct, double F1, double? LevelAccuracy, double? LevelMae);

/// <summary>
/// A tagger measured on labelled courses. F1 is of (course, skill taught) pairs: micro over all pairs, macro the mean of
/// the skills'. Levels are compared where the skill was rightly found. At the threshold: the proposals whose confidence
/// reaches it (what auto-apply would write), how many of their decisions are right, and what share of courses they cover.
/// </summary>
public sealed record TaggerScores(string Tagger, int Courses, double MicroF1, double MacroF1, double Precision, double Recall,
    double LevelAccuracy, double LevelMae, double RequiredF1, double OutsideF1, double Threshold, double PrecisionAtThreshold,
    double CoverageAtThreshold, IReadOnlyList<SkillScore> PerSkill);

/// <summary>The trained tagger beside the keyword baseline on the same held-out courses.</summary>
public sealed record TaggerEvaluation(TaggerScores Model, TaggerScores Baseline, int TrainingCourses, IReadOnlyDictionary<LabelOrigin, int> TrainingBySource, int HeldOut)
{
    public bool ModelIsBetter => Model.MicroF1 > Baseline.MicroF1 && Model.MacroF1 > Baseline.MacroF1;
}

public static class TaggerScoring
{
    public const double TargetPrecision = 0.9;

    public static TaggerScores Score(string tagger, IReadOnlyList<TaggerSkill> skills, IReadOnlyList<LabelledCourse> courses,
        IReadOnlyList<Proposal> proposals, double threshold)
    {
        var perSkill = new List<SkillScore>();
        int tp = 0, fp = 0, fn = 0, levelRight = 0, levelCount = 0, levelError = 0;
        foreach (var skill in skills)
        {
            int sTp = 0, sFp = 0, sFn = 0, sRight = 0, sError = 0;
            for (var i = 0; i < courses.Count; i++)
            {
                var truth = courses[i].Labels.Taught.TryGetValue(skill.Slug, out var level) ? level : (int?)null;
                var guess = proposals[i].Taught.FirstOrDefault(t => t.Skill == skill.Slug);
                if (guess is not null && truth is int l)
                {
                    sTp++;
                    if (guess.Level == l) sRight++;
                    sError += Math.Abs(guess.Level - l);
                }
                else if (guess is not null) sFp++;
                else if (truth is not null) sFn++;
            }
            perSkill.Add(new SkillScore(skill.Slug, sTp + sFn, sTp + sFp, sTp, F1(sTp, sFp, sFn),
                sTp == 0 ? null : (double)sRight / sTp, sTp == 0 ? null : (double)sError / sTp));
            (tp, fp, fn, levelRight, levelCount, levelError) = (tp + sTp, fp + sFp, fn + sFn, levelRight + sRight, levelCount + sTp, levelError + sError);
        }

        int rTp = 0, rFp = 0, rFn = 0, oTp = 0, oFp = 0, oFn = 0;
        for (var i = 0; i < courses.Count; i++)
        {
            var truth = courses[i].Labels.Required.Keys.ToHashSet(StringComparer.Ordinal);
            var guess = proposals[i].Required.Select(r => r.Skill).ToHashSet(StringComparer.Ordinal);
            rTp += guess.Count(truth.Contains);
            rFp += guess.Count(g => !truth.Contains(g));
            rFn += truth.Count(t => !guess.Contains(t));
            var outside = courses[i].Labels.IsOutside;
            if (proposals[i].IsOutside && outside) oTp++;
            else if (proposals[i].IsOutside) oFp++;
            else if (outside) oFn++;
        }

        var (precisionAt, coverage) = AtThreshold(courses, proposals, threshold);
        return new TaggerScores(tagger, courses.Count, F1(tp, fp, fn), perSkill.Average(s => s.F1),
            tp + fp == 0 ? 0 : (double)tp / (tp + fp), tp + fn == 0 ? 0 : (double)tp / (tp + fn),
            levelCount == 0 ? 0 : (double)levelRight / levelCount, levelCount == 0 ? 0 : (double)levelError / levelCount,
            F1(rTp, rFp, rFn), F1(oTp, oFp, oFn), threshold, precisionAt, coverage, perSkill);
    }

    /// <summary>
    /// Of the proposals auto-apply would write at this threshold, the share of their decisions that are right (each skill
    /// taught is one; "outside" is one) and the share of courses they cover.
    /// </summary>
    public static (double Precision, double Coverage) AtThreshold(IReadOnlyList<LabelledCourse> courses, IReadOnlyList<Proposal> proposals, double threshold)
    {
        int decisions = 0, right = 0, applied = 0;
        for (var i = 0; i < courses.Count; i++)
        {
            var p = proposals[i];
            if (p.NotEnoughText || p.Confidence < threshold) continue;
            applied++;
            if (p.IsOutside) { decisions++; if (courses[i].Labels.IsOutside) right++; continue; }
            decisions += p.Taught.Count;
            right += p.Taught.Count(t => courses[i].Labels.Taught.ContainsKey(t.Skill));
        }
        return (decisions == 0 ? 1 : (double)right / decisions, courses.Count == 0 ? 0 : (double)applied / courses.Count);
    }

    /// <summary>
    /// The lowest confidence at which the proposals reaching it are right at least <paramref name="precision"/> of the time
    /// (so auto-apply covers as much as it can); above every confidence seen when none is.
    /// </summary>
    public static double ThresholdFor(IReadOnlyList<LabelledCourse> courses, IReadOnlyList<Proposal> proposals, double precision = TargetPrecision)
    {
        var candidates = proposals.Where(p => !p.NotEnoughText).Select(p => Math.Round(p.Confidence, 3)).Distinct().Order().ToList();
        foreach (var t in candidates)
            if (AtThreshold(courses, proposals, t).Precision >= precision) return t;
        return 1.001;
    }

    private static double F1(int tp, int fp, int fn) => tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
}
