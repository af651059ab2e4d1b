using System.Diagnostics;
using ZesRec.Data;
using ZesRec.Data.Import;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec data import</c>: converts a public dataset format into an event-log dataset folder.</summary>
public sealed class DataImportCommand : ICommand
{
    private const int RejectionsShown = 20;

    public string Name => "data import";

    public string Summary => "Convert a public dataset (RecBole, ReChorus, Amazon 2018, MovieLens, MIND, TSV) into an event-log dataset.";

    public string Help =>
        $"""
        Usage: zesrec data import --format FORMAT --input PATH --out DIR [--name NAME]

          --format FORMAT  source format, one of:
        {string.Join('\n', DatasetImporters.All.Select(i => $"                     {i.Format,-11} {i.Description}"))}
          --input PATH     source folder (amazon2018: the Category_5.json.gz file or its folder)
          --out DIR        dataset folder to write (items.jsonl, interactions.jsonl, dataset.json); replaced atomically
          --name NAME      dataset name (default: the name of the --out folder)

        Rows that cannot be imported are reported with file and line and skipped; a structurally broken
        file (wrong header, unreadable gzip) stops the import and writes nothing.
        """;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var format = args.Require("format");
        var input = args.Require("input");
        var output = args.Require("out");
        var name = args.Get("name") ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(output)));
        CommandChecks.RejectUnknownOptions(args);
        if (EventLogDataset.SaveRefusal(output) is { } refusal)
        {
            throw new UsageException("--out: " + refusal);
        }

        IDatasetImporter importer;
        try
        {
            importer = DatasetImporters.Get(format);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var watch = Stopwatch.StartNew();
        ImportResult result;
        try
        {
            result = DatasetImporters.ImportTo(importer.Format, input, output, name);
        }
        catch (DatasetFormatException e)
        {
            Console.Error.WriteLine($"zesrec data import: {e.Message}; nothing was written");
            return Task.FromResult(ExitCodes.BadInput);
        }

        Print(result, output, watch.Elapsed);
        return Task.FromResult(0);
    }

    private static void Print(ImportResult result, string output, TimeSpan elapsed)
    {
        var (ds, report) = result;
        foreach (var rejection in report.Rejections.Take(RejectionsShown))
        {
            Console.WriteLine($"rejected {rejection}");
        }

        if (report.Rejections.Count > RejectionsShown)
        {
            Console.WriteLine($"... and {report.Rejections.Count - RejectionsShown} more rejected rows");
        }

        foreach (var note in report.Notes)
        {
            Console.WriteLine($"note: {note}");
        }

        Console.WriteLine($"items:        read {report.ItemsRead}, kept {ds.Items.Count}, rejected {report.ItemsRejected}");
        Console.WriteLine($"interactions: read {report.InteractionsRead}, kept {ds.Interactions.Count}, rejected {report.InteractionsRejected}");
        Console.WriteLine($"users:        {ds.UserCount}");
        Console.WriteLine($"wrote dataset '{ds.Name}' to {Path.GetFullPath(output)} in {elapsed.TotalSeconds:F1} s");
    }
}
