using NpgsqlTypes;

namespace CourseMatch.Catalog;

public sealed partial class CatalogIndex
{
    /// <summary>A published course as the index reads it: what search filters, counts and sorts on, and its words.</summary>
    internal sealed record IndexedCourse(
        int Id, CourseFormat Format, CourseLevel Level, Pacing Pacing, decimal? Price, bool PaidUnlisted, decimal? EffortHours,
        string Language, int ProviderId, decimal? Rating, int RatingCount, DateTimeOffset CreatedAt, int[] SkillIds,
        NpgsqlTsVector Words);

    /// <summary>
    /// A set of courses in columns, ordered by id, with an inverted index of their words: the whole catalog at load, or
    /// the few courses written since (rebuilt on each write). Never changed after it is built, so searches read it
    /// without locks.
    /// </summary>
    internal sealed class Segment
    {
        public const byte None = byte.MaxValue;

        public int Count;
        public int[] Ids = [];
        public byte[] Format = [], Level = [], Pacing = [], PriceBand = [], DurationBand = [];
        /// <summary>Bit 0: free (price 0); bit 1: paid (a price above 0, or paid with the price not listed).</summary>
        public byte[] PriceFlags = [];
        public ushort[] Language = [];
        public List<string> Languages = [];
        public int[] Provider = [];
        /// <summary>Course i teaches Skills[SkillStart[i]..SkillStart[i+1]] (skill ids).</summary>
        public int[] SkillStart = [0], Skills = [];
        /// <summary>Sort keys; NaN where the course has none (sorted last, as NULLS LAST).</summary>
        public double[] Price = [], Effort = [], RatingScore = [];
        public int[] RatingCount = [];
        public long[] CreatedAt = [];
        /// <summary>Word (a PostgreSQL lexeme, stemmed as the course's search_vector holds it) → its postings.</summary>
        public Dictionary<string, int> Terms = new(StringComparer.Ordinal);
        /// <summary>Per term: the courses holding it (ascending positions in this segment) and the best weight it has there.</summary>
        public int[][] Postings = [];
        public byte[][] Weights = [];

        /// <summary>Where course <paramref name="id"/> is in this segment, or −1.</summary>
        public int Find(int id) => Array.BinarySearch(Ids, 0, Count, id) is var i and >= 0 ? i : -1;

        public int SkillCount(int i) => SkillStart[i + 1] - SkillStart[i];
    }

    /// <summary>Builds a <see cref="Segment"/> one course at a time, in id order.</summary>
    internal sealed class SegmentBuilder(int capacity)
    {
        private readonly List<int> ids = new(capacity);
        private readonly List<byte> format = new(capacity), level = new(capacity), pacing = new(capacity),
            priceBand = new(capacity), durationBand = new(capacity), priceFlags = new(capacity);
        private readonly List<ushort> language = new(capacity);
        private readonly Dictionary<string, ushort> languages = new(StringComparer.Ordinal);
        private readonly List<int> provider = new(capacity), skillStart = new(capacity + 1) { 0 }, skills = new(capacity * 3);
        private readonly List<double> price = new(capacity), effort = new(capacity), ratingScore = new(capacity);
        private readonly List<int> ratingCount = new(capacity);
        private readonly List<long> createdAt = new(capacity);
        private readonly Dictionary<string, int> terms = new(StringComparer.Ordinal);
        private readonly List<List<int>> postings = [];
        private readonly List<List<byte>> weights = [];

        public void Add(IndexedCourse c)
        {
            var i = ids.Count;
            ids.Add(c.Id);
            format.Add((byte)c.Format);
            level.Add((byte)c.Level);
            pacing.Add((byte)c.Pacing);
            priceBand.Add(BandOf(Bands.Price, c.Price));
            durationBand.Add(BandOf(Bands.Duration, c.EffortHours));
            priceFlags.Add((byte)((c.Price == 0 ? 1 : 0) | (c.Price > 0 || c.PaidUnlisted ? 2 : 0)));
            if (!languages.TryGetValue(c.Language, out var lang)) languages[c.Language] = lang = (ushort)languages.Count;
            language.Add(lang);
            provider.Add(c.ProviderId);
            skills.AddRange(c.SkillIds);
            skillStart.Add(skills.Count);
            price.Add(c.Price is { } p ? (double)p : double.NaN);
            effort.Add(c.EffortHours is { } e ? (double)e : double.NaN);
            ratingScore.Add(c.Rating is { } r ? (double)((r * c.RatingCount + RatingPrior.Mean * RatingPrior.Weight) / (c.RatingCount + RatingPrior.Weight)) : double.NaN);
            ratingCount.Add(c.RatingCount);
            createdAt.Add(c.CreatedAt.UtcTicks);
            foreach (var lexeme in c.Words)
            {
                if (!terms.TryGetValue(lexeme.Text, out var t))
                {
                    terms[lexeme.Text] = t = postings.Count;
                    postings.Add([]);
                    weights.Add([]);
                }
                var best = NpgsqlTsVector.Lexeme.Weight.D;
                for (var k = 0; k < lexeme.Count; k++)
                    if (lexeme[k].Weight > best) best = lexeme[k].Weight;
                postings[t].Add(i);
                weights[t].Add((byte)best);
            }
        }

        public Segment Build() => new()
        {
            Count = ids.Count,
            Ids = [.. ids], Format = [.. format], Level = [.. level], Pacing = [.. pacing],
            PriceBand = [.. priceBand], DurationBand = [.. durationBand], PriceFlags = [.. priceFlags],
            Language = [.. language], Languages = languages.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToList(),
            Provider = [.. provider], SkillStart = [.. skillStart], Skills = [.. skills],
            Price = [.. price], Effort = [.. effort], RatingScore = [.. ratingScore], RatingCount = [.. ratingCount], CreatedAt = [.. createdAt],
            Terms = terms,
            Postings = postings.Select(p => p.ToArray()).ToArray(),
            Weights = weights.Select(w => w.ToArray()).ToArray(),
        };

        /// <summary>The band holding <paramref name="value"/>, with the same bounds as the SQL conditions (from inclusive, below exclusive).</summary>
        private static byte BandOf<T>(IReadOnlyList<Band<T>> bands, decimal? value) where T : struct, Enum
        {
            if (value is not { } v) return Segment.None;
            for (var b = 0; b < bands.Count; b++)
                if ((bands[b].From is not { } from || v >= from) && (bands[b].Below is not { } below || v < below)) return (byte)b;
            return Segment.None;
        }
    }
}
