using System.Diagnostics;
using ZesRec.Data;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec data combine</c>: merges several event-log datasets into one multi-domain training source.</summary>
public sealed class DataCombineCommand : ICommand
{
    public string Name => "data combine";

    public string Summary => "Merge several datasets into one training source (multi-domain training), leaving a target out.";

    public string Help => """
        Usage: zesrec data combine --input DIR,DIR[,...] --out DIR [--exclude DIR] [--max-users N] [--name NAME]

          --input DIRS     dataset folders (zesrec data import) to merge, comma-separated; an item with the same text
                           (up to case and spacing) as an earlier one is merged into it
          --out DIR        dataset folder to write; replaced atomically
          --exclude DIR    a dataset to keep unseen (the zero-shot target): its items, by id or by text, are
                           dropped from the result with their interactions
          --max-users N    at most N users from each input, the same N users on every run (smallest hash of the
                           user id), for large sources such as Games (default: all)
          --name NAME      dataset name (default: the name of the --out folder)

        User ids become DATASET/USER (the input's dataset name), so users of different inputs stay apart; an item
        id that an earlier input used for another text becomes DATASET/ITEM.
        Items that no kept user interacted with are left out.
        """;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var inputs = args.Require("input").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var output = args.Require("out");
        var exclude = args.Get("exclude");
        var maxUsers = args.Get("max-users") is null ? (int?)null : args.GetInt("max-users", 0, 1);
        var name = args.Get("name") ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(output)));
        CommandChecks.RejectUnknownOptions(args);
        if (inputs.Length < 2)
        {
            throw new UsageException("--input: name at least two dataset folders, comma-separated");
        }

        if (EventLogDataset.SaveRefusal(output) is { } refusal)
        {
            throw new UsageException("--out: " + refusal);
        }

        var watch = Stopwatch.StartNew();
        CombineResult result;
        try
        {
            var datasets = inputs.Select(EventLogDataset.Load).ToList();
            var target = exclude is null ? null : EventLogDataset.Load(exclude);
            result = DatasetCombiner.Combine(name, datasets, target, maxUsers);
        }
        catch (DatasetFormatException e)
        {
            Console.Error.WriteLine($"zesrec data combine: {e.Message}; nothing was written");
            return Task.FromResult(ExitCodes.BadInput);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        result.Dataset.Save(output);
        foreach (var p in result.Parts)
        {
            Console.WriteLine($"{p.Name}: {p.Users} users, {p.Interactions} interactions kept, {p.DroppedInteractions} dropped with {p.ExcludedItems} excluded items, {p.MergedItems} items merged into earlier ones by text");
        }

        var ds = result.Dataset;
        Console.WriteLine($"wrote dataset '{ds.Name}' to {Path.GetFullPath(output)}: {ds.Items.Count} items, {ds.Interactions.Count} interactions, {ds.UserCount} users in {watch.Elapsed.TotalSeconds:F1} s");
        return Task.FromResult(0);
    }
}
