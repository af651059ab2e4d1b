using System.Globalization;

namespace ZesRec.Model.Training;

/// <summary>
/// Refuses settings a training run cannot use before anything is read or written: a run with <c>--epochs 0</c>
/// or <c>--lr NaN</c> would otherwise train for minutes and then fail, or write a model that cannot serve.
/// Each problem is one sentence naming the <c>zesrec train</c> option. A new numeric setting gets a line here.
/// </summary>
public static class TrainingOptionsValidator
{
    /// <summary>Throws <see cref="ArgumentException"/> with the first problem found.</summary>
    public static void Validate(TrainingJobOptions options)
    {
        if (Problems(options).FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }

    public static IEnumerable<string> Problems(TrainingJobOptions options)
    {
        var c = options.Config;
        var checks = new (bool Ok, string Problem)[]
        {
            (!string.IsNullOrWhiteSpace(options.SourceDir), "the source dataset folder (--source) is empty"),
            (!string.IsNullOrWhiteSpace(options.OutDir), "the model folder (--out) is empty"),
            (c.Dim >= 1, $"the vector dimension (--dim) must be at least 1, got {c.Dim}"),
            (double.IsFinite(c.Dropout) && c.Dropout is >= 0 and < 1, $"dropout (--dropout) must be at least 0 and below 1, got {Number(c.Dropout)}"),
            (double.IsFinite(c.LambdaV) && c.LambdaV >= 0, $"the item-offset penalty (--lambda-v) must be a finite number of at least 0, got {Number(c.LambdaV)}"),
            (double.IsFinite(c.LearningRate) && c.LearningRate > 0, $"the learning rate (--lr) must be a finite number above 0, got {Number(c.LearningRate)}"),
            (double.IsFinite(c.AdagradInitialAccumulator) && c.AdagradInitialAccumulator >= 0, $"Adagrad's initial accumulator (--adagrad-init) must be a finite number of at least 0, got {Number(c.AdagradInitialAccumulator)}"),
            (double.IsFinite(c.Temperature) && c.Temperature >= 0, $"the temperature (--temperature) must be a finite number of at least 0 (0: inner products), got {Number(c.Temperature)}"),
            (c.MaxEpochs >= 1, $"epochs (--epochs) must be at least 1, got {c.MaxEpochs}"),
            (c.Patience >= 1, $"patience (--patience) must be at least 1, got {c.Patience}"),
            (c.BatchSize >= 1, $"the batch size (--batch-size) must be at least 1, got {c.BatchSize}"),
            (c.MaxLength >= 1, $"the sequence length (--max-length) must be at least 1, got {c.MaxLength}"),
            (c.SessionGap >= 0, $"the session gap (--session-gap) must be at least 0, got {c.SessionGap}"),
            (c.SampledNegatives >= 0, $"sampled negatives (--sampled-negatives) must be at least 0 (0: full softmax), got {c.SampledNegatives}"),
            (c.TcnKernel >= 1, $"the TCN kernel size must be at least 1, got {c.TcnKernel}"),
            (c.TcnDilations.Count > 0 && c.TcnDilations.All(d => d >= 1), $"TCN dilations must be one or more numbers of at least 1, got [{string.Join(", ", c.TcnDilations)}]"),
            (options.Threads >= 1, $"threads (--threads) must be at least 1, got {options.Threads}"),
        };
        foreach (var (ok, problem) in checks)
        {
            if (!ok)
            {
                yield return problem;
            }
        }

        if (!string.IsNullOrWhiteSpace(options.OutDir) && ModelCheckpoint.SaveRefusal(options.OutDir) is { } refusal)
        {
            yield return refusal;
        }
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
