namespace ZesRec.Text;

/// <summary>Runtime knobs shared by the ONNX BERT encoders; none of them changes the vectors beyond float rounding.</summary>
public sealed record TextEncoderSettings
{
    public static TextEncoderSettings Default { get; } = new();

    /// <summary>ONNX Runtime intra-op threads for one Encode call.</summary>
    public int IntraOpThreads { get; init; } = 2;

    /// <summary>Longer texts are truncated to this many tokens, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>Texts per model run at most; texts are grouped by token length so padding stays small.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Tokens per model run at most, padding included (a longer single text still runs alone). Mixed-length item
    /// texts padded to a batch's longest one cost up to twice the work; see docs/benchmarks.md.
    /// </summary>
    public int BatchTokens { get; init; } = 512;

    internal void Validate()
    {
        if (IntraOpThreads < 1) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Need at least one thread.");
        if (MaxTokens < 2) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "Need room for [CLS] and [SEP].");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be positive.");
        if (BatchTokens < 1) throw new ArgumentOutOfRangeException(nameof(BatchTokens), BatchTokens, "Batch token budget must be positive.");
    }
}
