using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace ZesRec.Model.Training;

/// <summary>
/// Trains a <see cref="ZesRecModel"/> on one source domain with Adagrad and early stopping on validation loss;
/// at the end the model holds the parameters of its best epoch.
/// </summary>
public sealed class Trainer(ZesRecModel model, Tensor textEmbeddings, Device device)
{
    public IProgress<TrainingProgress>? Progress { get; init; }

    public Action<EpochReport>? EpochDone { get; init; }

    public TrainingResult Train(IReadOnlyList<TrainingSequence> train, IReadOnlyList<TrainingSequence> validation)
    {
        if (train.Count == 0)
        {
            throw new ArgumentException("no training sequences: the source dataset is empty after preparation", nameof(train));
        }

        var config = model.Config;
        var generator = new Generator((ulong)config.Seed, device);
        var order = new Random((int)config.Seed);
        var itemCount = (int)textEmbeddings.shape[0];
        long totalPositions = train.Sum(s => Math.Min(s.Items.Length, config.MaxLength));
        using var optimizer = optim.Adagrad(model.parameters(), config.LearningRate, initial_accumulator_value: config.AdagradInitialAccumulator);
        var reports = new List<EpochReport>();
        var best = double.PositiveInfinity;
        var bestEpoch = 0;
        var bestParameters = Snapshot();
        var stale = 0;
        var started = Stopwatch.StartNew();

        for (var epoch = 1; epoch <= config.MaxEpochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var batches = Batches(train, config.BatchSize, order);
            double lossSum = 0;
            long positions = 0;
            model.train();
            for (var b = 0; b < batches.Count; b++)
            {
                using var scope = NewDisposeScope();
                using var batch = SequenceBatch.Create(batches[b], itemCount, config.MaxLength, device);
                var items = model.TrainingItemVectors(textEmbeddings);
                var loss = NextItemObjective.Loss(model, batch, items, config.SampledNegatives, generator)
                           + (model.OffsetPenalty() / totalPositions);
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 5.0);
                optimizer.step();
                lossSum += loss.item<float>() * batch.Positions;
                positions += batch.Positions;
                Progress?.Report(new TrainingProgress(epoch, config.MaxEpochs, b + 1, batches.Count, positions, epochClock.Elapsed, lossSum / positions));
            }

            var trainSeconds = epochClock.Elapsed.TotalSeconds;
            var validationLoss = ValidationLoss(validation.Count > 0 ? validation : train);
            var improved = validationLoss < best;
            if (improved)
            {
                best = validationLoss;
                bestEpoch = epoch;
                Dispose(bestParameters);
                bestParameters = Snapshot();
                stale = 0;
            }
            else
            {
                stale++;
            }

            var report = new EpochReport(epoch, lossSum / positions, validationLoss, positions / trainSeconds, epochClock.Elapsed.TotalSeconds, improved);
            reports.Add(report);
            EpochDone?.Invoke(report);
            if (stale >= config.Patience)
            {
                break;
            }
        }

        Restore(bestParameters);
        Dispose(bestParameters);
        model.eval();
        return new TrainingResult(reports, bestEpoch, best, started.Elapsed);
    }

    /// <summary>Mean next-item cross-entropy over every position of the sequences, offsets dropped.</summary>
    public double ValidationLoss(IReadOnlyList<TrainingSequence> sequences)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var items = model.ItemVectors(textEmbeddings);
        double sum = 0;
        long positions = 0;
        foreach (var chunk in sequences.Chunk(256))
        {
            using var inner = NewDisposeScope();
            using var batch = SequenceBatch.Create(chunk, (int)textEmbeddings.shape[0], model.Config.MaxLength, device);
            sum += NextItemObjective.Loss(model, batch, items, 0).item<float>() * batch.Positions;
            positions += batch.Positions;
        }

        return sum / positions;
    }

    /// <summary>Shuffled, then grouped by length so a batch pads little; batch order shuffled again.</summary>
    internal static List<TrainingSequence[]> Batches(IReadOnlyList<TrainingSequence> sequences, int size, Random random)
    {
        var shuffled = sequences.ToArray();
        random.Shuffle(shuffled);
        var buckets = shuffled.Chunk(size * 20)
            .SelectMany(bucket => bucket.OrderBy(s => s.Items.Length).Chunk(size))
            .ToArray();
        random.Shuffle(buckets);
        return [.. buckets];
    }

    private Dictionary<string, Tensor> Snapshot()
    {
        using var noGrad = no_grad();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
    }

    private void Restore(Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            parameter.copy_(snapshot[name]);
        }
    }

    private static void Dispose(Dictionary<string, Tensor> snapshot)
    {
        foreach (var t in snapshot.Values)
        {
            t.Dispose();
        }
    }
}
