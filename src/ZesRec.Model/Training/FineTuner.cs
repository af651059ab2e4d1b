using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ZesRec.Model.Training;

/// <summary>
/// Continues training a model on sequences of another catalogue whose items are known only by their text: the item
/// layer, the dummy item and the user model learn; the per-item offsets belong to the source items and stay as they
/// are (they are never served). Every item vector still comes from its text, so an item that arrives later is
/// scored like any other.
/// </summary>
public sealed class FineTuner(ZesRecModel model, Tensor textEmbeddings, Device device)
{
    /// <summary>Passes over the sequences.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>
    /// Adagrad's learning rate. Its accumulator starts afresh, so the first steps move each weight by about the
    /// learning rate: far below the source training's, so the transferred weights move, not restart (at 0.02 a
    /// round's candidate scored half the serving model's held-out NDCG@20, docs/adaptation.md).
    /// </summary>
    public double LearningRate { get; init; } = 0.002;

    public Action<int, double>? EpochDone { get; init; }

    /// <summary>Trains in place; returns the last epoch's mean loss. Throws <see cref="TrainingFailedException"/> on a non-finite loss.</summary>
    public double Tune(IReadOnlyList<TrainingSequence> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            throw new ArgumentException("no sequences to fine-tune on", nameof(sequences));
        }

        var config = model.Config;
        // Dropout draws from the global generator: seeded, the same data gives the same candidate.
        manual_seed(config.Seed);
        var order = new Random((int)config.Seed);
        var generator = new Generator((ulong)config.Seed, device);
        var itemCount = (int)textEmbeddings.shape[0];
        var learned = model.named_parameters().Where(p => p.name != "offsets").Select(p => p.parameter).ToList();
        using var optimizer = optim.Adagrad(learned, LearningRate, initial_accumulator_value: config.AdagradInitialAccumulator);
        var mean = double.NaN;
        model.train();
        try
        {
            for (var epoch = 1; epoch <= Epochs; epoch++)
            {
                double lossSum = 0;
                long positions = 0;
                foreach (var chunk in Trainer.Batches(sequences, config.BatchSize, order))
                {
                    using var scope = NewDisposeScope();
                    using var batch = SequenceBatch.Create(chunk, itemCount, config.MaxLength, device);
                    var loss = NextItemObjective.Loss(model, batch, model.ItemVectors(textEmbeddings), config.SampledNegatives, generator);
                    optimizer.zero_grad();
                    loss.backward();
                    nn.utils.clip_grad_norm_(learned, 5.0);
                    optimizer.step();
                    lossSum += loss.item<float>() * batch.Positions;
                    positions += batch.Positions;
                }

                mean = lossSum / positions;
                if (!double.IsFinite(mean))
                {
                    throw new TrainingFailedException(string.Create(CultureInfo.InvariantCulture,
                        $"fine-tuning diverged: the loss was not finite in epoch {epoch} at learning rate {LearningRate}"));
                }

                EpochDone?.Invoke(epoch, mean);
            }
        }
        finally
        {
            model.eval();
        }

        return mean;
    }
}
