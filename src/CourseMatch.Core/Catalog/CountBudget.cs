namespace CourseMatch.Catalog;

/// <summary>
/// How far catalog counts are exact. A set of matches up to <paramref name="Exact"/> courses is counted course by course;
/// a larger one is estimated from a block sample of about <paramref name="SampleRows"/> rows of the table.
/// </summary>
/// <remarks>
/// Counting costs a visit to every matching course's row (about 2 µs each on the benchmark machine), so the budget bounds a
/// search's cost; the sample bounds an estimate's. At 1M courses 30,000 rows is 3% of the table: a search over the budget
/// matches at least 5% of it, so at least 1,500 sampled rows match, and the estimate's error is a few percent.
/// See docs/decisions/0015-true-counts-and-disjunctive-facets.md.
/// </remarks>
public sealed record CountBudget(int Exact = 50_000, int SampleRows = 30_000);
