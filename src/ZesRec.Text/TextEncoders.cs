namespace ZesRec.Text;

/// <summary>Builds the item text encoder from a command-line or configuration spec.</summary>
public static class TextEncoders
{
    public const string MiniLmSpec = "minilm";

    /// <summary>all-MiniLM-L6-v2 with int8 weights: about twice as fast on CPU, vectors at cosine ~0.99 to "minilm".</summary>
    public const string MiniLmInt8Spec = "minilm-int8";

    /// <summary>
    /// <paramref name="spec"/>: "minilm" (or empty) for the embedded all-MiniLM-L6-v2 with mean pooling, "minilm-int8"
    /// for the same model with int8 weights, otherwise
    /// a folder with a BERT model.onnx + vocab.txt, pooled on [CLS]. With <paramref name="cacheDir"/> the encoder
    /// is wrapped in an on-disk <see cref="CachedTextEncoder"/>.
    /// </summary>
    public static ITextEncoder Create(string? spec, string? cacheDir, int threads = 2)
    {
        var settings = TextEncoderSettings.Default with { IntraOpThreads = threads };
        ITextEncoder encoder = string.IsNullOrWhiteSpace(spec) || spec.Equals(MiniLmSpec, StringComparison.OrdinalIgnoreCase)
            ? new MiniLmEncoder(settings)
            : spec.Equals(MiniLmInt8Spec, StringComparison.OrdinalIgnoreCase)
                ? new MiniLmEncoder(settings, int8: true)
                : OpenFolder(spec, settings);
        if (cacheDir is null) return encoder;
        try
        {
            return new CachedTextEncoder(encoder, cacheDir);
        }
        catch (CacheInUseException e)
        {
            // The cache only saves time: a second process (a trainer beside a server, parallel test runs)
            // encodes without it rather than failing.
            Console.Error.WriteLine($"warning: {e.Message}; encoding without the cache");
            return encoder;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    private static BertOnnxEncoder OpenFolder(string spec, TextEncoderSettings settings)
    {
        if (!Directory.Exists(spec))
        {
            throw new DirectoryNotFoundException($"Text encoder '{spec}' is neither '{MiniLmSpec}', '{MiniLmInt8Spec}' nor an existing folder with model.onnx and vocab.txt.");
        }
        return new BertOnnxEncoder(spec, settings);
    }
}
