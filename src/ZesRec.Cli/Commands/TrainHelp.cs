using System.Globalization;
using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Cli.Commands;

/// <summary>
/// <c>zesrec train --help</c>, written from the code's defaults (the default preset, the user encoder registry,
/// <see cref="TrainingJobOptions"/>), so that it cannot drift from what train does.
/// </summary>
internal static class TrainHelp
{
    public static TrainingJobOptions JobDefaults { get; } = new() { SourceDir = "", OutDir = "" };

    public static ZesRecConfig Defaults => ZesRecPresets.Parse(ZesRecPresets.DefaultName);

    public static string Text => string.Create(CultureInfo.InvariantCulture, $"""
        Usage: zesrec train --source DIR --out DIR [options]

          --source DIR          dataset folder (items.jsonl + interactions.jsonl), see docs/datasets.md
          --out DIR             model folder to write: model.bin + model-card.json, put in place only when
                                both are complete (an existing model there is replaced in one rename)
          --preset NAME         {string.Join(" or ", ZesRecPresets.Names)} (default {ZesRecPresets.DefaultName}). transfer adds the last item's vector to the
                                user vector (--skip-last-item on): without it GRU4Rec and HRNN, whose user
                                vector is only the recurrent state, fall below EMB-KNN on an unseen domain;
                                and it scores by cosine divided by 0.1 (--temperature 0.1), which lifts
                                every variant further on an unseen domain (docs/results.md). There the three
                                variants score within noise of each other; the default, tcn, has the cheapest
                                states to store. paper is the paper's configuration exactly.
                                Options below override the preset.
          --variant NAME        user encoder (default {Defaults.Variant}):
        {Variants()}
          --device NAME         auto, cpu or cuda (default {JobDefaults.Device})
          --threads N           libtorch CPU threads (default: the number of cores)
          --encoder SPEC        minilm (all-MiniLM-L6-v2, mean pooling), minilm-int8 (the same
                                model with int8 weights: about twice as fast on CPU, vectors at cosine
                                ~0.99 to minilm) or a folder with a BERT model.onnx + vocab.txt ([CLS]
                                pooling, the paper's setting) (default {JobDefaults.Encoder})
          --cache DIR           encoded-text cache (default {JobDefaults.CacheDir}); --no-cache disables it
          --dim N               vector dimension D (default {Defaults.Dim})
          --dropout X           dropout on item inputs (default {Defaults.Dropout})
          --lambda-v X          L2 penalty (prior precision) of item offsets (default {Defaults.LambdaV})
          --lr X                Adagrad learning rate (default {Defaults.LearningRate})
          --epochs N            at most N epochs, early stopping on validation loss (default {Defaults.MaxEpochs})
          --patience N          epochs without improvement before stopping (default {Defaults.Patience})
          --batch-size N        sequences per batch (default {Defaults.BatchSize})
          --max-length N        most recent items used per user (default {Defaults.MaxLength})
          --session-gap N       HRNN: a gap over N (seconds, or positions) starts a session (default {Defaults.SessionGap}).
                                A source with positions instead of times has no sessions: HRNN then trains
                                with sessions off and says so
          --sampled-negatives N sampled softmax with N negatives instead of the full softmax, 0: full (default {Defaults.SampledNegatives})
          --skip-last-item S    on/off: user vector = encoder output + last item vector (default {OnOff(Defaults.SkipLastItem)})
          --user-head S         on/off: a linear layer from the encoder output to item space (default {OnOff(Defaults.UserHead)})
          --normalize-text S    on/off: L2-normalise text embeddings before the item layer (default {OnOff(Defaults.NormalizeText)})
          --temperature X       > 0: cosine scores divided by X instead of inner products (default {Defaults.Temperature})
          --adagrad-init X      Adagrad's starting accumulator (default {Defaults.AdagradInitialAccumulator})
          --seed N              seed of initialisation, shuffling and the validation split (default {Defaults.Seed})

        A setting out of range (for example --epochs 0, --lr NaN, --dropout 1) is refused before anything is read
        or written.
        """);

    public static string OnOff(bool value) => value ? "on" : "off";

    // One line per registered user encoder: adding one to the registry adds it here.
    private static string Variants() => string.Join(
        Environment.NewLine,
        UserEncoderRegistry.All.Select(d => $"                          {d.Name,-8} {d.Help}"));
}
