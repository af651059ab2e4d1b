using ZesRec.Evaluation.Reporting;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec plot</c>: the incremental-training figure from the results.csv of one or more evaluations.</summary>
public sealed class PlotCommand : ICommand
{
    public string Name => "plot";

    public string Summary => "Draw the incremental-training plots from the results.csv files of several evaluate runs.";

    public string Help => """
        Usage: zesrec plot --results FILE[,FILE...] --out DIR

          --results FILES       results.csv files written by zesrec evaluate (comma-separated or repeated); a
                                result (experiment, method, run, protocol, interactions) found in several files
                                is taken from the first, with a warning when the numbers differ
          --out DIR             incremental-ndcg20 and incremental-recall20 (.png and .svg) go here

        The oracles' incremental runs and full-split runs and the zero-shot ZESRec runs are drawn as in
        zesrec evaluate --incremental, so evaluations made in separate calls can share one figure.
        """;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var files = args.GetAll("results").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var outDir = args.Require("out");
        CommandChecks.RejectUnknownOptions(args);
        if (files.Count == 0)
        {
            throw new UsageException("--results needs at least one results.csv file");
        }

        var rows = ResultCsv.Combine(files.Select(f => (f, Read(f))), Console.Error);
        if (!rows.Any(r => r.Experiment == "incremental"))
        {
            throw new InputException($"no incremental results in {string.Join(", ", files)}; run zesrec evaluate with --incremental");
        }

        foreach (var file in IncrementalPlot.SaveAll(outDir, rows))
        {
            Console.WriteLine($"wrote {Path.Combine(outDir, file)}");
        }

        return Task.FromResult(0);
    }

    private static IReadOnlyList<Evaluation.ResultRow> Read(string file)
    {
        if (!File.Exists(file))
        {
            throw new InputException($"--results {file}: file not found; zesrec evaluate writes results.csv into its --out folder");
        }

        try
        {
            return ResultCsv.Read(file);
        }
        catch (InvalidDataException e)
        {
            throw new InputException(e.Message);
        }
    }
}
