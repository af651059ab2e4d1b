using System.Globalization;
using ZesRec.Evaluation;
using ZesRec.Evaluation.Oracles;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec evaluate</c>: zero-shot ZESRec and baselines on a target domain; protocol in docs/evaluation.md.</summary>
public sealed class EvaluateCommand : ICommand
{
    private static readonly string[] SimpleBaselines = ["random", "pop", "embknn"];

    public string Name => "evaluate";

    public string Summary => "Evaluate ZESRec models and baselines on a target dataset (docs/evaluation.md).";

    public string Help => """
        Usage: zesrec evaluate --target DIR --out DIR [--model DIR[,DIR...]] [options]

          --model DIRS          ZESRec model folders (comma-separated or repeated); several of one variant are
                                its seeds and are reported as mean ± std
          --target DIR          target dataset folder; each user's last item is the test target, ranked among
                                ALL target items
          --source DIR          the source dataset the models were trained on: checks its fingerprint against
                                the model cards, removes shared users/items from the target (and fails if any
                                remain), and enables the case study
          --out DIR             report.md, results.csv and the plots go here
          --baselines LIST      random,pop,embknn (default); also gru4rec,tcn,hrnn (item-id oracles) and
                                gru4rec-meta,tcn-meta,hrnn-meta (text oracles), trained on the target
          --seeds N             runs of each seeded baseline, seeds 1..N (default 1)
          --first-seed S        start those runs at seed S (seeds S..S+N-1), to add seeds to an earlier call
          --exclude-seen        also report metrics with the user's earlier items removed from the ranking
          --all-positions       also report metrics over every position of every target user (with
                                --exclude-seen: what the streaming processor measures online)
          --grid                oracles choose D in {128,300} and lr in {0.01,0.1,1} by validation loss
                                (default D=300, lr=0.1)
          --oracle-settings L   fixed D:lr per oracle, e.g. gru4rec=300:1,tcn=128:1 (e.g. an earlier --grid
                                run's picks, for more seeds or the incremental budgets); those skip --grid
          --incremental LIST    oracles retrained on these many target interactions, e.g. 2500,5000,10000
                                (default: skipped); plotted against zero-shot ZESRec
          --epochs N            oracle training epochs at most (default 20, early stopping, patience 3)
          --case-study N        target users in the case study (default 5; needs --source)
          --no-user-overlap     do not compare user ids (both datasets use local integer ids)
          --encoder SPEC        text encoder the models were trained with: minilm (default), minilm-int8 or
                                a BERT folder
          --cache DIR           encoded-text cache (default .local/cache/text); --no-cache disables it
          --device NAME         cpu (default), auto or cuda
        """;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        static List<string> List(IEnumerable<string> values) =>
            [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

        var defaults = new EvaluationOptions { TargetDir = "", OutDir = "" };
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
        if (options.Baselines.FirstOrDefault(b => !SimpleBaselines.Contains(b, StringComparer.OrdinalIgnoreCase) && !OracleSpec.TryParse(b, out _)) is { } unknown)
        {
            throw new UsageException($"--baselines: unknown baseline '{unknown}'; known: {string.Join(", ", SimpleBaselines)}, gru4rec, tcn, hrnn and their -meta variants");
        }

        if (options.IncrementalSizes.Any(n => n < 1))
        {
            throw new UsageException($"--incremental: every interaction count must be at least 1, got {string.Join(',', options.IncrementalSizes)}");
        }

        CommandChecks.RequireModelFolders(options.ModelDirs, "model");
        var requested = options.Baselines.Select(b => OracleSpec.TryParse(b, out var spec) ? spec!.Name : b).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (options.OracleSettings.Keys.FirstOrDefault(k => !requested.Contains(k)) is { } unused)
        {
            throw new UsageException($"--oracle-settings sets {unused}, which --baselines does not request");
        }

        var raw = Environment.GetCommandLineArgs();
        var verb = Array.IndexOf(raw, Name);
        EvaluationJob.Run(options, Console.Out, "zesrec evaluate " + string.Join(' ', raw.Skip(verb >= 0 ? verb + 1 : 1)));
        return Task.FromResult(0);
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
