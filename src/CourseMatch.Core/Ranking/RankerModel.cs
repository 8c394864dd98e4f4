using CourseMatch.Recommendations;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace CourseMatch.Ranking;

/// <summary>
/// A trained ranker, ready to score. <see cref="Score"/> is safe to call from many threads: each call borrows a
/// <see cref="PredictionEngine{TSrc,TDst}"/> (not thread-safe itself) from a pool and returns it.
/// The model's saved input schema is one column, Features, a vector of <see cref="FeatureVector.Count"/> floats.
/// </summary>
public sealed class RankerModel
{
    public sealed class Input
    {
        [VectorType(FeatureVector.Count)] public float[] Features { get; set; } = [];
    }

    public sealed class Output
    {
        public float Score { get; set; }
    }

    private readonly MLContext ml;
    private readonly ObjectPool<PredictionEngine<Input, Output>> engines;

    public ITransformer Transformer { get; }
    public DataViewSchema InputSchema { get; }

    internal RankerModel(MLContext ml, ITransformer transformer)
    {
        this.ml = ml;
        Transformer = transformer;
        InputSchema = ml.Data.LoadFromEnumerable(Array.Empty<Input>()).Schema;
        engines = new DefaultObjectPool<PredictionEngine<Input, Output>>(new EnginePolicy(ml, transformer), Environment.ProcessorCount * 2);
    }

    /// <summary>One score per feature vector; higher ranks first.</summary>
    public float[] Score(IReadOnlyList<float[]> rows)
    {
        var scores = new float[rows.Count];
        if (rows.Count == 0) return scores;
        var engine = engines.Get();
        try
        {
            var input = new Input();
            var output = new Output();
            for (var i = 0; i < rows.Count; i++)
            {
                input.Features = rows[i];
                engine.Predict(input, ref output);
                scores[i] = output.Score;
            }
        }
        finally { engines.Return(engine); }
        return scores;
    }

    public ActiveRanker AsActiveRanker(int? modelVersionId) => new(ActiveRanker.ModelKind, modelVersionId, Score);

    /// <summary>The model as ML.NET's zip format, with its input schema, for <see cref="ModelVersion.Model"/>.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        ml.Model.Save(Transformer, InputSchema, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Loads a saved model and checks it scores a feature vector of the current length to a finite number.
    /// Throws <see cref="InvalidDataException"/> when the bytes are not such a model.
    /// </summary>
    public static RankerModel Load(byte[] bytes)
    {
        if (bytes.Length == 0) throw new InvalidDataException("The model version holds no model bytes.");
        try
        {
            var ml = new MLContext(seed: 0);
            ml.ComponentCatalog.RegisterAssembly(typeof(LightGbmRankingModelParameters).Assembly);
            using var stream = new MemoryStream(bytes, writable: false);
            var transformer = ml.Model.Load(stream, out _);
            var model = new RankerModel(ml, transformer);
            var probe = model.Score([new float[FeatureVector.Count]]);
            if (!float.IsFinite(probe[0])) throw new InvalidDataException("The model scores a plain feature vector as not a number.");
            return model;
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"The model bytes cannot be loaded as a ranking model: {e.Message}", e);
        }
    }

    private sealed class EnginePolicy(MLContext ml, ITransformer transformer) : PooledObjectPolicy<PredictionEngine<Input, Output>>
    {
        public override PredictionEngine<Input, Output> Create() =>
            ml.Model.CreatePredictionEngine<Input, Output>(transformer, inputSchemaDefinition: null);

        public override bool Return(PredictionEngine<Input, Output> obj) => true;
    }
}
