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
    /// passing every filter is a match, counted in every facet and offered to the page; one failing exactly one filter is
    /// counted only in that filter's facet (disjunctive facets: a facet's counts are those of the matches without its own
    /// filter).
    /// </summary>
    internal static Result Search(Prepared prepared, CatalogQuery query)
    {
        var s = prepared.State;
        var filters = new Filters(query, s.Names);
        var counts = new Counts(s.Names);
        var offset = (query.Page - 1) * query.PageSize;
        var top = new Top(offset + query.PageSize, query.Sort, prepared.Words is { Length: > 0 }, s);
        var total = 0;

        foreach (var (segment, gone, segmentBit) in new[] { (s.Main, s.MainGone, 0L), (s.Patched, (bool[]?)null, 1L << 32) })
        {
            var languageOk = filters.Languages(segment);
            var languageCounts = new int[segment.Languages.Count];
            // The loops are written out, not an iterator: at a million courses every call per course shows.
            if (prepared.Words is null)
            {
                for (var i = 0; i < segment.Count; i++)
                    if (gone is null || !gone[i]) Visit(segment, i, 0f);
            }
            else if (Postings(segment, prepared.Words) is { } lists)
            {
                var (first, firstWeights) = lists[0];
                var cursor = new int[lists.Count];
                for (var k = 0; k < first.Length; k++)
                {
                    var i = first[k];
                    var score = WeightScore[firstWeights[k]];
                    var all = true;
                    for (var l = 1; l < lists.Count && all; l++)
                    {
                        // Each list is ascending, so each search starts where the last one ended.
                        var postings = lists[l].Postings;
                        var at = Array.BinarySearch(postings, cursor[l], postings.Length - cursor[l], i);
                        if (at >= 0) { cursor[l] = at; score += WeightScore[lists[l].Weights[at]]; }
                        else { cursor[l] = ~at; all = false; }
                    }
                    if (all && (gone is null || !gone[i])) Visit(segment, i, score);
                }
            }
            counts.AddLanguages(segment, languageCounts);

            void Visit(Segment segment, int i, float score)
            {
                var fails = filters.Any ? filters.Failing(segment, i, languageOk) : 0;
                if (fails == 0)
                {
                    total++;
                    counts.AddAll(segment, i, languageCounts);
                    top.Offer(segmentBit | (uint)i, score);
                }
                else if ((fails & (fails - 1)) == 0) // failing exactly one filter
                    counts.Add(segment, i, BitOperations.TrailingZeroCount(fails), languageCounts);
            }
        }

        var page = top.InOrder().Skip(offset).Select(top.Id).ToArray();
        return new Result(total, counts.Rows(), page);
    }

    /// <summary>The posting lists of every word, shortest first; null when a word is not in the segment (nothing matches).</summary>
    private static List<(int[] Postings, byte[] Weights)>? Postings(Segment segment, string[] words)
    {
        if (words.Length == 0) return null;
        var lists = new List<(int[] Postings, byte[] Weights)>();
        foreach (var word in words)
        {
            if (!segment.Terms.TryGetValue(word, out var t)) return null;
            lists.Add((segment.Postings[t], segment.Weights[t]));
        }
        lists.Sort((a, b) => a.Postings.Length.CompareTo(b.Postings.Length));
        return lists;
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

        public bool Any => format is not null || level is not null || pacing is not null || priceBand is not null || duration is not null
                           || skill is not null || provider is not null || priceMask != 0 || languages is not null;

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

        /// <summary>A match: counted in every facet (what <see cref="Add"/> does for each, written out for speed).</summary>
        public void AddAll(Segment s, int i, int[] languageCounts)
        {
            format[s.Format[i]]++;
            var flags = s.PriceFlags[i];
            price[0] += flags & 1;
            price[1] += flags >> 1;
            if (s.PriceBand[i] is var b && b != Segment.None) priceBand[b]++;
            if (s.DurationBand[i] is var d && d != Segment.None) duration[d]++;
            level[s.Level[i]]++;
            for (var k = s.SkillStart[i]; k < s.SkillStart[i + 1]; k++)
                if (s.Skills[k] < skill.Length) skill[s.Skills[k]]++;
            if (s.Provider[i] < provider.Length) provider[s.Provider[i]]++;
            languageCounts[s.Language[i]]++;
            pacing[s.Pacing[i]]++;
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

    /// <summary>
    /// The first k matches in the sort's order (the SQL search's keys and tie-breaks): a bounded heap whose root is the
    /// worst kept, so most matches cost one comparison of a precomputed primary key. A match is (segment in bit 32, position).
    /// </summary>
    private sealed class Top(int k, CatalogSort sort, bool hasWords, State state) : IComparer<(double Primary, long Match)>
    {
        // A max-heap on the order: the comparer is reversed.
        private readonly PriorityQueue<long, (double Primary, long Match)> heap =
            new(Math.Min(k, 4096) + 1, Comparer<(double Primary, long Match)>.Create((a, b) => Compare(sort, state, b, a)));

        public int Id(long match) => Segment(state, match).Ids[(int)match];

        public void Offer(long match, float score)
        {
            var key = (Primary(match, score), match);
            if (heap.Count < k) heap.Enqueue(match, key);
            else if (heap.TryPeek(out _, out var worst) && key.Item1 <= worst.Primary && Compare(sort, state, key, worst) < 0)
                heap.EnqueueDequeue(match, key);
        }

        public IEnumerable<long> InOrder()
        {
            var kept = new List<(double Primary, long Match)>(heap.Count);
            while (heap.TryDequeue(out _, out var key)) kept.Add(key);
            kept.Sort(this);
            return kept.Select(x => x.Match);
        }

        int IComparer<(double Primary, long Match)>.Compare((double Primary, long Match) a, (double Primary, long Match) b) => Compare(sort, state, a, b);

        private static Segment Segment(State state, long match) => (match >> 32) == 0 ? state.Main : state.Patched;

        /// <summary>The first sort key as a number where lower comes first (unknown values last); ties go on in <see cref="Compare"/>.</summary>
        private double Primary(long match, float score)
        {
            var s = Segment(state, match);
            var i = (int)match;
            return sort switch
            {
                // The relevance in tenths (sums of 0.1, 0.2, 0.4 and 1.0), then the number of ratings: exact in a double.
                CatalogSort.Relevance when hasWords => -(Math.Round(score * 10.0) * 4294967296.0 + s.RatingCount[i]),
                CatalogSort.Relevance => -s.RatingCount[i],
                CatalogSort.Price => double.IsNaN(s.Price[i]) ? double.PositiveInfinity : s.Price[i],
                CatalogSort.PriceDesc => double.IsNaN(s.Price[i]) ? double.PositiveInfinity : -s.Price[i],
                CatalogSort.Duration => double.IsNaN(s.Effort[i]) ? double.PositiveInfinity : s.Effort[i],
                CatalogSort.Rating => double.IsNaN(s.RatingScore[i]) ? double.PositiveInfinity : -s.RatingScore[i],
                _ => -(double)s.CreatedAt[i],
            };
        }

        private static int Compare(CatalogSort sort, State state, (double Primary, long Match) a, (double Primary, long Match) b)
        {
            var c = a.Primary.CompareTo(b.Primary);
            if (c != 0 || a.Match == b.Match) return c;
            var (sa, ia) = (Segment(state, a.Match), (int)a.Match);
            var (sb, ib) = (Segment(state, b.Match), (int)b.Match);
            c = sort switch
            {
                CatalogSort.Rating => sb.RatingCount[ib].CompareTo(sa.RatingCount[ia]),
                CatalogSort.Newest => sb.CreatedAt[ib].CompareTo(sa.CreatedAt[ia]), // the primary key is rounded
                _ => 0,
            };
            if (c != 0) return c;
            var (ida, idb) = (sa.Ids[ia], sb.Ids[ib]);
            return sort == CatalogSort.Newest ? idb.CompareTo(ida) : ida.CompareTo(idb);
        }
    }
}
