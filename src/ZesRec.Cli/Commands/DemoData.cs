using ZesRec.Data;
using ZesRec.Data.Import;
using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Cli.Commands;

/// <summary>The demo's datasets (imported once into .local/datasets) and its model (trained once into .local/models).</summary>
internal static class DemoData
{
    /// <summary>Before any service starts: the two source folders exist (or were imported on an earlier run).</summary>
    public static void RequireSourceData(DemoOptions options)
    {
        var dataRoot = options.ResolvedDataRoot;
        var missing = new[] { options.Source, options.Target }
            .Where(name => !File.Exists(Path.Combine(DatasetDir(name), "dataset.json")) && !Directory.Exists(Path.Combine(dataRoot, name)))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InputException(
                $"no {string.Join(" or ", missing)} under the data root {Path.GetFullPath(dataRoot)}; fetch {(missing.Count == 1 ? "it" : "them")} with './zesrec data fetch {string.Join(' ', missing)} --out {dataRoot}', or point --data-root or ZESREC_DATA_ROOT at the folder that holds them");
        }
    }

    /// <summary>Imports both domains when needed and returns the target without the items or users it shares with the source.</summary>
    public static EventLogDataset Import(DemoOptions options)
    {
        var source = Import("recbole", Path.Combine(options.ResolvedDataRoot, options.Source), options.Source);
        var target = Import("rechorus", Path.Combine(options.ResolvedDataRoot, options.Target), options.Target);
        target = DomainOverlap.Check(source, target, new OverlapOptions { Log = Console.Out }).Cleaned;
        Console.WriteLine($"    target after the overlap check: {target.Items.Count:N0} items, {target.Interactions.Count:N0} interactions, {target.UserCount:N0} users (all unseen)");
        return target;
    }

    /// <summary>The model folder for this source and variant, trained first unless it exists (or when retraining).</summary>
    public static string EnsureModel(DemoOptions options)
    {
        var variant = options.ParsedVariant;
        var modelDir = Path.Combine(".local", "models", $"demo-{options.Source}-{variant.ToName()}-transfer");
        var config = ZesRecPresets.Transfer with { Variant = variant, MaxEpochs = options.Epochs };
        if (!options.Retrain && File.Exists(Path.Combine(modelDir, ModelCard.FileName)))
        {
            if (SameScoring(ModelCard.Load(modelDir).Config, config))
            {
                Console.WriteLine($"    reusing {modelDir} (--retrain to train again)");
                return modelDir;
            }

            Console.WriteLine($"    {modelDir} was trained with another configuration than today's transfer preset: training again");
        }

        Console.WriteLine($"    training {variant.ToName()} on {options.Source} for at most {options.Epochs} epochs (transfer preset: D=300, Adagrad lr 0.1, dropout 0.2, last-item skip, cosine / {config.Temperature})");
        var (model, _) = TrainingJob.Run(
            new TrainingJobOptions { SourceDir = DatasetDir(options.Source), OutDir = modelDir, Config = config },
            new IndentedWriter(Console.Out));
        model.Dispose();
        return modelDir;
    }

    /// <summary>Whether a stored model was trained with the preset's model shape and scoring (epochs and seed aside).</summary>
    private static bool SameScoring(ZesRecConfig stored, ZesRecConfig preset) =>
        (stored.Variant, stored.Dim, stored.SkipLastItem, stored.UserHead, stored.NormalizeText, stored.Temperature)
        == (preset.Variant, preset.Dim, preset.SkipLastItem, preset.UserHead, preset.NormalizeText, preset.Temperature);

    private static string DatasetDir(string name) => Path.Combine(".local", "datasets", name);

    private static EventLogDataset Import(string format, string input, string name)
    {
        var dir = DatasetDir(name);
        if (!File.Exists(Path.Combine(dir, "dataset.json")))
        {
            var result = DatasetImporters.ImportTo(format, input, dir, name);
            Console.WriteLine($"    imported {name}: {result.Dataset.Items.Count:N0} items, {result.Dataset.Interactions.Count:N0} interactions");
        }

        var dataset = EventLogDataset.Load(dir);
        Console.WriteLine($"    {name}: {dataset.Items.Count:N0} items, {dataset.Interactions.Count:N0} interactions, {dataset.UserCount:N0} users");
        return dataset;
    }
}
