namespace ZesRec.Text;

/// <summary>Runtime knobs shared by the ONNX BERT encoders; none of them changes the vectors beyond float rounding.</summary>
public sealed record TextEncoderSettings
{
    public static TextEncoderSettings Default { get; } = new();

    /// <summary>ONNX Runtime intra-op threads for one Encode call.</summary>
    public int IntraOpThreads { get; init; } = 2;

    /// <summary>Longer texts are truncated to this many tokens, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>Texts per model run; texts are grouped by token length so padding stays small.</summary>
    public int BatchSize { get; init; } = 64;

    internal void Validate()
    {
        if (IntraOpThreads < 1) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Need at least one thread.");
        if (MaxTokens < 2) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "Need room for [CLS] and [SEP].");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be positive.");
    }
}
