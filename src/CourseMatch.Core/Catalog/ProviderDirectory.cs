using System.Security.Cryptography;
using System.Text;
using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Catalog;

/// <summary>
/// Every provider by the names other catalogs write for it: its slug, its name and its aliases (<see cref="ProviderAlias"/>),
/// names compared folded (<see cref="ProviderAlias.Fold"/>). Loaded once per import and never changed after, so a file of
/// any size costs two queries and a lookup is a dictionary read; <see cref="Nearest"/> suggests which existing providers
/// an unknown name most likely means.
/// </summary>
public sealed class ProviderDirectory
{
    /// <summary>How alike a name must be to an existing one to be suggested (0 to 1; see <see cref="Similarity"/>).</summary>
    public const double SuggestFrom = 0.6;

    // Words that tell providers apart by nothing; a leading "the" is already gone in the folded form.
    private static readonly HashSet<string> Filler = ["of", "the", "and", "at", "for", "in", "on", "de", "du", "des", "la", "le", "di", "del", "da", "y", "et", "und", "fur"];

    private readonly (int Id, string Slug, string Name)[] providers;
    private readonly Dictionary<string, int> bySlug = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> byAlias = new(StringComparer.Ordinal);

    // For Nearest: every provider's name and alias prepared once, and indexes so that a query compares itself only with
    // the names that share a word with it, are about as long, or have its initials (not with all of them).
    private readonly Known[] known;
    private readonly string[] vocabulary;
    private readonly Dictionary<string, int> wordIds = new(StringComparer.Ordinal);
    /// <summary>How much a word says about which provider is meant: a rare word much, "university" little. By word id.</summary>
    private readonly double[] weights;
    private readonly double unseenWeight;
    /// <summary>How much of a name's words must match for them to count at all: half of what a word only one provider has weighs.</summary>
    private readonly double distinctive;
    private readonly List<int>[] knownByWord;
    private readonly Dictionary<int, List<int>> knownByLength = [];
    private readonly Dictionary<string, List<int>> knownByInitials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> knownBySingleWord = new(StringComparer.Ordinal);

    /// <summary>
    /// A folded name ready to compare: without spaces, its words (filler dropped) with their ids (-1 for a word no stored
    /// name has) and weights, and its initials.
    /// </summary>
    private sealed class Known(int provider, string folded, string[] words, int[] ids, double[] weights)
    {
        public int Provider { get; } = provider;
        public string Squashed { get; } = folded.Replace(" ", "");
        public string[] Words { get; } = words;
        public int[] Ids { get; } = ids;
        public double[] Weights { get; } = weights;
        public double Total { get; } = weights.Sum();
        public string Initials { get; } = words.Length < 2 ? "" : string.Concat(words.Select(w => w[0]));
    }

    private ProviderDirectory(IEnumerable<(int Id, string Slug, string Name)> all, IEnumerable<(string Alias, int ProviderId)> aliases)
    {
        // Oldest first, so when two providers share a folded name (the schema allows it) the older one answers, every time.
        providers = [.. all.OrderBy(p => p.Id)];
        var index = new Dictionary<int, int>();
        var names = new List<(int Provider, string Folded)>();
        for (var i = 0; i < providers.Length; i++)
        {
            var (id, slug, name) = providers[i];
            index[id] = i;
            bySlug.TryAdd(slug, i);
            var folded = ProviderAlias.Fold(name);
            byName.TryAdd(folded, i);
            names.Add((i, folded));
        }
        foreach (var (alias, providerId) in aliases.OrderBy(a => a.Alias, StringComparer.Ordinal))
        {
            if (!index.TryGetValue(providerId, out var i)) continue;
            byAlias.TryAdd(alias, i);
            names.Add((i, alias));
        }
        names.RemoveAll(n => n.Folded.Length == 0);

        // Document frequency over providers: a word in a provider's name and in its alias counts once.
        var seen = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var (provider, folded) in names)
            foreach (var w in Words(folded))
                (seen.TryGetValue(w, out var set) ? set : seen[w] = []).Add(provider);
        vocabulary = [.. seen.Keys.Order(StringComparer.Ordinal)];
        for (var i = 0; i < vocabulary.Length; i++) wordIds[vocabulary[i]] = i;
        var n = Math.Max(1, providers.Length);
        weights = [.. vocabulary.Select(w => Math.Log(1 + (double)n / seen[w].Count))];
        unseenWeight = Math.Log(1 + n);
        distinctive = unseenWeight / 2;

        known = [.. names.Select(x => Prepare(x.Provider, x.Folded))];
        knownByWord = [.. vocabulary.Select(_ => new List<int>())];
        for (var k = 0; k < known.Length; k++)
        {
            foreach (var id in known[k].Ids.Distinct()) knownByWord[id].Add(k);
            Index(knownByLength, known[k].Squashed.Length, k);
            if (known[k].Initials.Length > 0) Index(knownByInitials, known[k].Initials, k);
            if (known[k].Words.Length == 1) Index(knownBySingleWord, known[k].Words[0], k);
        }
    }

    private static void Index<TKey>(Dictionary<TKey, List<int>> index, TKey key, int k) where TKey : notnull =>
        (index.TryGetValue(key, out var list) ? list : index[key] = []).Add(k);

    public static async Task<ProviderDirectory> LoadAsync(CourseMatchDb db, CancellationToken ct = default)
    {
        var all = await db.Providers.AsNoTracking().Select(p => new { p.Id, p.Slug, p.Name }).ToListAsync(ct);
        var aliases = await db.ProviderAliases.AsNoTracking().Select(a => new { a.Alias, a.ProviderId }).ToListAsync(ct);
        return new(all.Select(p => (p.Id, p.Slug, p.Name)), aliases.Select(a => (a.Alias, a.ProviderId)));
    }

    /// <summary>A directory of the given providers and aliases (folded, as stored), without a database.</summary>
    public static ProviderDirectory From(IEnumerable<(int Id, string Slug, string Name)> providers, IEnumerable<(string Alias, int ProviderId)>? aliases = null) =>
        new(providers, aliases ?? []);

    public int Count => providers.Length;

    /// <summary>
    /// The provider <paramref name="text"/> names: the one with that slug (exactly), else the one whose name folds to the
    /// same text, else the one with that alias.
    /// </summary>
    public bool TryFind(string text, out (int Id, string Slug, string Name) provider)
    {
        provider = default;
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return false;
        if (bySlug.TryGetValue(trimmed, out var i)) { provider = providers[i]; return true; }
        var folded = ProviderAlias.Fold(trimmed);
        if (byName.TryGetValue(folded, out i) || byAlias.TryGetValue(folded, out i)) { provider = providers[i]; return true; }
        return false;
    }

    /// <summary>
    /// The names of the existing providers most like <paramref name="text"/>, most alike first, only those at least
    /// <see cref="SuggestFrom"/> alike ("The Univ. of Michigan" → "University of Michigan"; "MIT" → a provider named
    /// "Massachusetts Institute of Technology"); empty when nothing is close.
    /// </summary>
    public IReadOnlyList<string> Nearest(string text, int max = 3) => [.. Scored(text).Take(Math.Max(0, max)).Select(s => s.Name)];

    /// <summary>Every provider at least <see cref="SuggestFrom"/> like <paramref name="text"/>, with how alike, most alike first.</summary>
    public IEnumerable<(string Name, double Score)> Scored(string text)
    {
        var folded = ProviderAlias.Fold(text);
        if (folded.Length == 0) return [];
        var query = Prepare(-1, folded);

        // How well each word of the query matches each stored word it matches at all, found once per query; and the
        // stored names that could be alike at all.
        var candidates = new HashSet<int>();
        var matches = new Dictionary<int, double>[query.Words.Length];
        for (var i = 0; i < query.Words.Length; i++)
        {
            matches[i] = [];
            for (var id = 0; id < vocabulary.Length; id++)
            {
                var m = WordMatch(query.Words[i], vocabulary[id]);
                if (m == 0) continue;
                matches[i][id] = m;
                candidates.UnionWith(knownByWord[id]);
            }
        }
        for (var length = query.Squashed.Length - 2; length <= query.Squashed.Length + 2; length++)
            if (knownByLength.TryGetValue(length, out var sameLength)) candidates.UnionWith(sameLength);
        if (query.Words.Length == 1 && knownByInitials.TryGetValue(query.Words[0], out var byInitials)) candidates.UnionWith(byInitials);
        if (query.Initials.Length > 0 && knownBySingleWord.TryGetValue(query.Initials, out var bySingle)) candidates.UnionWith(bySingle);

        var best = new Dictionary<int, double>();
        foreach (var c in candidates)
        {
            var k = known[c];
            var score = Similarity(query, k, matches);
            if (score >= SuggestFrom && (!best.TryGetValue(k.Provider, out var had) || score > had)) best[k.Provider] = score;
        }
        return best.OrderByDescending(b => b.Value).ThenBy(b => providers[b.Key].Name, StringComparer.Ordinal)
            .Select(b => (providers[b.Key].Name, b.Value)).DistinctBy(b => b.Name);
    }

    private Known Prepare(int provider, string folded)
    {
        var words = Words(folded);
        var ids = words.Select(w => wordIds.TryGetValue(w, out var id) ? id : -1).ToArray();
        return new Known(provider, folded, words, ids, [.. ids.Select(id => id < 0 ? unseenWeight : weights[id])]);
    }

    private static string[] Words(string folded)
    {
        var all = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = all.Where(w => !Filler.Contains(w)).ToArray();
        return kept.Length > 0 ? kept : all;
    }

    /// <summary>
    /// How alike two folded names are, from 0 to 1: the best of (a) their words, weighted by rarity, matched exactly, as
    /// abbreviations ("univ" ~ "university") or with a typo, averaged over the share of each name that matched, once a
    /// telling word is among them; (b) the whole names without spaces, within an edit or two ("deep learning ai" ~
    /// "deeplearning ai"); (c) one name is the other's initials ("mit" ~ "massachusetts institute technology").
    /// </summary>
    /// <param name="matches">Per word of <paramref name="q"/>: stored word id → <see cref="WordMatch"/>.</param>
    private double Similarity(Known q, Known k, Dictionary<int, double>[] matches)
    {
        if (q.Squashed == k.Squashed) return 1;
        var score = 0.0;

        // (c) initials, either way round.
        if ((q.Words.Length == 1 && q.Words[0] == k.Initials) || (k.Words.Length == 1 && k.Words[0] == q.Initials)) score = 0.85;

        // (b) the same letters but for an edit or two (never on short names, where one edit makes another name).
        var longest = Math.Max(q.Squashed.Length, k.Squashed.Length);
        if (longest >= 8 && Edits(q.Squashed, k.Squashed, longest >= 16 ? 2 : 1) is { } d) score = Math.Max(score, 1 - (double)d / longest);

        // (a) the words, each stored word matched at most once.
        Span<bool> used = stackalloc bool[Math.Min(k.Words.Length, 64)];
        double matched = 0, queryTotal = 0;
        for (var i = 0; i < q.Words.Length; i++)
        {
            var (at, quality) = (-1, 0.0);
            for (var j = 0; j < used.Length && quality < 1; j++)
                if (!used[j] && matches[i].TryGetValue(k.Ids[j], out var m) && m > quality) (at, quality) = (j, m);
            if (at < 0) { queryTotal += q.Weights[i]; continue; }
            used[at] = true;
            // A matched pair weighs what the stored word weighs, on both sides, so a perfect match scores 1.
            queryTotal += k.Weights[at];
            matched += k.Weights[at] * quality;
        }
        // Only when a telling word matched: "University" alone is not like every university.
        if (matched >= distinctive) score = Math.Max(score, (matched / queryTotal + matched / k.Total) / 2);
        return score;
    }

    /// <summary>
    /// 1 for the same word; 0.9 for a typo ("michgan"); for one word that begins the other ("univ", "harvardx") from 0.5
    /// to 0.9 by how much of the longer it covers, since the rest may be a word of its own ("openintro"); else 0.
    /// </summary>
    private static double WordMatch(string a, string b)
    {
        if (a == b) return 1;
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        if (shorter.Length >= 4 && longer.StartsWith(shorter, StringComparison.Ordinal)) return 0.5 + 0.4 * shorter.Length / longer.Length;
        if (shorter.Length >= 5 && Edits(a, b, longer.Length >= 8 ? 2 : 1) is not null) return 0.9;
        return 0;
    }

    /// <summary>
    /// The edit distance of a and b (insertions, deletions, substitutions and swaps of neighbours: "kahn" → "khan" is
    /// one) if it is at most <paramref name="limit"/>, else null. Only the cells within the limit of the diagonal are
    /// computed, and it stops as soon as a whole row is over the limit, so unlike names cost a few steps.
    /// </summary>
    private static int? Edits(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit) return null;
        var n = b.Length;
        var over = limit + 1;
        Span<int> rows = n < 300 ? stackalloc int[3 * (n + 1)] : new int[3 * (n + 1)];
        var before = rows[..(n + 1)];
        var previous = rows.Slice(n + 1, n + 1);
        var current = rows.Slice(2 * (n + 1), n + 1);
        for (var j = 0; j <= n; j++) previous[j] = Math.Min(j, over);
        for (var i = 1; i <= a.Length; i++)
        {
            int lo = Math.Max(1, i - limit), hi = Math.Min(n, i + limit);
            current[lo - 1] = lo == 1 ? Math.Min(i, over) : over;
            var rowBest = current[lo - 1];
            for (var j = lo; j <= hi; j++)
            {
                var v = Math.Min(previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), Math.Min(current[j - 1], previous[j]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, before[j - 2] + 1);
                current[j] = Math.Min(v, over);
                rowBest = Math.Min(rowBest, current[j]);
            }
            if (hi < n) current[hi + 1] = over;
            if (rowBest > limit) return null;
            var spare = before;
            before = previous;
            previous = current;
            current = spare;
        }
        return previous[n] <= limit ? previous[n] : null;
    }

    /// <summary>
    /// A slug for a new provider made from its name by the slug rule (<see cref="Slugs.From"/>, cut to
    /// <see cref="Limits.ReferenceSlug"/>). A name with no Latin letter or digit ("清华大学") gets "provider-" and a short
    /// hash of the name, so the same name always gives the same slug. Whether it is free is the caller's to check.
    /// </summary>
    public static string SlugFor(string name)
    {
        var slug = Slugs.From(name, Limits.ReferenceSlug);
        if (slug.Length > 0) return slug;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name.Trim()));
        return "provider-" + Convert.ToHexStringLower(hash)[..8];
    }

    /// <summary>
    /// What kind of provider a name most likely is, for one an import creates (an admin can change it): "bootcamp" → a
    /// bootcamp; "press", "publishing" → a publisher (before universities: "Cambridge University Press" is a publisher);
    /// university, college, institute, school, polytechnic → a university; "foundation" → a nonprofit; anything else a
    /// platform. "Academy" says nothing either way (Khan Academy is a nonprofit, many academies are bootcamps).
    /// </summary>
    public static ProviderKind GuessKind(string name)
    {
        // Accents dropped, so "Université" and "Universität" read as "universite" and "universitat".
        var words = Slugs.From(name, Limits.ProviderName).Split('-', StringSplitOptions.RemoveEmptyEntries);
        bool Any(params string[] stems) => words.Any(w => stems.Any(s => w.StartsWith(s, StringComparison.Ordinal)));
        if (Any("bootcamp") || name.Contains("boot camp", StringComparison.OrdinalIgnoreCase)) return ProviderKind.Bootcamp;
        if (Any("press", "publish", "publications", "verlag")) return ProviderKind.Publisher;
        if (Any("univ", "college", "institut", "school", "polytechn", "hochschule", "ecole", "escuela", "politecnic")) return ProviderKind.University;
        if (Any("foundation", "nonprofit")) return ProviderKind.Nonprofit;
        return ProviderKind.Platform;
    }
}
