using System.Globalization;
using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec train</c>: the offline job that trains ZESRec on a source domain.</summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";

    public string Summary => "Train a ZESRec model on a source dataset (zesrec data import makes one).";

    public string Help => TrainHelp.Text;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var defaults = Preset(args.Get("preset", ZesRecPresets.DefaultName));
        var config = defaults with
        {
            Variant = CommandChecks.Variant(args.Get("variant", defaults.Variant.ToName())),
            Dim = args.GetInt("dim", defaults.Dim),
            Dropout = args.GetDouble("dropout", defaults.Dropout),
            LambdaV = args.GetDouble("lambda-v", defaults.LambdaV),
            LearningRate = args.GetDouble("lr", defaults.LearningRate),
            AdagradInitialAccumulator = args.GetDouble("adagrad-init", defaults.AdagradInitialAccumulator),
            MaxEpochs = args.GetInt("epochs", defaults.MaxEpochs),
            Patience = args.GetInt("patience", defaults.Patience),
            BatchSize = args.GetInt("batch-size", defaults.BatchSize),
            MaxLength = args.GetInt("max-length", defaults.MaxLength),
            SessionGap = args.GetLong("session-gap", defaults.SessionGap),
            SampledNegatives = args.GetInt("sampled-negatives", defaults.SampledNegatives),
            NormalizeText = args.GetSwitch("normalize-text", defaults.NormalizeText),
            UserHead = args.GetSwitch("user-head", defaults.UserHead),
            SkipLastItem = args.GetSwitch("skip-last-item", defaults.SkipLastItem),
            Temperature = args.GetDouble("temperature", defaults.Temperature),
            Seed = args.GetLong("seed", defaults.Seed),
        };
        var jobDefaults = TrainHelp.JobDefaults;
        var options = new TrainingJobOptions
        {
            SourceDir = args.Require("source"),
            OutDir = args.Require("out"),
            Config = config,
            Encoder = args.Get("encoder", jobDefaults.Encoder),
            CacheDir = args.GetFlag("no-cache") ? null : args.Get("cache", jobDefaults.CacheDir!),
            Device = CommandChecks.Device(args.Get("device", jobDefaults.Device)),
            Threads = args.GetInt("threads", jobDefaults.Threads),
        };
        CommandChecks.RejectUnknownOptions(args);
        if (TrainingOptionsValidator.Problems(options).FirstOrDefault() is { } problem)
        {
            throw new UsageException(problem);
        }

        Run(options);
        return Task.FromResult(0);
    }

    // Bars on a terminal only: a redirected log already gets a line per epoch and one for the encoded texts.
    private static void Run(TrainingJobOptions options)
    {
        if (Console.IsErrorRedirected)
        {
            using var trained = TrainingJob.Run(options, Console.Out).Model;
            return;
        }

        var encodingBar = new ProgressBar("encode");
        var trainingBar = new ProgressBar("train ");
        var encoding = new SynchronousProgress<(int Done, int Total)>(p =>
            encodingBar.Update((double)p.Done / Math.Max(1, p.Total), $"{p.Done:N0}/{p.Total:N0} texts", p.Done == p.Total));
        var training = new SynchronousProgress<TrainingProgress>(p => trainingBar.Update(
            (double)p.Batch / p.Batches,
            string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.MaxEpochs} batch {p.Batch}/{p.Batches} loss {p.RunningLoss:F4} {p.Interactions / Math.Max(1e-9, p.Elapsed.TotalSeconds):N0} interactions/s")));
        using var model = TrainingJob.Run(options, new BarAwareWriter(trainingBar, Console.Out), training, encoding).Model;
    }

    private static ZesRecConfig Preset(string name)
    {
        try
        {
            return ZesRecPresets.Parse(name);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
