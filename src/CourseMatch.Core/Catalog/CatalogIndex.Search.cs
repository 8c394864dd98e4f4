using System.Numerics;

namespace CourseMatch.Catalog;

public sealed partial class CatalogIndex
{
    /// <summary>Every match counted and ordered: the total, the facet rows (as the SQL search returns them) and the page's course ids in order.</summary>
    internal sealed record Result(int Total, List<RawFacet> Facets, int[] PageIds);

    // Facets by their place in CatalogSearch.FacetNames.
    private const int FormatF = 0, PriceF = 1, PriceBandF = 2, DurationF = 3, LevelF = 4, SkillF = 5, ProviderF = 6, LanguageF = 7, PacingF = 8;

    /// <summary>ts_rank's default weights of D, C, B and A: a title word (A) counts ten times a description word (D).</summary>
    private static readonly float[] WeightScore = [0.1f, 0.2f, 0.4f, 1.0f];

    /// <summary>
    /// Counts and orders every match of <paramref name="query"/>. One pass over the courses matching the words: a course
    /// passing every filter is a match, counted in every facet; one failing exactly one filter is counted only in that
    /// filter's facet (disjunctive facets: a facet's counts are those of the matches without its own filter).
    /// </summary>
    internal static Result Search(Prepared prepared, CatalogQuery query)
    {
        var s = prepared.State;
        var filters = new Filters(query, s.Names);
        var counts = new Counts(s.Names);
        var matches = new List<long>(); // segment (bit 32) and position
        var scores = new List<float>();

        foreach (var (segment, gone, segmentBit) in new[] { (s.Main, s.MainGone, 0L), (s.Patched, (bool[]?)null, 1L << 32) })
        {
            var languageOk = filters.Languages(segment);
            var languageCounts = new int[segment.Languages.Count];
            foreach (var (i, score) in Candidates(segment, prepared.Words))
            {
                if (gone is not null && gone[i]) continue;
                var fails = filters.Failing(segment, i, languageOk);
                if (fails == 0)
                {
                    matches.Add(segmentBit | (uint)i);
                    scores.Add(score);
                    counts.AddAll(segment, i, languageCounts);
                }
                else if (BitOperations.PopCount((uint)fails) == 1)
                    counts.Add(segment, i, BitOperations.TrailingZeroCount(fails), languageCounts);
            }
            counts.AddLanguages(segment, languageCounts);
        }

        var order = new Order(query.Sort, prepared.Words is { Length: > 0 }, s, matches, scores);
        var offset = (query.Page - 1) * query.PageSize;
        var page = order.Top(offset + query.PageSize).Skip(offset).Select(m => order.Id(matches[m])).ToArray();
        return new Result(matches.Count, counts.Rows(), page);
    }

    /// <summary>The courses of a segment holding every word (all of them without words), with their relevance.</summary>
    private static IEnumerable<(int Position, float Score)> Candidates(Segment segment, string[]? words)
    {
        if (words is null)
        {
            for (var i = 0; i < segment.Count; i++) yield return (i, 0f);
            yield break;
        }
        if (words.Length == 0) yield break;
        var lists = new List<(int[] Postings, byte[] Weights)>();
        foreach (var word in words)
        {
            if (!segment.Terms.TryGetValue(word, out var t)) yield break;
            lists.Add((segment.Postings[t], segment.Weights[t]));
        }
        lists.Sort((a, b) => a.Postings.Length.CompareTo(b.Postings.Length));
        var (first, firstWeights) = lists[0];
        var cursor = new int[lists.Count];
        for (var k = 0; k < first.Length; k++)
        {
            var i = first[k];
            var score = WeightScore[firstWeights[k]];
            var all = true;
            for (var l = 1; l < lists.Count && all; l++)
            {
                var postings = lists[l].Postings;
                // Galloping would be faster on very uneven lists; a binary search from the last place is near enough.
                var at = Array.BinarySearch(postings, cursor[l], postings.Length - cursor[l], i);
                if (at >= 0) { cursor[l] = at; score += WeightScore[lists[l].Weights[at]]; }
                else { cursor[l] = ~at; all = false; if (cursor[l] >= postings.Length) yield break; }
            }
            if (all) yield return (i, score);
        }
    }

    /// <summary>The query's filters as lookups; bit f of <see cref="Failing"/> is set when the course fails facet f's filter.</summary>
    private sealed class Filters
    {
        private readonly bool[]? format, level, pacing, priceBand, duration, skill, provider;
        private readonly int priceMask;
        private readonly HashSet<string>? languages;

        public Filters(CatalogQuery q, Names names)
        {
            static bool[]? Of<T>(IReadOnlyList<T> selected, int size, Func<T, int> index)
            {
                if (selected.Count == 0) return null;
                var ok = new bool[size];
                foreach (var v in selected) if (index(v) is var i and >= 0 && i < size) ok[i] = true;
                return ok;
            }
            format = Of(q.Formats, 256, f => (int)f);
            level = Of(q.Levels, 256, l => (int)l);
            pacing = Of(q.Pacings, 256, p => (int)p);
            priceBand = Of(q.PriceBands, Bands.Price.Count, b => Bands.Order(Bands.Price, Bands.Of(Bands.Price, b).Key));
            duration = Of(q.Durations, Bands.Duration.Count, d => Bands.Order(Bands.Duration, Bands.Of(Bands.Duration, d).Key));
            skill = Of(q.Skills, names.MaxSkillId + 1, slug => names.SkillBySlug.TryGetValue(slug, out var id) ? id : -1);
            provider = Of(q.Providers, names.MaxProviderId + 1, slug => names.ProviderBySlug.TryGetValue(slug, out var id) ? id : -1);
            foreach (var p in q.Prices) priceMask |= p == PriceFilter.Free ? 1 : 2;
            languages = q.Languages.Count > 0 ? q.Languages.ToHashSet(StringComparer.Ordinal) : null;
        }

        public bool[]? Languages(Segment segment) => languages is null ? null : segment.Languages.Select(languages.Contains).ToArray();

        public int Failing(Segment s, int i, bool[]? languageOk)
        {
            var fails = 0;
            if (format is not null && !format[s.Format[i]]) fails |= 1 << FormatF;
            if (priceMask != 0 && (s.PriceFlags[i] & priceMask) == 0) fails |= 1 << PriceF;
            if (priceBand is not null && !(s.PriceBand[i] is var b && b != Segment.None && priceBand[b])) fails |= 1 << PriceBandF;
            if (duration is not null && !(s.DurationBand[i] is var d && d != Segment.None && duration[d])) fails |= 1 << DurationF;
            if (level is not null && !level[s.Level[i]]) fails |= 1 << LevelF;
            if (skill is not null && !TeachesAny(s, i)) fails |= 1 << SkillF;
            if (provider is not null && !(s.Provider[i] is var p && p < provider.Length && provider[p])) fails |= 1 << ProviderF;
            if (languageOk is not null && !languageOk[s.Language[i]]) fails |= 1 << LanguageF;
            if (pacing is not null && !pacing[s.Pacing[i]]) fails |= 1 << PacingF;
            return fails;
        }

        private bool TeachesAny(Segment s, int i)
        {
            for (var k = s.SkillStart[i]; k < s.SkillStart[i + 1]; k++)
                if (s.Skills[k] is var id && id < skill!.Length && skill[id]) return true;
            return false;
        }
    }

    /// <summary>Facet counts, by facet, in arrays indexed by the value's code (enum value, band, provider or skill id).</summary>
    private sealed class Counts(Names names)
    {
        private readonly int[] format = new int[3], price = new int[2], priceBand = new int[Bands.Price.Count],
            duration = new int[Bands.Duration.Count], level = new int[4], pacing = new int[2],
            skill = new int[names.MaxSkillId + 1], provider = new int[names.MaxProviderId + 1];
        private readonly Dictionary<string, int> language = new(StringComparer.Ordinal);

        public void AddAll(Segment s, int i, int[] languageCounts)
        {
            for (var f = 0; f <= PacingF; f++) Add(s, i, f, languageCounts);
        }

        public void Add(Segment s, int i, int facet, int[] languageCounts)
        {
            switch (facet)
            {
                case FormatF: format[s.Format[i]]++; break;
                case PriceF:
                    if ((s.PriceFlags[i] & 1) != 0) price[0]++;
                    if ((s.PriceFlags[i] & 2) != 0) price[1]++;
                    break;
                case PriceBandF: if (s.PriceBand[i] != Segment.None) priceBand[s.PriceBand[i]]++; break;
                case DurationF: if (s.DurationBand[i] != Segment.None) duration[s.DurationBand[i]]++; break;
                case LevelF: level[s.Level[i]]++; break;
                case SkillF:
                    for (var k = s.SkillStart[i]; k < s.SkillStart[i + 1]; k++)
                        if (s.Skills[k] < skill.Length) skill[s.Skills[k]]++;
                    break;
                case ProviderF: if (s.Provider[i] < provider.Length) provider[s.Provider[i]]++; break;
                case LanguageF: languageCounts[s.Language[i]]++; break;
                case PacingF: pacing[s.Pacing[i]]++; break;
            }
        }

        public void AddLanguages(Segment s, int[] languageCounts)
        {
            for (var l = 0; l < languageCounts.Length; l++)
                if (languageCounts[l] > 0) language[s.Languages[l]] = language.GetValueOrDefault(s.Languages[l]) + languageCounts[l];
        }

        /// <summary>Every value with a count, as (facet, value, label, n) rows: enum values by name, bands by key, as CatalogSearch.Facets reads them.</summary>
        public List<RawFacet> Rows()
        {
            var rows = new List<RawFacet>();
            void Enum<T>(string name, int[] n) where T : struct, System.Enum
            {
                foreach (var v in System.Enum.GetValues<T>())
                    if (Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) is var i && i < n.Length && n[i] > 0) rows.Add(new(name, v.ToString(), "", n[i]));
            }
            Enum<CourseFormat>("format", format);
            if (price[0] > 0) rows.Add(new("price", nameof(PriceFilter.Free), "", price[0]));
            if (price[1] > 0) rows.Add(new("price", nameof(PriceFilter.Paid), "", price[1]));
            for (var b = 0; b < priceBand.Length; b++) if (priceBand[b] > 0) rows.Add(new("priceBand", Bands.Price[b].Key, "", priceBand[b]));
            for (var b = 0; b < duration.Length; b++) if (duration[b] > 0) rows.Add(new("duration", Bands.Duration[b].Key, "", duration[b]));
            Enum<CourseLevel>("level", level);
            for (var id = 0; id < skill.Length; id++)
                if (skill[id] > 0 && names.Skills.TryGetValue(id, out var sk)) rows.Add(new("skill", sk.Slug, sk.Name, skill[id]));
            for (var id = 0; id < provider.Length; id++)
                if (provider[id] > 0 && names.Providers.TryGetValue(id, out var pr)) rows.Add(new("provider", pr.Slug, pr.Name, provider[id]));
            foreach (var (code, n) in language) rows.Add(new("language", code, "", n));
            Enum<Pacing>("pacing", pacing);
            return rows;
        }
    }

    /// <summary>The sort's order over the matches (indexes into them), the same keys and tie-breaks as the SQL search's ORDER BY.</summary>
    private sealed class Order(CatalogSort sort, bool hasWords, State state, List<long> matches, List<float> scores) : IComparer<int>
    {
        public int Id(long match) => Segment(match).Ids[(int)match];

        private Segment Segment(long match) => (match >> 32) == 0 ? state.Main : state.Patched;

        /// <summary>The first <paramref name="k"/> matches in order: a bounded heap keeps the k best seen, so a page costs one pass.</summary>
        public IEnumerable<int> Top(int k)
        {
            if (k >= matches.Count / 2)
            {
                var all = Enumerable.Range(0, matches.Count).ToArray();
                Array.Sort(all, this);
                return all.Take(k);
            }
            // Max-heap on the order: the root is the worst of the k kept, dropped when a better one comes.
            var heap = new PriorityQueue<int, int>(k + 1, Comparer<int>.Create((a, b) => Compare(b, a)));
            for (var m = 0; m < matches.Count; m++)
            {
                if (heap.Count < k) heap.Enqueue(m, m);
                else if (Compare(m, heap.Peek()) < 0) heap.EnqueueDequeue(m, m);
            }
            var top = new int[heap.Count];
            for (var j = top.Length - 1; j >= 0; j--) top[j] = heap.Dequeue();
            return top;
        }

        public int Compare(int a, int b)
        {
            if (a == b) return 0;
            var (sa, ia) = (Segment(matches[a]), (int)matches[a]);
            var (sb, ib) = (Segment(matches[b]), (int)matches[b]);
            var c = sort switch
            {
                CatalogSort.Relevance when hasWords => Descending(scores[a], scores[b]) is var r && r != 0 ? r : sb.RatingCount[ib].CompareTo(sa.RatingCount[ia]),
                CatalogSort.Relevance => sb.RatingCount[ib].CompareTo(sa.RatingCount[ia]),
                CatalogSort.Price => NullsLast(sa.Price[ia], sb.Price[ib], ascending: true),
                CatalogSort.PriceDesc => NullsLast(sa.Price[ia], sb.Price[ib], ascending: false),
                CatalogSort.Duration => NullsLast(sa.Effort[ia], sb.Effort[ib], ascending: true),
                CatalogSort.Rating => NullsLast(sa.RatingScore[ia], sb.RatingScore[ib], ascending: false) is var r && r != 0 ? r : sb.RatingCount[ib].CompareTo(sa.RatingCount[ia]),
                _ => sb.CreatedAt[ib].CompareTo(sa.CreatedAt[ia]),
            };
            if (c != 0) return c;
            var (ida, idb) = (sa.Ids[ia], sb.Ids[ib]);
            return sort == CatalogSort.Newest ? idb.CompareTo(ida) : ida.CompareTo(idb);
        }

        private static int Descending(float a, float b) => b.CompareTo(a);

        private static int NullsLast(double a, double b, bool ascending) => (double.IsNaN(a), double.IsNaN(b)) switch
        {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            _ => ascending ? a.CompareTo(b) : b.CompareTo(a),
        };
    }
}
