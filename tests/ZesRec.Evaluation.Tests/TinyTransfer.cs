using ZesRec.Data.Import;
using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Evaluation.Tests;

/// <summary>The tiny Scientific → Office fixtures imported with the tsv importer, and a small ZESRec model trained on Scientific.</summary>
internal static class TinyTransfer
{
    public static (string Source, string Target, string Model) Prepare(TempFolder temp)
    {
        var source = temp["scientific-tiny"];
        var target = temp["office-tiny"];
        DatasetImporters.ImportTo("tsv", RepoPaths.SharedData("tiny/amazon_scientific_tiny"), source, "scientific-tiny");
        DatasetImporters.ImportTo("tsv", RepoPaths.SharedData("tiny/amazon_office_tiny"), target, "office-tiny");
        var model = temp["model"];
        var (trained, _) = TrainingJob.Run(
            new TrainingJobOptions
            {
                SourceDir = source,
                OutDir = model,
                Config = new ZesRecConfig { Dim = 32, MaxEpochs = 2 },
                CacheDir = temp["cache"],
                Device = "cpu",
            },
            TextWriter.Null);
        trained.Dispose();
        return (source, target, model);
    }
}
