using System.Globalization;
using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec train</c>: the offline job that trains ZESRec on a source domain.</summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";

    public string Summary => "Train a ZESRec model on a source dataset (zesrec data import makes one).";

    public string Help => """
        Usage: zesrec train --source DIR --out DIR [options]

          --source DIR          dataset folder (items.jsonl + interactions.jsonl), see docs/datasets.md
          --out DIR             model folder to write: model.bin + model-card.json, put in place only when
                                both are complete (an existing model there is replaced in one rename)
          --preset NAME         transfer (default) or paper. transfer adds the last item's vector to the
                                user vector (--skip-last-item on): without it GRU4Rec and HRNN, whose user
                                vector is only the recurrent state, fall below EMB-KNN on an unseen domain;
                                with it every variant beats EMB-KNN on Scientific <-> Office
                                (docs/results.md). paper is the paper's configuration exactly.
                                Options below override the preset.
          --variant NAME        user encoder: hrnn (default: beats EMB-KNN both ways on Scientific/Office
                                and trains repeatably; TCN's training is not repeatable on some CPUs,
                                docs/results.md), gru4rec or tcn
          --device NAME         auto (default), cpu or cuda
          --threads N           libtorch CPU threads (default: the number of cores)
          --encoder SPEC        minilm (default: all-MiniLM-L6-v2, mean pooling), minilm-int8 (the same
                                model with int8 weights: about twice as fast on CPU, vectors at cosine
                                ~0.99 to minilm) or a folder with a BERT model.onnx + vocab.txt ([CLS]
                                pooling, the paper's setting)
          --cache DIR           encoded-text cache (default .local/cache/text); --no-cache disables it
          --dim N               vector dimension D (default 300)
          --dropout X           dropout on item inputs (default 0.2)
          --lambda-v X          L2 penalty (prior precision) of item offsets (default 100)
          --lr X                Adagrad learning rate (default 0.1)
          --epochs N            at most N epochs (default 20), early stopping on validation loss
          --patience N          epochs without improvement before stopping (default 3)
          --batch-size N        sequences per batch (default 128)
          --max-length N        most recent items used per user (default 50)
          --session-gap N       HRNN: a gap over N (seconds, or positions) starts a session (default 86400).
                                A source with positions instead of times has no sessions: HRNN then trains
                                with sessions off and says so
          --sampled-negatives N sampled softmax with N negatives instead of the full softmax (default 0: full)
          --skip-last-item S    on/off: user vector = encoder output + last item vector (transfer: on)
          --user-head S         on/off: a linear layer from the encoder output to item space (default off)
          --normalize-text S    on/off: L2-normalise text embeddings before the item layer (default off)
          --temperature X       > 0: cosine scores divided by X instead of inner products (default 0)
          --adagrad-init X      Adagrad's starting accumulator (default 0.1)
          --seed N              seed of initialisation, shuffling and the validation split (default 42)

        A setting out of range (for example --epochs 0, --lr NaN, --dropout 1) is refused before anything is read
        or written.
        """;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var defaults = Preset(args.Get("preset", "transfer"));
        var config = defaults with
        {
            Variant = CommandChecks.Variant(args.Get("variant", defaults.Variant.ToName())),
            Dim = args.GetInt("dim", defaults.Dim),
            Dropout = args.GetDouble("dropout", defaults.Dropout),
            LambdaV = args.GetDouble("lambda-v", defaults.LambdaV),
            LearningRate = args.GetDouble("lr", defaults.LearningRate),
            AdagradInitialAccumulator = args.GetDouble("adagrad-init", defaults.AdagradInitialAccumulator),
            MaxEpochs = args.GetInt("epochs", defaults.MaxEpochs),
            Patience = args.GetInt("patience", defaults.Patience),
            BatchSize = args.GetInt("batch-size", defaults.BatchSize),
            MaxLength = args.GetInt("max-length", defaults.MaxLength),
            SessionGap = args.GetLong("session-gap", defaults.SessionGap),
            SampledNegatives = args.GetInt("sampled-negatives", defaults.SampledNegatives),
            NormalizeText = args.GetSwitch("normalize-text", defaults.NormalizeText),
            UserHead = args.GetSwitch("user-head", defaults.UserHead),
            SkipLastItem = args.GetSwitch("skip-last-item", defaults.SkipLastItem),
            Temperature = args.GetDouble("temperature", defaults.Temperature),
            Seed = args.GetLong("seed", defaults.Seed),
        };
        var options = new TrainingJobOptions
        {
            SourceDir = args.Require("source"),
            OutDir = args.Require("out"),
            Config = config,
            Encoder = args.Get("encoder", "minilm"),
            CacheDir = args.GetFlag("no-cache") ? null : args.Get("cache", Path.Combine(".local", "cache", "text")),
            Device = CommandChecks.Device(args.Get("device", "auto")),
            Threads = args.GetInt("threads", Environment.ProcessorCount),
        };
        CommandChecks.RejectUnknownOptions(args);
        if (TrainingOptionsValidator.Problems(options).FirstOrDefault() is { } problem)
        {
            throw new UsageException(problem);
        }

        var encodingBar = new ProgressBar("encode");
        var trainingBar = new ProgressBar("train ");
        var encoding = new SynchronousProgress<(int Done, int Total)>(p =>
            encodingBar.Update((double)p.Done / Math.Max(1, p.Total), $"{p.Done:N0}/{p.Total:N0} texts", p.Done == p.Total));
        var training = new SynchronousProgress<TrainingProgress>(p => trainingBar.Update(
            (double)p.Batch / p.Batches,
            string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.MaxEpochs} batch {p.Batch}/{p.Batches} loss {p.RunningLoss:F4} {p.Interactions / Math.Max(1e-9, p.Elapsed.TotalSeconds):N0} interactions/s")));
        var log = new BarAwareWriter(trainingBar, Console.Out);
        var (model, _) = TrainingJob.Run(options, log, training, encoding);
        model.Dispose();
        return Task.FromResult(0);
    }

    private static ZesRecConfig Preset(string name)
    {
        try
        {
            return ZesRecPresets.Parse(name);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Clears the progress line before a log line, so the two do not interleave.</summary>
    private sealed class BarAwareWriter(ProgressBar bar, TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void WriteLine(string? value)
        {
            bar.Done();
            inner.WriteLine(value);
        }

        public override void Write(char value) => inner.Write(value);
    }
}
