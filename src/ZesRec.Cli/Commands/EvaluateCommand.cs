using System.Globalization;
using ZesRec.Evaluation;
using ZesRec.Evaluation.Baselines;
using ZesRec.Evaluation.Oracles;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec evaluate</c>: zero-shot ZESRec and baselines on a target domain; protocol in docs/evaluation.md.</summary>
public sealed class EvaluateCommand : ICommand
{
    public string Name => "evaluate";

    public string Summary => "Evaluate ZESRec models and baselines on a target dataset (docs/evaluation.md).";

    public string Help => EvaluateHelp.Text;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        static List<string> List(IEnumerable<string> values) =>
            [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

        var defaults = EvaluateHelp.Defaults;
        var baselines = args.Get("baselines");
        var options = new EvaluationOptions
        {
            ModelDirs = List(args.GetAll("model")),
            TargetDir = args.Require("target"),
            SourceDir = args.Get("source"),
            OutDir = args.Require("out"),
            Baselines = baselines is null ? defaults.Baselines : List([baselines]),
            Seeds = args.GetInt("seeds", defaults.Seeds, min: 1),
            FirstSeed = args.GetInt("first-seed", defaults.FirstSeed, min: 0),
            ExcludeSeen = args.GetFlag("exclude-seen"),
            AllPositions = args.GetFlag("all-positions"),
            Grid = args.GetFlag("grid"),
            OracleSettings = ParseOracleSettings(args.Get("oracle-settings")),
            IncrementalSizes = ParseSizes(args.Get("incremental")),
            MaxEpochs = args.GetInt("epochs", defaults.MaxEpochs, min: 1),
            CaseStudyUsers = args.GetInt("case-study", defaults.CaseStudyUsers, min: 0),
            CompareUsers = !args.GetFlag("no-user-overlap"),
            Encoder = args.Get("encoder", defaults.Encoder),
            CacheDir = args.GetFlag("no-cache") ? null : args.Get("cache", defaults.CacheDir!),
            Device = CommandChecks.Device(args.Get("device", defaults.Device)),
        };
        CommandChecks.RejectUnknownOptions(args);
        if (options.Baselines.FirstOrDefault(b => !BaselineRegistry.TryParse(b, out _)) is { } unknown)
        {
            throw new UsageException($"--baselines: unknown baseline '{unknown}'; known: {BaselineRegistry.NameList}");
        }

        if (options.IncrementalSizes.Any(n => n < 1))
        {
            throw new UsageException($"--incremental: every interaction count must be at least 1, got {string.Join(',', options.IncrementalSizes)}");
        }

        CommandChecks.RequireModelFolders(options.ModelDirs, "model");
        var requested = options.Baselines.Select(b => BaselineRegistry.TryParse(b, out var d) ? d.DisplayName : b).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (options.OracleSettings.Keys.FirstOrDefault(k => !requested.Contains(k)) is { } unused)
        {
            throw new UsageException($"--oracle-settings sets {unused}, which --baselines does not request");
        }

        var raw = Environment.GetCommandLineArgs();
        var verb = Array.IndexOf(raw, Name);
        var commandLine = "zesrec evaluate " + string.Join(' ', raw.Skip(verb >= 0 ? verb + 1 : 1));

        Run(options, commandLine);
        return Task.FromResult(0);
    }

    // A bar inside the epochs on a terminal only: a redirected log gets the epoch lines and no bar lines.
    private static void Run(EvaluationOptions options, string commandLine)
    {
        if (Console.IsErrorRedirected)
        {
            EvaluationJob.Run(options, Console.Out, commandLine);
            return;
        }

        var bar = new ProgressBar("oracle");
        var progress = new SynchronousProgress<OracleProgress>(p => bar.Update(
            (double)p.Training.Batch / p.Training.Batches,
            string.Create(CultureInfo.InvariantCulture, $"{p.Oracle} seed {p.Seed} epoch {p.Training.Epoch}/{p.Training.MaxEpochs} batch {p.Training.Batch}/{p.Training.Batches} loss {p.Training.RunningLoss:F4} {p.Training.Elapsed.TotalSeconds:F0} s")));
        EvaluationJob.Run(options, new BarAwareWriter(bar, Console.Out), commandLine, progress);
    }

    private static IReadOnlyDictionary<string, (int Dim, double LearningRate)> ParseOracleSettings(string? value)
    {
        try
        {
            return OracleSettings.Parse(value);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static List<long> ParseSizes(string? value)
    {
        if (value is null)
        {
            return [];
        }

        try
        {
            return [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s.Trim().Replace("K", "000", StringComparison.OrdinalIgnoreCase), CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"--incremental: '{value}' is not a comma-separated list of interaction counts");
        }
    }
}
