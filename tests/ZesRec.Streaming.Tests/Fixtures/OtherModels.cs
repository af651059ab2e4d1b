using ZesRec.Data.Import;
using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Models of the harness's dimension that are not the harness's model: the same GRU4Rec retrained with another seed,
/// and a TCN. A store written by the harness model means nothing to either.
/// </summary>
public sealed class OtherModels : IAsyncLifetime
{
    public string RetrainedDir { get; } = Path.Combine(Path.GetTempPath(), "zesrec-proc-retrained-" + Guid.NewGuid().ToString("N"));

    public string TcnDir { get; } = Path.Combine(Path.GetTempPath(), "zesrec-proc-tcn-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        var source = Path.Combine(Path.GetTempPath(), "zesrec-proc-src-" + Guid.NewGuid().ToString("N"));
        DatasetImporters.ImportTo("tsv", RepoPaths.SharedData("tiny/amazon_scientific_tiny"), source, "tiny-scientific");
        Train(source, RetrainedDir, new ZesRecConfig { Dim = 32, MaxEpochs = 2, BatchSize = 16, Seed = 6 });
        Train(source, TcnDir, new ZesRecConfig { Variant = UserEncoderVariant.Parse("tcn"), Dim = 32, MaxEpochs = 2, BatchSize = 16, Seed = 5 });
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static void Train(string source, string outDir, ZesRecConfig config)
    {
        var (model, _) = TrainingJob.Run(
            new TrainingJobOptions { SourceDir = source, OutDir = outDir, Config = config, CacheDir = ProcessorHarness.TextCache, Device = "cpu", Threads = 1 },
            TextWriter.Null);
        model.Dispose();
    }
}
