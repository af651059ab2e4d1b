using System.Globalization;
using ZesRec.Model;
using ZesRec.Model.Training;
using ZesRec.Streaming.Adaptation;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Storage;
using static TorchSharp.torch;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec adapt</c>: online adaptation of the serving model to the target it serves (docs/streaming.md).</summary>
public sealed class AdaptCommand : ICommand
{
    public string Name => "adapt";

    public string Summary => "Fine-tune the serving model on the consumed interactions; promote it only when it validates better.";

    public string Help => """
        Usage: zesrec adapt --model DIR [--models DIR] [--once] [options] [serve's --pg, --pg-schema, --device]

        Fine-tunes the model that serves the store, starting from its weights, on the interactions it has consumed
        (each user's stored history), holding out the most recent ones; scores the candidate and the serving model
        on them (NDCG@20, seen items excluded) and promotes the candidate only when it is better: it is written to
        --models DIR/<version> and the store is moved to it as 'zesrec upgrade' does. Items stay text-based: only
        the item layer, the dummy start item and the user model are fine-tuned (--tune). Runs at low CPU priority
        with one torch thread.
          --model DIR            the model the store was first served with (a symbolic link such as models/current
                                 is repointed to each promoted model, for 'zesrec serve --model models/current')
          --models DIR           where promoted models are written (default: the folder that holds --model)
          --once                 one round, then exit (exit code 0 whether promoted, rejected or skipped)
          --every N              a round after every N interactions applied (default 5000)
          --every-minutes T      or after T minutes with at least one new interaction (default 60)
          --held-out F           the most recent fraction of interactions held out for validation (default 0.1)
          --min-held-out N       skip a round with fewer held-out interactions (default 50)
          --min-gain X           promote only when the held-out NDCG@20 is higher by more than X (default 0)
          --min-z Z              and when that gain is at least Z standard errors of the paired per-interaction
                                 difference, so that noise on a small slice promotes nothing (default 1.645:
                                 one-sided 95 %; 0 turns the test off)
          --classes S            consumed: fine-tuning's softmax runs over the items the training slice
                                 consumed, so an item nobody has had yet is not pushed down; all: over the
                                 whole stored catalogue (default consumed)
          --epochs N             the most fine-tuning passes (default 20)
          --learning-rate X      Adagrad's learning rate, from a fresh accumulator (default 0.0005)
          --tune S               all: the item layer, the dummy start item and the user model learn; user: the
                                 user model only; items: the item layer only (default all)
          --anchor X             an L2 pull toward the serving weights: X/2 times their squared distance is
                                 added to the loss (default 0: none)
          --early-stopping F     hold out the most recent fraction F of the training part again, score the
                                 candidate on it (NDCG@20) before the first epoch and after each, keep the best
                                 epoch's weights (the serving ones when no epoch beats them) and stop after
                                 --patience epochs without a better score; 0: every epoch on the whole training
                                 part (default 0.1)
          --patience N           epochs without a better inner score before fine-tuning stops (default 3)
          --refit on|off         on: once early stopping has found the best epoch count, start again from the
                                 serving weights and train that many epochs on the whole training part, the
                                 inner slice included (default off)
          --train-threads N      torch threads for fine-tuning (default 1: the processor keeps the other cores)
          --metrics-port PORT    export zesrec_adapt_* metrics on http://HOST:PORT/metrics (default: none)
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var options = ServeConfiguration.Load(args);
        var once = args.GetFlag("once");
        var every = args.GetLong("every", 5000);
        var everyMinutes = args.GetDouble("every-minutes", 60);
        // The defaults are AdaptationSettings' own.
        var defaults = new AdaptationSettings { ModelDir = "", ModelsDir = "" };
        var heldOut = args.GetDouble("held-out", defaults.HeldOutFraction);
        var minHeldOut = args.GetInt("min-held-out", defaults.MinHeldOut, min: 1);
        var minGain = args.GetDouble("min-gain", defaults.MinGain);
        var minZ = args.GetDouble("min-z", defaults.MinZ);
        var classes = args.Get("classes") ?? (defaults.ConsumedItemsOnly ? "consumed" : "all");
        var epochs = args.GetInt("epochs", defaults.Epochs, min: 1);
        var learningRate = args.GetDouble("learning-rate", defaults.LearningRate);
        var tune = args.Get("tune") ?? defaults.Tune.ToString().ToLowerInvariant();
        var anchor = args.GetDouble("anchor", defaults.Anchor);
        var inner = args.GetDouble("early-stopping", defaults.InnerHeldOutFraction);
        var patience = args.GetInt("patience", defaults.Patience, min: 1);
        var refit = args.Get("refit") ?? (defaults.Refit ? "on" : "off");
        var threads = args.GetInt("train-threads", 1, min: 1);
        var metricsPort = args.Get("metrics-port") is null ? (int?)null : options.Metrics.Port;
        var modelsDir = args.Get("models");
        CommandChecks.RejectUnknownOptions(args);
        if (string.IsNullOrWhiteSpace(options.ModelDir))
        {
            throw new UsageException("missing required option --model (the folder of the model the store was first served with)");
        }

        Check(every >= 1, $"--every must be at least 1, got {every}");
        Check(everyMinutes > 0, $"--every-minutes must be above 0, got {everyMinutes.ToString(CultureInfo.InvariantCulture)}");
        Check(heldOut is > 0 and < 1, $"--held-out must be between 0 and 1, got {heldOut.ToString(CultureInfo.InvariantCulture)}");
        Check(minGain >= 0, $"--min-gain must be at least 0, got {minGain.ToString(CultureInfo.InvariantCulture)}");
        Check(double.IsFinite(minZ) && minZ >= 0, $"--min-z must be a finite number of at least 0, got {minZ.ToString(CultureInfo.InvariantCulture)}");
        Check(classes is "consumed" or "all", $"--classes must be consumed or all, got {classes}");
        Check(tune is "all" or "user" or "items", $"--tune must be all, user or items, got {tune}");
        Check(double.IsFinite(anchor) && anchor >= 0, $"--anchor must be a finite number of at least 0, got {anchor.ToString(CultureInfo.InvariantCulture)}");
        Check(inner is >= 0 and < 1, $"--early-stopping must be 0 or a fraction below 1, got {inner.ToString(CultureInfo.InvariantCulture)}");
        Check(refit is "on" or "off", $"--refit must be on or off, got {refit}");
        Check(learningRate > 0, $"--learning-rate must be above 0, got {learningRate.ToString(CultureInfo.InvariantCulture)}");
        CommandChecks.RequireModelFolders([options.ModelDir], "model");

        LowPriority.Apply();
        set_num_threads(threads);
        var device = DeviceSelection.Resolve(options.Processing.Device);
        var settings = new AdaptationSettings
        {
            ModelDir = options.ModelDir,
            ModelsDir = modelsDir ?? Path.GetDirectoryName(Path.GetFullPath(Path.TrimEndingDirectorySeparator(options.ModelDir)))!,
            HeldOutFraction = heldOut,
            MinHeldOut = minHeldOut,
            MinGain = minGain,
            MinZ = minZ,
            ConsumedItemsOnly = classes == "consumed",
            Epochs = epochs,
            LearningRate = learningRate,
            Tune = Enum.Parse<FineTuneScope>(tune, ignoreCase: true),
            Anchor = anchor,
            InnerHeldOutFraction = inner,
            Patience = patience,
            Refit = refit == "on",
        };
        await using var dataSource = StoreDataSource.Create(
            options.Postgres.ConnectionString, string.IsNullOrEmpty(options.Postgres.Schema) ? null : $"\"{options.Postgres.Schema}\",public");
        using var metrics = metricsPort is { } port ? new HealthServer(options.Metrics.Host, port, () => (true, "adapting")) : null;
        if (metrics is not null)
        {
            Console.WriteLine($"zesrec adapt: metrics on http://{options.Metrics.Host}:{metrics.Port}/metrics");
        }

        var round = new AdaptationRound(dataSource, settings, device, string.IsNullOrEmpty(options.Processing.TextCache) ? null : options.Processing.TextCache, Console.Out);
        try
        {
            if (once)
            {
                await round.RunAsync(cancellationToken);
            }
            else
            {
                Console.WriteLine($"zesrec adapt: a round every {every:N0} interactions or {everyMinutes.ToString(CultureInfo.InvariantCulture)} minutes; promoted models go to {settings.ModelsDir}");
                await new AdaptationLoop(dataSource, round, every, TimeSpan.FromMinutes(everyMinutes), Console.Out).RunAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is AdaptationException or Streaming.Upgrade.UpgradeException)
        {
            await Console.Error.WriteLineAsync($"zesrec adapt: {e.Message}");
            return ExitCodes.Usage;
        }

        return ExitCodes.Ok;
    }

    private static void Check(bool holds, string problem)
    {
        if (!holds)
        {
            throw new UsageException(problem);
        }
    }
}
