using System.Globalization;
using ZesRec.Data;
using TorchSharp;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Model.Training;

/// <summary>The offline job: source dataset → prepared splits → encoded item texts → trained model folder.</summary>
public static class TrainingJob
{
    public static (ZesRecModel Model, ModelCard Card) Run(
        TrainingJobOptions options,
        TextWriter log,
        IProgress<TrainingProgress>? progress = null,
        IProgress<(int Done, int Total)>? encoding = null)
    {
        TrainingOptionsValidator.Validate(options);
        var device = DeviceSelection.Resolve(options.Device);
        set_num_threads(options.Threads);
        var dataset = EventLogDataset.Load(options.SourceDir);
        var domain = PreparedDomain.Prepare(dataset, new PreparationOptions { Seed = (int)options.Config.Seed });
        log.WriteLine($"source {domain.Name}: {domain.ItemCount:N0} items, {domain.Train.Count:N0} training users, {domain.Validation.Count:N0} validation users");
        var config = SessionGaps.Adapt(options.Config, dataset, log);

        using var encoder = TextEncoders.Create(options.Encoder, options.CacheDir);
        var total = domain.ItemCount;
        using var text = TextFeatures.Encode(encoder, domain.ItemTexts, device, encoding is null ? null : new Progress<int>(done => encoding.Report((done, total))));
        log.WriteLine($"encoded {total:N0} item texts with {encoder.Name} ({encoder.Dimension} dims)");

        manual_seed(config.Seed);
        var model = new ZesRecModel(config, encoder.Dimension, domain.ItemCount);
        model.to(device);
        var trainer = new Trainer(model, text, device)
        {
            Progress = progress,
            EpochDone = r => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {r.Epoch,2}: train loss {r.TrainLoss:F4}  validation loss {r.ValidationLoss:F4}{(r.Improved ? " *" : "  ")}  {r.InteractionsPerSecond:N0} interactions/s  {r.Seconds:F1} s")),
        };
        var result = trainer.Train(TextFeatures.Sequences(domain.Train), TextFeatures.Sequences(domain.Validation));
        // A non-finite loss means weights that score nothing, and a card JSON cannot hold: fail before writing.
        var bad = result.Epochs.FirstOrDefault(e => !double.IsFinite(e.TrainLoss) || !double.IsFinite(e.ValidationLoss));
        if (bad is not null || !double.IsFinite(result.BestValidationLoss))
        {
            model.Dispose();
            var where = bad is null ? $"in all {result.Epochs.Count} epochs" : $"in epoch {bad.Epoch} (train {bad.TrainLoss}, validation {bad.ValidationLoss})";
            throw new TrainingFailedException(string.Create(CultureInfo.InvariantCulture,
                $"training diverged: the loss was not finite {where} at learning rate {options.Config.LearningRate}; nothing was written to {options.OutDir}"));
        }

        var card = new ModelCard
        {
            ModelVersion = ModelIdentity.Of(model, encoder.Name),
            Config = config,
            TextEncoder = encoder.Name,
            TextEncoderSpec = options.Encoder,
            TextDim = encoder.Dimension,
            SourceDataset = domain.Name,
            DataFingerprint = domain.Fingerprint,
            SourceItems = domain.ItemCount,
            TrainUsers = domain.Train.Count,
            ValidationUsers = domain.Validation.Count,
            BestEpoch = result.BestEpoch,
            BestValidationLoss = result.BestValidationLoss,
            TrainingSeconds = result.Duration.TotalSeconds,
            Device = device.type.ToString().ToLowerInvariant(),
            CreatedAt = DateTimeOffset.UtcNow,
            Epochs = result.Epochs,
        };
        ModelCheckpoint.Save(options.OutDir, model, card);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"best epoch {result.BestEpoch} (validation loss {result.BestValidationLoss:F4}) in {result.Duration.TotalSeconds:F1} s; saved {options.OutDir} as model version {card.ModelVersion}"));
        return (model, card);
    }
}
