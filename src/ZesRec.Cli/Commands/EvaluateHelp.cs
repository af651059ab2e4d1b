using System.Globalization;
using ZesRec.Evaluation;
using ZesRec.Evaluation.Baselines;
using ZesRec.Evaluation.Oracles;
using ZesRec.Model;

namespace ZesRec.Cli.Commands;

/// <summary>
/// <c>zesrec evaluate --help</c>, written from the code's defaults (<see cref="EvaluationOptions"/>, the oracles'
/// <see cref="ZesRecConfig"/> and grid, the baseline registry), so that it cannot drift from what evaluate does.
/// </summary>
internal static class EvaluateHelp
{
    public static EvaluationOptions Defaults { get; } = new() { TargetDir = "", OutDir = "" };

    /// <summary>The configuration an oracle trains with, but for D and lr under --grid or --oracle-settings.</summary>
    public static ZesRecConfig Oracle { get; } = new() { MaxEpochs = Defaults.MaxEpochs };

    public static string Text => string.Create(CultureInfo.InvariantCulture, $"""
        Usage: zesrec evaluate --target DIR --out DIR [--model DIR[,DIR...]] [options]

          --model DIRS          ZESRec model folders (comma-separated or repeated); several of one variant are
                                its seeds and are reported as mean ± std
          --target DIR          target dataset folder; each user's last item is the test target, ranked among
                                ALL target items
          --source DIR          the source dataset the models were trained on: checks its fingerprint against
                                the model cards, removes shared users/items from the target (and fails if any
                                remain), and enables the case study
          --out DIR             report.md, results.csv and the plots go here
          --baselines LIST      comma-separated, trained oracles on the target included (default {string.Join(',', Defaults.Baselines)}):
        {Baselines()}
          --seeds N             runs of each seeded baseline, seeds S..S+N-1 (default {Defaults.Seeds})
          --first-seed S        the first of those seeds, to add seeds to an earlier call (default {Defaults.FirstSeed})
          --exclude-seen        also report metrics with the user's earlier items removed from the ranking
          --all-positions       also report metrics over every position of every target user (with
                                --exclude-seen: both, the latter what the streaming processor measures online)
          --grid                oracles choose D in {Set(OracleTrainer.GridDims)} and lr in {Set(OracleTrainer.GridLearningRates)} by validation loss
                                (default D={Oracle.Dim}, lr={Oracle.LearningRate})
          --oracle-settings L   fixed D:lr per oracle, e.g. gru4rec=300:1,tcn=128:1 (e.g. an earlier --grid
                                run's picks, for more seeds or the incremental budgets); those skip --grid
          --incremental LIST    oracles retrained on these many target interactions, e.g. 2500,5000,10000
                                (default: skipped); plotted against zero-shot ZESRec
          --epochs N            oracle training epochs at most, early stopping after {Oracle.Patience} epochs without
                                improvement (default {Defaults.MaxEpochs})
          --case-study N        target users in the case study; needs --source (default {Defaults.CaseStudyUsers})
          --no-user-overlap     do not compare user ids (both datasets use local integer ids)
          --encoder SPEC        text encoder the models were trained with: minilm, minilm-int8 or a BERT folder
                                (default {Defaults.Encoder})
          --cache DIR           encoded-text cache (default {Defaults.CacheDir}); --no-cache disables it
          --device NAME         cpu, auto or cuda (default {Defaults.Device})

        Oracles print a line per epoch (loss, time); report.md and results.csv record each oracle's settings,
        best epoch and validation loss, and the overlap counts.
        """);

    private static string Set<T>(IEnumerable<T> values) => "{" + string.Join(',', values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "}";

    // One line per registered baseline: a new user encoder brings its two oracles here.
    private static string Baselines() => string.Join(
        Environment.NewLine,
        BaselineRegistry.All.Select(b => $"                          {b.Name,-14} {b.Help}"));
}
