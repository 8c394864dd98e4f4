namespace CourseMatch.Catalog;

/// <summary>
/// How far the SQL search's counts are exact (the catalog index counts everything; this is its fallback, ADR 0018). A set
/// of matches up to <paramref name="Exact"/> courses is counted course by course; a larger one is estimated from a row
/// sample (BERNOULLI) of about <paramref name="SampleRows"/> rows of the table.
/// </summary>
/// <remarks>
/// Counting costs a visit to every matching course's row (about 2 µs each on the benchmark machine), so the budget bounds a
/// search's cost; the sample bounds an estimate's. At 1M courses 150,000 rows is 15% of the table: a facet value holding
/// 7% of 300,000 matches is then seen about 3,000 times, a relative error near 2%, where 30,000 rows (the first choice)
/// and a block sample (SYSTEM, whose stored neighbours are alike) left single facet values up to 11% off. A row sample
/// reads every block of the table: the slow path, taken only while a large catalog's index loads and for phrase, `or` and
/// `-word` searches.
/// See docs/decisions/0015-true-counts-and-disjunctive-facets.md.
/// </remarks>
public sealed record CountBudget(int Exact = 50_000, int SampleRows = 150_000);
