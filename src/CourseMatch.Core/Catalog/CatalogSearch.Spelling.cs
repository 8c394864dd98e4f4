using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace CourseMatch.Catalog;

// Spelling correction: the catalog's vocabulary (search_terms) and the nearest known word for each unknown one.
public sealed partial class CatalogSearch
{
    /// <summary>
    /// Corrects the words the catalog does not know, from its vocabulary (search_terms): two neighbours that make a known
    /// word are joined ("boot camp"), a word that splits into two known words is split ("machinelearning"), and any
    /// other unknown word becomes the known word fewest edits away (letters added, dropped, changed or swapped), the
    /// more frequent on a tie. Returns null when every word is known or nothing could be corrected.
    /// </summary>
    public async Task<string?> CorrectSpellingAsync(string text, CancellationToken ct = default)
    {
        var tokens = WordPattern().Matches(text).Take(12).ToList();
        if (tokens.Count == 0) return null;
        var words = tokens.Select(t => t.Value.ToLowerInvariant()).ToList();
        // Most searches are spelled right: words seen known lately need no trip to the database.
        if (words.All(w => w.Length < 3 || KnownLately(w))) return null;

        // Every form that could be a known word: the words, neighbours joined, and each word's two-part splits.
        var forms = new HashSet<string>(words, StringComparer.Ordinal);
        for (var i = 0; i + 1 < words.Count; i++) forms.Add(words[i] + words[i + 1]);
        foreach (var w in words.Where(w => w.Length >= 6))
            for (var cut = 3; cut <= w.Length - 3; cut++) { forms.Add(w[..cut]); forms.Add(w[cut..]); }
        var known = await KnownAsync(forms, ct);
        foreach (var w in words.Where(known.ContainsKey)) Remember(w);
        var unknown = words.Where(w => w.Length >= 3 && !known.ContainsKey(w)).Distinct().ToArray();
        if (unknown.Length == 0) return null;
        var candidates = await CandidatesAsync(unknown, ct);

        var replacements = new List<(int Start, int End, string With)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var (start, end) = (tokens[i].Index, tokens[i].Index + tokens[i].Length);
            if (i + 1 < tokens.Count && known.ContainsKey(words[i] + words[i + 1])
                && (!known.ContainsKey(words[i]) || !known.ContainsKey(words[i + 1])) && string.IsNullOrWhiteSpace(text[end..tokens[i + 1].Index]))
            {
                replacements.Add((start, tokens[i + 1].Index + tokens[i + 1].Length, words[i] + words[i + 1]));
                i++;
            }
            else if (unknown.Contains(words[i]) && Nearest(words[i], candidates.GetValueOrDefault(words[i]) ?? [], known) is { } fix)
                replacements.Add((start, end, fix));
        }
        if (replacements.Count == 0) return null;

        var output = new StringBuilder();
        var last = 0;
        foreach (var (start, end, with) in replacements)
        {
            output.Append(text, last, start - last).Append(with);
            last = end;
        }
        return output.Append(text, last, text.Length - last).ToString();
    }

    /// <summary>Words found in the vocabulary, and when. Only known words are kept, so a word the vocabulary gains is looked up again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> knownWords = new(StringComparer.Ordinal);
    private static readonly long KnownFor = 5 * 60 * System.Diagnostics.Stopwatch.Frequency;
    private const int KnownWordsKept = 50_000;

    private bool KnownLately(string word) =>
        knownWords.TryGetValue(word, out var at) && System.Diagnostics.Stopwatch.GetTimestamp() - at < KnownFor;

    private void Remember(string word)
    {
        if (knownWords.Count >= KnownWordsKept) knownWords.Clear();
        knownWords[word] = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>The best known word for an unknown one: fewest edits (at most 1 for short words, 2 for longer), then a split into two known words, then the most documents.</summary>
    private static string? Nearest(string word, List<(string Word, long Documents)> candidates, IReadOnlyDictionary<string, long> known)
    {
        var most = word.Length <= 4 ? 1 : 2;
        var best = candidates.Select(c => (c.Word, c.Documents, Edits: Edits(word, c.Word))).Where(c => c.Edits <= most)
            .OrderBy(c => c.Edits).ThenByDescending(c => c.Documents).ThenBy(c => c.Word, StringComparer.Ordinal).FirstOrDefault();
        string? split = null;
        long splitDocuments = 0;
        for (var cut = 3; cut <= word.Length - 3; cut++)
            if (known.TryGetValue(word[..cut], out var a) && known.TryGetValue(word[cut..], out var b) && Math.Min(a, b) > splitDocuments)
                (split, splitDocuments) = ($"{word[..cut]} {word[cut..]}", Math.Min(a, b));
        if (best.Word is not null && best.Edits == 1) return best.Word;
        return split ?? best.Word;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost one.</summary>
    public static int Edits(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    private async Task<Dictionary<string, long>> KnownAsync(IEnumerable<string> forms, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT word, documents FROM search_terms WHERE word = ANY(@forms)");
        cmd.Parameters.Add(new NpgsqlParameter("forms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = forms.ToArray() });
        var known = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) known[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        return known;
    }

    /// <summary>
    /// Known words near each unknown one: close in length and sharing a fifth of their letter triples (a swap near the
    /// start, "ptyhon", shares few). The vocabulary is small (words of published titles and summaries), so it is scanned.
    /// </summary>
    private async Task<Dictionary<string, List<(string Word, long Documents)>>> CandidatesAsync(string[] unknown, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT w, t.word, t.documents
            FROM unnest(@words) AS w
            CROSS JOIN LATERAL (SELECT word, documents FROM search_terms
                                WHERE length(word) BETWEEN length(w) - 2 AND length(w) + 2 AND similarity(word, w) >= 0.2
                                ORDER BY similarity(word, w) DESC LIMIT 40) t
            """);
        cmd.Parameters.Add(new NpgsqlParameter("words", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = unknown });
        var result = new Dictionary<string, List<(string, long)>>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var w = reader.GetString(0);
            if (!result.TryGetValue(w, out var list)) result[w] = list = [];
            list.Add((reader.GetString(1), Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return result;
    }

    /// <summary>Rebuilds the vocabulary used for spelling correction from the published catalog.</summary>
    public static async Task RefreshVocabularyAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            BEGIN;
            DELETE FROM search_terms;
            INSERT INTO search_terms (word, documents)
            SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || search_keywords || ' ' || coalesce(summary, ''))
                                            FROM courses WHERE status = '{nameof(CourseStatus.Published)}'$$)
            WHERE length(word) BETWEEN 3 AND 40 AND word ~ '^[[:alpha:]]+$';
            COMMIT;
            """);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordPattern();
}
