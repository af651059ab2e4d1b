using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZesRec.Model.Training;

/// <summary>Which weights a fine-tuning moves.</summary>
public enum FineTuneScope
{
    /// <summary>The item layer, the dummy start item and the user model.</summary>
    All,

    /// <summary>The user model only: the item layer and the dummy start item keep the source training's weights.</summary>
    User,

    /// <summary>The item layer only: the dummy start item and the user model keep the source training's weights.</summary>
    Items,
}

/// <summary>What a fine-tuning did: the epoch whose weights the model holds (0: the starting weights), the last mean loss, and each validation score (index 0 before the first epoch).</summary>
public sealed record FineTuneResult(int BestEpoch, int EpochsRun, double Loss, IReadOnlyList<double> Validation);

/// <summary>
/// Continues training a model on sequences of another catalogue whose items are known only by their text: the
/// user model learns, and with <see cref="FineTuneScope.All"/> the item layer and the dummy item too; the per-item
/// offsets belong to the source items and stay as they are (they are never served). Every item vector still comes
/// from its text, so an item that arrives later is scored like any other.
/// </summary>
public sealed class FineTuner(ZesRecModel model, Tensor textEmbeddings, Device device)
{
    /// <summary>Passes over the sequences (the most, with <see cref="Validate"/>).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>
    /// Adagrad's learning rate. Its accumulator starts afresh, so the first steps move each weight by about the
    /// learning rate: far below the source training's, so the transferred weights move, not restart (at 0.02 a
    /// round's candidate scored half the serving model's held-out NDCG@20, docs/adaptation.md).
    /// </summary>
    public double LearningRate { get; init; } = 0.002;

    /// <summary>Which weights learn.</summary>
    public FineTuneScope Scope { get; init; } = FineTuneScope.All;

    /// <summary>
    /// The strength λ of an L2 pull toward the starting weights: λ/2 · Σ (θ − θ₀)² is added to each batch's mean
    /// loss, so the fine-tuned weights keep what the source training taught unless the target data outweighs it.
    /// 0 (the default) turns it off.
    /// </summary>
    public double Anchor { get; init; }

    /// <summary>
    /// Scores the model as it stands (higher is better), before the first epoch and after each; with it the model
    /// ends with the weights of the best-scoring epoch (the starting weights when none beat them), and training stops
    /// after <see cref="Patience"/> epochs without a better score. Null: every epoch runs and the last one's weights stay.
    /// </summary>
    public Func<double>? Validate { get; init; }

    /// <summary>Epochs without a better <see cref="Validate"/> score before training stops.</summary>
    public int Patience { get; init; } = 2;

    public Action<int, double>? EpochDone { get; init; }

    /// <summary>Trains in place. Throws <see cref="TrainingFailedException"/> on a non-finite loss.</summary>
    public FineTuneResult Tune(IReadOnlyList<TrainingSequence> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            throw new ArgumentException("no sequences to fine-tune on", nameof(sequences));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Anchor);
        var config = model.Config;
        // Dropout draws from the global generator: seeded, the same data gives the same candidate.
        manual_seed(config.Seed);
        var order = new Random((int)config.Seed);
        var generator = new Generator((ulong)config.Seed, device);
        var itemCount = (int)textEmbeddings.shape[0];
        var parameters = model.named_parameters().Where(p => p.name != "offsets").ToList();
        var learned = parameters.Where(p => Learns(p.name)).Select(p => p.parameter).ToList();
        var frozen = parameters.Where(p => !Learns(p.name)).Select(p => p.parameter).ToList();
        using var optimizer = optim.Adagrad(learned, LearningRate, initial_accumulator_value: config.AdagradInitialAccumulator);
        var start = Anchor > 0 ? Snapshot(learned) : [];
        var validation = new List<double>();
        var best = double.NegativeInfinity;
        var bestEpoch = 0;
        List<Tensor>? bestWeights = null;
        var mean = double.NaN;
        var epochsRun = 0;
        foreach (var parameter in frozen)
        {
            parameter.requires_grad_(false);
        }

        try
        {
            if (Validate is not null)
            {
                best = Validate();
                validation.Add(best);
                bestWeights = Snapshot(learned);
            }

            // With the item layer frozen the item vectors are constants: computed once, outside the graph.
            using var fixedItems = Scope == FineTuneScope.User ? ItemVectorsWithoutGrad() : null;
            var stale = 0;
            for (var epoch = 1; epoch <= Epochs; epoch++)
            {
                model.train();
                double lossSum = 0;
                long positions = 0;
                foreach (var chunk in Trainer.Batches(sequences, config.BatchSize, order))
                {
                    using var scope = NewDisposeScope();
                    using var batch = SequenceBatch.Create(chunk, itemCount, config.MaxLength, device);
                    var loss = NextItemObjective.Loss(model, batch, fixedItems ?? model.ItemVectors(textEmbeddings), config.SampledNegatives, generator);
                    lossSum += loss.item<float>() * batch.Positions;
                    positions += batch.Positions;
                    if (Anchor > 0)
                    {
                        var pull = zeros(1, device: device);
                        for (var i = 0; i < learned.Count; i++)
                        {
                            pull = pull + (learned[i] - start[i]).pow(2).sum();
                        }

                        loss = loss + (pull * (0.5 * Anchor)).squeeze();
                    }

                    optimizer.zero_grad();
                    loss.backward();
                    nn.utils.clip_grad_norm_(learned, 5.0);
                    optimizer.step();
                }

                mean = lossSum / positions;
                epochsRun = epoch;
                if (!double.IsFinite(mean))
                {
                    throw new TrainingFailedException(string.Create(CultureInfo.InvariantCulture,
                        $"fine-tuning diverged: the loss was not finite in epoch {epoch} at learning rate {LearningRate}"));
                }

                EpochDone?.Invoke(epoch, mean);
                if (Validate is null)
                {
                    continue;
                }

                var score = Validate();
                validation.Add(score);
                if (score > best)
                {
                    best = score;
                    bestEpoch = epoch;
                    Dispose(bestWeights!);
                    bestWeights = Snapshot(learned);
                    stale = 0;
                }
                else if (++stale >= Patience)
                {
                    break;
                }
            }

            if (bestWeights is not null)
            {
                Restore(learned, bestWeights);
            }
        }
        finally
        {
            foreach (var parameter in frozen)
            {
                parameter.requires_grad_(true);
            }

            Dispose(start);
            if (bestWeights is not null)
            {
                Dispose(bestWeights);
            }

            model.eval();
        }

        return new FineTuneResult(Validate is null ? epochsRun : bestEpoch, epochsRun, mean, validation);
    }

    /// <summary>Whether the parameter named <paramref name="name"/> learns under <see cref="Scope"/> (the offsets never do).</summary>
    public bool Learns(string name) => name != "offsets" && Scope switch
    {
        FineTuneScope.User => !(name.StartsWith("itemLayer.", StringComparison.Ordinal) || name == "dummy"),
        FineTuneScope.Items => name.StartsWith("itemLayer.", StringComparison.Ordinal),
        _ => true,
    };

    private Tensor ItemVectorsWithoutGrad()
    {
        using var noGrad = no_grad();
        model.eval();
        return model.ItemVectors(textEmbeddings).detach().DetachFromDisposeScope();
    }

    private static List<Tensor> Snapshot(List<Parameter> parameters)
    {
        using var noGrad = no_grad();
        return [.. parameters.Select(p => p.detach().clone().DetachFromDisposeScope())];
    }

    private static void Restore(List<Parameter> parameters, List<Tensor> snapshot)
    {
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            parameters[i].copy_(snapshot[i]);
        }
    }

    private static void Dispose(List<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }
}
