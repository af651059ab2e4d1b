using ZesRec.Model.Training;

namespace ZesRec.Model.Tests;

/// <summary>
/// <c>zesrec train --out</c> over an existing model folder: a run that is refused or fails leaves the folder as it
/// was, and a run that succeeds replaces weights and card together.
/// </summary>
[Trait("Tier", "Integration")]
public sealed class ModelFolderAtomicityTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, Func<ZesRecConfig, ZesRecConfig>> Refused => new()
    {
        { "--epochs", c => c with { MaxEpochs = 0 } },
        { "--lr", c => c with { LearningRate = double.NaN } },
        { "--lr", c => c with { LearningRate = -0.1 } },
        { "--lr", c => c with { LearningRate = double.PositiveInfinity } },
        { "--dropout", c => c with { Dropout = 1 } },
        { "--dropout", c => c with { Dropout = -0.5 } },
        { "--dim", c => c with { Dim = 0 } },
        { "--batch-size", c => c with { BatchSize = 0 } },
        { "--lambda-v", c => c with { LambdaV = double.NaN } },
        { "--patience", c => c with { Patience = 0 } },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Training_should_refuse_an_invalid_setting_and_leave_the_existing_model_intact(string option, Func<ZesRecConfig, ZesRecConfig> change)
    {
        // Given a trained D=16 model folder
        var output = _temp["model"];
        Train(output, SmallConfig);
        var before = Snapshot(output);

        // When a run with an invalid setting targets the same folder
        var error = Assert.Throws<ArgumentException>(() => Train(output, change(SmallConfig with { Dim = 24 })));

        // Then it is refused with one sentence naming the option, and the folder still loads as the D=16 model
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(before, Snapshot(output));
        AssertLoads(output, expectedDim: 16);
        Assert.Equal([output], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Training_should_refuse_zero_threads_before_reading_the_dataset()
    {
        var options = Options(_temp["model"], SmallConfig) with { SourceDir = _temp["no-such-dataset"], Threads = 0 };

        var error = Assert.Throws<ArgumentException>(() => TrainingJob.Run(options, TextWriter.Null));

        Assert.Contains("--threads", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp["model"]));
    }

    [Fact]
    public void Training_should_fail_without_writing_when_the_loss_diverges()
    {
        // Given a trained D=16 model folder
        var output = _temp["model"];
        Train(output, SmallConfig);
        var before = Snapshot(output);

        // When a run whose learning rate is finite but far too large (every loss is NaN) targets it
        var error = Assert.Throws<TrainingFailedException>(() => Train(output, SmallConfig with { Dim = 24, LearningRate = 1e30, MaxEpochs = 1 }));

        // Then the run fails naming the cause, and the old model is still there, whole
        Assert.Contains("diverged", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(output));
        AssertLoads(output, expectedDim: 16);
        Assert.Equal([output], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Training_should_replace_weights_and_card_together_when_it_succeeds_over_an_existing_model()
    {
        var output = _temp["model"];
        Train(output, SmallConfig);

        Train(output, SmallConfig with { Dim = 24 });

        AssertLoads(output, expectedDim: 24);
        Assert.Equal([output], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Training_should_refuse_an_output_folder_that_holds_something_else()
    {
        var output = _temp["notes"];
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "todo.txt"), "keep me");

        var error = Assert.Throws<ArgumentException>(() => Train(output, SmallConfig));

        Assert.Contains("not a model folder", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "todo.txt")));
    }

    private static ZesRecConfig SmallConfig => new() { Dim = 16, BatchSize = 32, MaxEpochs = 1, Seed = 1 };

    private static void Train(string output, ZesRecConfig config)
    {
        var (model, _) = TrainingJob.Run(Options(output, config), TextWriter.Null);
        model.Dispose();
    }

    private static TrainingJobOptions Options(string output, ZesRecConfig config) => new()
    {
        SourceDir = TinyFixture.ScientificDataset,
        OutDir = output,
        Config = config,
        CacheDir = TinyFixture.TextCache,
        Device = "cpu",
        Threads = 1,
    };

    private static void AssertLoads(string dir, int expectedDim)
    {
        var (model, card) = ModelCheckpoint.Load(dir);
        model.Dispose();
        Assert.Equal(expectedDim, card.Config.Dim);
    }

    private static string Snapshot(string dir) => string.Join(
        ";",
        Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}"));
}
