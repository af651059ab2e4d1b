using ZesRec.Data.Import;

namespace ZesRec.Model.Tests;

/// <summary>The shared tiny Scientific fixture (first 100 users) imported once into a temp dataset folder.</summary>
internal static class TinyFixture
{
    private static readonly Lazy<string> Imported = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "zesrec-tiny-" + Guid.NewGuid().ToString("N"));
        DatasetImporters.ImportTo("tsv", RepoPaths.SharedData("tiny/amazon_scientific_tiny"), dir, "tiny-scientific");
        return dir;
    });

    public static string ScientificDataset => Imported.Value;

    /// <summary>Encoded texts are cached across test runs, so only the first run pays for the encoder.</summary>
    public static string TextCache => Path.Combine(RepoPaths.Root, ".local", "cache", "text");
}
