using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ZesRec.Model;
using ZesRec.Model.Training;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Upgrade;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// One round of online adaptation: fine-tune the serving model, starting from its weights, on the interactions it
/// consumed before the held-out slice; score it and the serving model on that slice; promote the candidate only when
/// <see cref="PromotionGuard"/> finds it better, by writing it as a model folder and moving the store to it with
/// <see cref="ModelUpgrade"/> (the serving processor stops at its next flush, and one of the new model takes over).
/// </summary>
public sealed class AdaptationRound(NpgsqlDataSource dataSource, AdaptationSettings settings, Device device, string? textCache, TextWriter log)
{
    /// <summary>
    /// Turns the serving model's copy into the candidate (default: <see cref="FineTuner"/> on the training part).
    /// Tests put another in to build a worse candidate.
    /// </summary>
    public Action<ZesRecModel, Tensor, AdaptationData>? Tune { get; init; }

    public async Task<AdaptationOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var serving = await StoreSchema.ServingVersionAsync(dataSource, cancellationToken).ConfigureAwait(false)
            ?? throw new AdaptationException("the store has no serving model yet: start 'zesrec serve' on it first");
        var servingDir = FindModel(serving);
        var (servingModel, card) = ModelCheckpoint.Load(servingDir, device);
        using var disposeServing = servingModel;
        var data = await AdaptationData.LoadAsync(dataSource, serving, settings.HeldOutFraction, cancellationToken).ConfigureAwait(false);
        if (data.HeldOutInteractions < settings.MinHeldOut || data.Train.Count == 0)
        {
            return Done(new AdaptationOutcome(
                AdaptationDecision.Skipped,
                $"skipped: {data.HeldOutInteractions:N0} held-out interactions, fewer than the {settings.MinHeldOut:N0} a fair comparison needs",
                serving));
        }

        using var encoder = TextEncoders.Create(card.TextEncoderSpec, textCache);
        using var text = TextFeatures.Encode(encoder, data.Texts, device);
        var before = HeldOutScore.Of(servingModel, text, data.HeldOut, device);
        var (candidate, _) = ModelCheckpoint.Load(servingDir, device);
        using var disposeCandidate = candidate;
        var clock = Stopwatch.StartNew();
        log.WriteLine($"zesrec adapt: fine-tuning model {serving} on {data.TrainInteractions:N0} interactions of {data.Train.Count:N0} users, validating on the last {data.HeldOutInteractions:N0}");
        (Tune ?? FineTune)(candidate, text, data);
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        var after = HeldOutScore.Of(candidate, text, data.HeldOut, device);
        var (promote, reason) = PromotionGuard.Decide(before, after, settings.MinGain, settings.MinZ);
        AdaptationMetrics.ServingNdcg.Set(before.Ndcg);
        AdaptationMetrics.CandidateNdcg.Set(after.Ndcg);
        AdaptationMetrics.HeldOut.Set(before.Targets);
        AdaptationMetrics.TrainingSeconds.Set(trainingSeconds);
        if (!promote)
        {
            return Done(new AdaptationOutcome(AdaptationDecision.Rejected, reason, serving, null, before, after, data.TrainInteractions, trainingSeconds));
        }

        var version = ModelIdentity.Of(candidate, card.TextEncoder);
        var promoted = card with
        {
            ModelVersion = version,
            AdaptedFrom = serving,
            AdaptedInteractions = data.TrainInteractions,
            TrainingSeconds = trainingSeconds,
            CreatedAt = DateTimeOffset.UtcNow,
            Epochs = [],
        };
        var outDir = Path.Combine(settings.ModelsDir, version);
        ModelCheckpoint.Save(outDir, candidate, promoted);
        clock.Restart();
        var upgrade = new ModelUpgrade(dataSource, candidate, promoted, encoder, device, log) { BatchSize = settings.UpgradeBatchSize };
        await upgrade.ServingAsync(cancellationToken).ConfigureAwait(false);
        await upgrade.PrepareAsync(serving, cancellationToken).ConfigureAwait(false);
        // Before the switch: a processor restarted through the link from here on waits for it instead of refusing.
        ModelLink.Repoint(settings.ModelDir, outDir, log);
        await upgrade.SwitchAsync(serving, cancellationToken).ConfigureAwait(false);
        return Done(new AdaptationOutcome(
            AdaptationDecision.Promoted, $"{reason}; model {version} written to {outDir} and serving", serving, version, before, after,
            data.TrainInteractions, trainingSeconds, clock.Elapsed.TotalSeconds));
    }

    /// <summary>The folder of <paramref name="version"/>: the configured model, or one that adapt wrote to the models folder.</summary>
    public string FindModel(string version)
    {
        if (ModelCard.Load(settings.ModelDir).ModelVersion == version)
        {
            return settings.ModelDir;
        }

        var found = Directory.Exists(settings.ModelsDir)
            ? Directory.EnumerateDirectories(settings.ModelsDir).FirstOrDefault(d => File.Exists(Path.Combine(d, ModelCard.FileName)) && ModelCard.Load(d).ModelVersion == version)
            : null;
        return found ?? throw new AdaptationException(
            $"the store is served by model {version}, which is neither --model {settings.ModelDir} nor a folder in --models {settings.ModelsDir}: point --model at the serving model's folder");
    }

    private void FineTune(ZesRecModel model, Tensor text, AdaptationData data) => FineTune(settings, model, text, data, device, log);

    /// <summary>
    /// The default fine-tuning of a round: <see cref="FineTuner"/> on <paramref name="data"/>'s training part with
    /// <paramref name="settings"/>' epochs, learning rate, scope, anchor and classes; with
    /// <see cref="AdaptationSettings.InnerHeldOutFraction"/>, early stopping on the most recent part of the training
    /// part, scored as the round scores (NDCG@20 over the whole catalogue, seen items excluded), and with
    /// <see cref="AdaptationSettings.Refit"/> the best epoch count trained again from the starting weights on the
    /// whole training part.
    /// </summary>
    public static FineTuneResult FineTune(AdaptationSettings settings, ZesRecModel model, Tensor text, AdaptationData data, Device device, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(log);
        var train = data.Train;
        IReadOnlyList<HeldOutSequence>? inner = null;
        if (settings.InnerHeldOutFraction > 0)
        {
            var split = AdaptationData.Split(
                data.ItemIds, data.Texts, [.. train.Select((s, u) => (u.ToString("D9", CultureInfo.InvariantCulture), s.Items, s.Times))], settings.InnerHeldOutFraction);
            if (split.Train.Count > 0 && split.HeldOutInteractions > 0)
            {
                train = split.Train;
                inner = split.HeldOut;
            }
        }

        // With --refit, the serving weights are kept to start again from them on the whole training part.
        var start = settings.Refit && inner is not null ? Snapshot(model) : null;
        try
        {
            var result = Run(settings, model, text, train, settings.Epochs, inner, device, log);
            if (inner is not null)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"zesrec adapt: early stopping on the last {inner.Sum(h => h.Sequence.Items.Length - h.From):N0} training interactions: NDCG@20 by epoch {string.Join(" ", result.Validation.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}; keeping epoch {result.BestEpoch}"));
            }

            if (start is not null && result.BestEpoch > 0)
            {
                Restore(model, start);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"zesrec adapt: refitting {result.BestEpoch} epochs on all {data.TrainInteractions:N0} training interactions"));
                var refit = Run(settings, model, text, data.Train, result.BestEpoch, null, device, log);
                result = result with { Loss = refit.Loss };
            }

            return result;
        }
        finally
        {
            foreach (var tensor in start?.Values ?? Enumerable.Empty<Tensor>())
            {
                tensor.Dispose();
            }
        }
    }

    private static FineTuneResult Run(
        AdaptationSettings settings, ZesRecModel model, Tensor text, IReadOnlyList<TrainingSequence> train, int epochs, IReadOnlyList<HeldOutSequence>? inner, Device device, TextWriter log)
    {
        var (classes, sequences) = settings.ConsumedItemsOnly ? ConsumedOnly(text, train) : (text, train);
        try
        {
            var tuner = new FineTuner(model, classes, device)
            {
                Epochs = epochs,
                LearningRate = settings.LearningRate,
                Scope = settings.Tune,
                Anchor = settings.Anchor,
                Patience = settings.Patience,
                Validate = inner is null ? null : () => HeldOutScore.Of(model, text, inner, device).Ndcg,
                EpochDone = (epoch, loss) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"zesrec adapt: epoch {epoch}/{epochs}: loss {loss:F4}")),
            };
            return tuner.Tune(sequences);
        }
        finally
        {
            if (!ReferenceEquals(classes, text))
            {
                classes.Dispose();
            }
        }
    }

    private static Dictionary<string, Tensor> Snapshot(ZesRecModel model)
    {
        using var noGrad = no_grad();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
    }

    private static void Restore(ZesRecModel model, Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            parameter.copy_(snapshot[name]);
        }
    }

    /// <summary>
    /// The texts of the items <paramref name="train"/> consumed, and the sequences renumbered into them: the softmax
    /// of a fine-tuning over these classes only never pushes down an item nobody has had yet (one stored but not yet
    /// discovered, or one that becomes popular later in the stream).
    /// </summary>
    public static (Tensor Texts, List<TrainingSequence> Sequences) ConsumedOnly(Tensor texts, IReadOnlyList<TrainingSequence> train)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(train);
        var items = train.SelectMany(s => s.Items).Distinct().Order().ToArray();
        var renumber = items.Select((item, i) => (item, i)).ToDictionary(p => p.item, p => p.i);
        using var rows = tensor(items.Select(i => (long)i).ToArray(), device: texts.device);
        return (texts.index_select(0, rows), [.. train.Select(s => s with { Items = [.. s.Items.Select(i => renumber[i])] })]);
    }

    private AdaptationOutcome Done(AdaptationOutcome outcome)
    {
        AdaptationMetrics.Rounds.WithLabels(outcome.Decision.ToString().ToLowerInvariant()).Inc();
        if (outcome.UpgradeSeconds > 0)
        {
            AdaptationMetrics.UpgradeSeconds.Set(outcome.UpgradeSeconds);
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"zesrec adapt: {outcome.Reason}{(outcome.TrainingSeconds > 0 ? $" (fine-tuning {outcome.TrainingSeconds:F1} s{(outcome.UpgradeSeconds > 0 ? $", upgrade {outcome.UpgradeSeconds:F1} s" : "")})" : "")}"));
        return outcome;
    }
}
