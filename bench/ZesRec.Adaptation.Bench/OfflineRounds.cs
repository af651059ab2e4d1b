using System.Diagnostics;
using System.Globalization;
using ZesRec.Model;
using ZesRec.Streaming.Adaptation;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Adaptation.Bench;

/// <summary>
/// The replay's adaptation rounds without Kafka or a store (<c>--offline</c>): at each chunk boundary but the last,
/// the histories the store would hold (every item of the target stored, each user's interactions before the
/// boundary) go through <see cref="AdaptationData.Split"/>, <see cref="AdaptationRound.FineTune"/>,
/// <see cref="HeldOutScore"/> and <see cref="PromotionGuard"/> as in <c>zesrec adapt --once</c>; a promoted candidate
/// serves the next round. Prints one line per round.
/// </summary>
internal static class OfflineRounds
{
    public static int Run(StreamIndex stream, IReadOnlyList<string> itemIds, IReadOnlyList<int> boundaries, string modelDir, string textCache, IReadOnlyList<string> adaptOptions, TextWriter log)
    {
        var settings = Parse(adaptOptions, new AdaptationSettings { ModelDir = modelDir, ModelsDir = modelDir });
        set_num_threads(1);
        var device = CPU;
        var (serving, card) = ModelCheckpoint.Load(modelDir, device);
        using var encoder = TextEncoders.Create(card.TextEncoderSpec, textCache);
        using var text = TextFeatures.Encode(encoder, stream.ItemTexts, device);
        var users = stream.Users.Zip(stream.Positions).OrderBy(u => u.First.UserId, StringComparer.Ordinal).ToList();
        log.WriteLine($"offline rounds: {string.Join(' ', adaptOptions)}");
        log.WriteLine("| round after | decision | held-out NDCG@20 serving → candidate | z | held-out | fine-tuned on | best epoch | fine-tuning s | next chunk NDCG@20 serving → candidate |");
        log.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|---|");
        for (var b = 0; b + 1 < boundaries.Count; b++)
        {
            var end = boundaries[b];
            // The next chunk's interactions, each scored from everything before it: what the candidate would serve.
            var next = users
                .Select(u => (u.First, Before: u.Second.Count(s => s < end), Upto: u.Second.Count(s => s < boundaries[b + 1])))
                .Where(u => u.Upto > u.Before)
                .Select(u => new HeldOutSequence(new Model.Training.TrainingSequence(u.First.Items[..u.Upto], u.First.Times[..u.Upto]), u.Before))
                .ToList();
            var histories = users
                .Select(u => (User: u.First.UserId, Count: u.Second.Count(s => s < end), u.First))
                .Where(u => u.Count > 0)
                .Select(u => (u.User, u.First.Items[..u.Count], u.First.Times[..u.Count]))
                .ToList();
            var data = AdaptationData.Split(itemIds, stream.ItemTexts, histories, settings.HeldOutFraction);
            var before = HeldOutScore.Of(serving, text, data.HeldOut, device);
            var candidate = CloneOf(serving, modelDir, device);
            var clock = Stopwatch.StartNew();
            var result = AdaptationRound.FineTune(settings, candidate, text, data, device, TextWriter.Null);
            var seconds = clock.Elapsed.TotalSeconds;
            var after = HeldOutScore.Of(candidate, text, data.HeldOut, device);
            var (promote, _) = PromotionGuard.Decide(before, after, settings.MinGain, settings.MinZ);
            var z = PromotionGuard.PairedZ(before.PerTarget, after.PerTarget) ?? double.NaN;
            var nextBefore = HeldOutScore.Of(serving, text, next, device);
            var nextAfter = HeldOutScore.Of(candidate, text, next, device);
            var nextZ = PromotionGuard.PairedZ(nextBefore.PerTarget, nextAfter.PerTarget) ?? double.NaN;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {end:N0} | {(promote ? "promoted" : "rejected")} | {before.Ndcg:F4} → {after.Ndcg:F4} | {z:F2} | {before.Targets:N0} | {data.TrainInteractions:N0} | {result.BestEpoch}/{result.EpochsRun} {string.Join(' ', result.Validation.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))} | {seconds:F1} | {nextBefore.Ndcg:F4} → {nextAfter.Ndcg:F4} (z {nextZ:F2}, {nextBefore.Targets:N0}) |"));
            if (promote)
            {
                serving.Dispose();
                serving = candidate;
            }
            else
            {
                candidate.Dispose();
            }
        }

        serving.Dispose();
        return 0;
    }

    /// <summary>A fresh copy of <paramref name="serving"/>: the checkpoint's architecture with its current weights.</summary>
    private static ZesRecModel CloneOf(ZesRecModel serving, string modelDir, Device device)
    {
        var (copy, _) = ModelCheckpoint.Load(modelDir, device);
        using var noGrad = no_grad();
        var weights = serving.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in copy.named_parameters())
        {
            parameter.copy_(weights[name]);
        }

        return copy;
    }

    /// <summary>The fine-tuning and guard options of <c>zesrec adapt</c>, read as it reads them.</summary>
    private static AdaptationSettings Parse(IReadOnlyList<string> options, AdaptationSettings settings)
    {
        for (var i = 0; i + 1 < options.Count; i += 2)
        {
            var value = options[i + 1];
            double Number() => double.Parse(value, CultureInfo.InvariantCulture);
            settings = options[i] switch
            {
                "--held-out" => settings with { HeldOutFraction = Number() },
                "--min-gain" => settings with { MinGain = Number() },
                "--min-z" => settings with { MinZ = Number() },
                "--classes" => settings with { ConsumedItemsOnly = value == "consumed" },
                "--epochs" => settings with { Epochs = (int)Number() },
                "--learning-rate" => settings with { LearningRate = Number() },
                "--tune" => settings with { Tune = Enum.Parse<Model.Training.FineTuneScope>(value, ignoreCase: true) },
                "--anchor" => settings with { Anchor = Number() },
                "--early-stopping" => settings with { InnerHeldOutFraction = Number() },
                "--patience" => settings with { Patience = (int)Number() },
                "--refit" => settings with { Refit = value == "on" },
                _ => throw new ArgumentException($"--offline does not know the adapt option {options[i]}"),
            };
        }

        return settings;
    }
}
