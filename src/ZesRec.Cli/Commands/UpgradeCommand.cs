using ZesRec.Streaming.Upgrade;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec upgrade</c>: moves a running store to another model (docs/operations.md, "Upgrade a model").</summary>
public sealed class UpgradeCommand : ICommand
{
    public string Name => "upgrade";

    public string Summary => "Move a store to a new model: re-embed items, rebuild user states, switch the serving model.";

    public string Help => """
        Usage: zesrec upgrade --model DIR [--prepare-only] [--drop-old] [--batch-size N] [serve's --pg, --pg-schema, --device, --threads]

        Prepares the model in DIR beside the model that serves the store: embeds the stored item texts and rebuilds
        every user's state from the stored history, in batches that commit (a killed run resumes). Then it catches
        up what the serving processor applied meanwhile and records the new model as serving, at a flush boundary:
        the old processor's next flush stops it, and a 'zesrec serve --model DIR' started beforehand on the same
        store, group and instance id takes over from the stored offsets. Settings come from the same places as
        zesrec serve's (appsettings.json, ZESREC_ variables, flags).
          --prepare-only   prepare, but leave the serving model as it is (rerun without it to switch)
          --drop-old       afterwards, delete the rows of every model version but the serving one
          --batch-size N   items embedded, or users rebuilt, per committed transaction (default 256; smaller
                           batches hold row locks for less time and lose less work to a kill)
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var options = ServeConfiguration.Load(args);
        var prepareOnly = args.GetFlag("prepare-only");
        var dropOld = args.GetFlag("drop-old");
        var batchSize = args.GetInt("batch-size", 256, min: 1);
        CommandChecks.RejectUnknownOptions(args);
        if (string.IsNullOrWhiteSpace(options.ModelDir))
        {
            throw new UsageException("missing required option --model (the folder of the model to upgrade to)");
        }

        CommandChecks.RequireModelFolders([options.ModelDir], "model");
        try
        {
            await UpgradeRun.RunAsync(options, prepareOnly, dropOld, Console.Out, cancellationToken, batchSize);
        }
        catch (UpgradeException e)
        {
            await Console.Error.WriteLineAsync($"zesrec upgrade: {e.Message}");
            return ExitCodes.Usage;
        }

        return ExitCodes.Ok;
    }
}
