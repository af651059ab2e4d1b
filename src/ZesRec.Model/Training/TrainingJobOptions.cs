namespace ZesRec.Model.Training;

/// <summary>What <c>zesrec train</c> needs: a source dataset folder, an output folder and the model settings.</summary>
public sealed record TrainingJobOptions
{
    public required string SourceDir { get; init; }

    public required string OutDir { get; init; }

    public ZesRecConfig Config { get; init; } = new();

    /// <summary>"minilm" or a folder with a BERT model.onnx + vocab.txt.</summary>
    public string Encoder { get; init; } = "minilm";

    /// <summary>Encoded texts are cached here, keyed by encoder and text hash; null disables the cache.</summary>
    public string? CacheDir { get; init; } = Path.Combine(".local", "cache", "text");

    public string Device { get; init; } = "auto";

    /// <summary>
    /// libtorch intra-op threads. Its OpenMP workers spin-wait for each other, so on a busy machine one thread is
    /// often faster than two; the default is the number of cores.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}
