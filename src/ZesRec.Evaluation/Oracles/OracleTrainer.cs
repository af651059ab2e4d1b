using System.Globalization;
using TorchSharp;
using ZesRec.Data;
using ZesRec.Model;
using ZesRec.Model.Training;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Oracles;

/// <summary>
/// Trains an in-domain baseline on target training sequences with the paper's settings, optionally picking D
/// and the learning rate from a small grid by validation loss; an oracle named in <paramref name="fixedSettings"/>
/// (keyed by <see cref="OracleSpec.Name"/>) is trained with that D and learning rate only. Every epoch is a log
/// line (a log redirected to a file gets one line per epoch, no progress bar); <see cref="Progress"/> gets batches.
/// </summary>
public sealed class OracleTrainer(ZesRecConfig baseConfig, bool grid, TextWriter log, IReadOnlyDictionary<string, (int Dim, double LearningRate)>? fixedSettings = null)
{
    public static IReadOnlyList<int> GridDims { get; } = [128, 300];

    public static IReadOnlyList<double> GridLearningRates { get; } = [0.01, 0.1, 1.0];

    public IProgress<OracleProgress>? Progress { get; init; }

    /// <summary>The model with the lowest validation loss, and every run trained to find it.</summary>
    public sealed record Trained(ZesRecModel Model, ZesRecConfig Config, double ValidationLoss, double Seconds, IReadOnlyList<OracleRun> Runs);

    /// <param name="features">[N, F] text embeddings, or the [N] item ids of <see cref="ItemIdFeatures"/>, on the training device.</param>
    public Trained Train(OracleSpec spec, Tensor features, IReadOnlyList<UserSequence> train, IReadOnlyList<UserSequence> validation, long seed)
    {
        var (settings, chosenBy) = SettingsFor(spec);
        var runs = new List<OracleRun>();
        Trained? best = null;
        var chosen = -1;
        try
        {
            foreach (var (dim, lr) in settings)
            {
                var config = baseConfig with { Variant = spec.Variant, Dim = dim, LearningRate = lr, Seed = seed };
                var (model, result) = TrainOne(spec, config, features, train, validation);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {spec.Name} seed {seed} D={dim} lr={lr}: best epoch {result.BestEpoch}, validation loss {result.BestValidationLoss:F4}, {result.Duration.TotalSeconds:F0} s"));
                runs.Add(new OracleRun(spec.Name, seed, chosenBy, dim, lr, result.BestEpoch, result.BestValidationLoss, result.Duration.TotalSeconds, Chosen: false));
                if (best is null || result.BestValidationLoss < best.ValidationLoss)
                {
                    best?.Model.Dispose();
                    best = new Trained(model, config, result.BestValidationLoss, result.Duration.TotalSeconds, []);
                    chosen = runs.Count - 1;
                }
                else
                {
                    model.Dispose();
                }
            }
        }
        catch
        {
            best?.Model.Dispose();
            throw;
        }

        return best! with { Runs = [.. runs.Select((r, i) => r with { Chosen = i == chosen })] };
    }

    private (ZesRecModel Model, TrainingResult Result) TrainOne(OracleSpec spec, ZesRecConfig config, Tensor features, IReadOnlyList<UserSequence> train, IReadOnlyList<UserSequence> validation)
    {
        manual_seed(config.Seed);
        var model = new ZesRecModel(config, ItemIdFeatures.InputDim(features), (int)features.shape[0]);
        try
        {
            model.to(features.device);
            var name = string.Create(CultureInfo.InvariantCulture, $"{spec.Name} seed {config.Seed} D={config.Dim} lr={config.LearningRate}");
            var trainer = new Trainer(model, features, features.device)
            {
                Progress = Progress is null ? null : new Relay(p => Progress.Report(new OracleProgress(spec.Name, config.Seed, p))),
                EpochDone = e => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {name}: epoch {e.Epoch}/{config.MaxEpochs} train loss {e.TrainLoss:F4} validation loss {e.ValidationLoss:F4}{(e.Improved ? " *" : "")} ({e.Seconds:F1} s)")),
            };
            return (model, trainer.Train(TextFeatures.Sequences(train), TextFeatures.Sequences(validation)));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // The (D, lr) pairs to train and how they were chosen: the fixed one if the oracle has one, else the grid or the defaults.
    private (IReadOnlyList<(int Dim, double LearningRate)> Settings, string ChosenBy) SettingsFor(OracleSpec spec)
    {
        if (fixedSettings is not null && fixedSettings.TryGetValue(spec.Name, out var chosen))
        {
            return ([chosen], "given");
        }

        return grid
            ? ([.. GridDims.SelectMany(d => GridLearningRates.Select(lr => (d, lr)))], "grid")
            : ([(baseConfig.Dim, baseConfig.LearningRate)], "default");
    }

    // Reports on the training thread: Progress<T> would post to the thread pool and reorder bar and log lines.
    private sealed class Relay(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
