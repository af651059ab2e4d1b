using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace ZesRec.Text;

/// <summary>
/// Any BERT ONNX export in a folder holding model.onnx and vocab.txt, pooled on [CLS] by default as in the ZESRec paper.
/// The name carries a hash of model.onnx so cached vectors of one export are never served for another one
/// saved under the same folder name. Thread-safe: concurrent calls are serialised.
/// </summary>
public sealed class BertOnnxEncoder : ITextEncoder
{
    private readonly BertOnnxRunner _runner;
    private readonly Pooling _pooling;

    public BertOnnxEncoder(string folder, TextEncoderSettings? settings = null, Pooling pooling = Pooling.Cls)
    {
        settings ??= TextEncoderSettings.Default;
        settings.Validate();
        var modelPath = Path.Combine(folder, "model.onnx");
        var vocabPath = Path.Combine(folder, "vocab.txt");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Text encoder folder '{folder}' does not exist.");
        }
        foreach (var required in new[] { modelPath, vocabPath })
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"Text encoder folder '{folder}' has no {Path.GetFileName(required)}; it needs model.onnx and vocab.txt.", required);
            }
        }

        var session = BertOnnxRunner.CreateSession(o => new InferenceSession(modelPath, o), settings.IntraOpThreads);
        _runner = new BertOnnxRunner(session, File.ReadAllText(vocabPath), ReadLowercase(folder), settings, modelPath);
        _pooling = pooling;
        var folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        Name = $"{folderName}/{pooling.ToString().ToLowerInvariant()}@{ShortHash(modelPath)}";
    }

    public string Name { get; }

    public int Dimension => _runner.Dimension;

    public float[][] Encode(IReadOnlyList<string> texts, IProgress<int>? progress = null) => _runner.Encode(texts, _pooling, progress);

    public void Dispose() => _runner.Dispose();

    private static string ShortHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }

    // Uncased unless the export's tokenizer_config.json says otherwise: the common BERT checkpoints are uncased.
    private static bool ReadLowercase(string folder)
    {
        var config = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(config)) return true;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(config));
            return !doc.RootElement.TryGetProperty("do_lower_case", out var lower) || lower.ValueKind != JsonValueKind.False;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{config}: not valid JSON ({e.Message}).", e);
        }
    }
}
