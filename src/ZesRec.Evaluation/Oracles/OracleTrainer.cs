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
/// (keyed by <see cref="OracleSpec.Name"/>) is trained with that D and learning rate only.
/// </summary>
public sealed class OracleTrainer(ZesRecConfig baseConfig, bool grid, TextWriter log, IReadOnlyDictionary<string, (int Dim, double LearningRate)>? fixedSettings = null)
{
    public static IReadOnlyList<int> GridDims { get; } = [128, 300];

    public static IReadOnlyList<double> GridLearningRates { get; } = [0.01, 0.1, 1.0];

    public sealed record Trained(ZesRecModel Model, ZesRecConfig Config, double ValidationLoss, double Seconds);

    /// <param name="features">[N, F] text embeddings, or the [N] item ids of <see cref="ItemIdFeatures"/>, on the training device.</param>
    public Trained Train(OracleSpec spec, Tensor features, IReadOnlyList<UserSequence> train, IReadOnlyList<UserSequence> validation, long seed)
    {
        Trained? best = null;
        foreach (var (dim, lr) in SettingsFor(spec))
        {
            var config = baseConfig with { Variant = spec.Variant, Dim = dim, LearningRate = lr, Seed = seed };
            manual_seed(seed);
            var model = new ZesRecModel(config, ItemIdFeatures.InputDim(features), (int)features.shape[0]);
            model.to(features.device);
            var result = new Trainer(model, features, features.device)
                .Train(TextFeatures.Sequences(train), TextFeatures.Sequences(validation));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {spec.Name} seed {seed} D={dim} lr={lr}: best epoch {result.BestEpoch}, validation loss {result.BestValidationLoss:F4}, {result.Duration.TotalSeconds:F0} s"));
            if (best is null || result.BestValidationLoss < best.ValidationLoss)
            {
                best?.Model.Dispose();
                best = new Trained(model, config, result.BestValidationLoss, result.Duration.TotalSeconds);
            }
            else
            {
                model.Dispose();
            }
        }

        return best!;
    }

    // The (D, lr) pairs to train: the fixed one if the oracle has one, else the grid or the defaults.
    private IEnumerable<(int Dim, double LearningRate)> SettingsFor(OracleSpec spec)
    {
        if (fixedSettings is not null && fixedSettings.TryGetValue(spec.Name, out var chosen))
        {
            return [chosen];
        }

        return grid
            ? [.. GridDims.SelectMany(d => GridLearningRates.Select(lr => (d, lr)))]
            : [(baseConfig.Dim, baseConfig.LearningRate)];
    }
}
