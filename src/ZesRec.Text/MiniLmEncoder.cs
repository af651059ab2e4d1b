using Microsoft.ML.OnnxRuntime;

namespace ZesRec.Text;

/// <summary>
/// all-MiniLM-L6-v2 from the embedded resources. Mean pooling over the attention mask is what the
/// model was trained for; the model's second output is BERT's pooler (tanh over [CLS]), not a sentence embedding.
/// Vectors are not L2-normalised (sentence-transformers adds a Normalize layer; cosine is unaffected).
/// Thread-safe: concurrent calls are serialised.
/// An empty string encodes as "[CLS] [SEP]" and gets that sequence's (non-zero) vector.
/// </summary>
public sealed class MiniLmEncoder : ITextEncoder
{
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The same model with int8 weights (<see cref="OnnxInt8Quantizer"/>); its vectors differ slightly, so it is a different encoder.</summary>
    public const string QuantizedModelName = ModelName + "-int8";

    private readonly BertOnnxRunner _runner;
    private readonly Pooling _pooling;

    public MiniLmEncoder(TextEncoderSettings? settings = null, Pooling pooling = Pooling.Mean, bool int8 = false)
    {
        settings ??= TextEncoderSettings.Default;
        settings.Validate();
        var model = MiniLmResources.ReadModel();
        if (int8)
        {
            model = OnnxInt8Quantizer.Quantize(model);
        }
        var modelName = int8 ? QuantizedModelName : ModelName;
        var session = BertOnnxRunner.CreateSession(o => new InferenceSession(model, o), settings.IntraOpThreads);
        _runner = new BertOnnxRunner(session, MiniLmResources.ReadVocabulary(), lowercase: true, settings, modelName);
        _pooling = pooling;
        Name = $"{modelName}/{pooling.ToString().ToLowerInvariant()}";
    }

    public string Name { get; }

    public int Dimension => _runner.Dimension;

    /// <summary>Id of [UNK]: text the vocabulary cannot spell, so its meaning is lost to the model.</summary>
    public long UnknownTokenId => _runner.UnknownTokenId;

    /// <summary>Token ids as the model sees them: [CLS] ... [SEP], truncated to MaxTokens.</summary>
    public long[] Tokenize(string text) => _runner.Tokenize(text);

    public float[][] Encode(IReadOnlyList<string> texts, IProgress<int>? progress = null) => _runner.Encode(texts, _pooling, progress);

    public void Dispose() => _runner.Dispose();
}
