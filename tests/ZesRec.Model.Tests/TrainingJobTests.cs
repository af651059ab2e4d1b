using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Model.Training;

namespace ZesRec.Model.Tests;

[Trait("Tier", "Integration")]
public sealed class TrainingJobTests
{
    public static TheoryData<string> Variants => new() { "gru4rec", "tcn", "hrnn" };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Variant_should_train_one_epoch_and_save_a_loadable_model_when_given_the_tiny_fixture(string variant)
    {
        // Given the tiny Scientific fixture and a small model of this variant
        var output = TempDir();
        var options = Options(output) with { Config = SmallConfig(variant) with { MaxEpochs = 1 } };

        // When the training job runs
        var (model, card) = TrainingJob.Run(options, TextWriter.Null);
        model.Dispose();

        // Then one epoch ran with finite losses, and the folder holds a model that loads with its card
        Assert.Single(card.Epochs);
        Assert.True(double.IsFinite(card.BestValidationLoss));
        Assert.Equal("all-MiniLM-L6-v2/mean", card.TextEncoder);
        Assert.Equal(717, card.SourceItems);
        var (loaded, loadedCard) = ModelCheckpoint.Load(output);
        Assert.Equal(UserEncoderVariant.Parse(variant), loadedCard.Config.Variant);
        loaded.Dispose();
    }

    [Fact]
    public void Training_loss_should_fall_when_the_tiny_fixture_is_trained_for_several_epochs()
    {
        // Given the tiny fixture
        var options = Options(TempDir()) with { Config = SmallConfig("gru4rec") with { MaxEpochs = 6, Patience = 10 } };

        // When the training job runs
        var (model, card) = TrainingJob.Run(options, TextWriter.Null);
        model.Dispose();

        // Then the training loss of the last epoch is clearly below the first epoch's (and below log N)
        Assert.True(card.Epochs[^1].TrainLoss < card.Epochs[0].TrainLoss - 0.1, string.Join(", ", card.Epochs.Select(e => e.TrainLoss)));
        Assert.True(card.Epochs[^1].TrainLoss < Math.Log(card.SourceItems));
    }

    [Fact]
    public void Training_should_fail_with_a_clear_error_when_the_dataset_is_empty()
    {
        // Given a dataset folder with no events
        var dir = WriteDataset([], []);

        // When training starts / Then it stops with an error that names the problem
        var error = Assert.ThrowsAny<Exception>(() => TrainingJob.Run(Options(dir) with { SourceDir = dir, OutDir = TempDir() }, TextWriter.Null));
        Assert.Contains("empty", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Training_should_fail_naming_the_line_when_an_interaction_has_an_unknown_item()
    {
        // Given a dataset whose interaction names an item that was never created
        var dir = WriteDataset(
            [new ItemCreated(1, "a", "Lab beaker", null)],
            [new InteractionOccurred(1, "u1", "a", null, 1), new InteractionOccurred(1, "u1", "missing-item", null, 2)]);

        // When training starts / Then the error names the file, the line and the item
        var error = Assert.ThrowsAny<Exception>(() => TrainingJob.Run(Options(TempDir()) with { SourceDir = dir }, TextWriter.Null));
        Assert.Contains("missing-item", error.Message, StringComparison.Ordinal);
        Assert.Contains(EventLogDataset.InteractionsFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_should_fail_naming_the_line_when_an_item_has_no_text()
    {
        // Given a dataset whose item text is empty
        var dir = WriteDataset(
            [new ItemCreated(1, "a", "", null)],
            [new InteractionOccurred(1, "u1", "a", null, 1)]);

        // When training starts / Then the error names the items file and its line
        var error = Assert.ThrowsAny<Exception>(() => TrainingJob.Run(Options(TempDir()) with { SourceDir = dir }, TextWriter.Null));
        Assert.Contains(EventLogDataset.ItemsFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("1", error.Message, StringComparison.Ordinal);
    }

    private static ZesRecConfig SmallConfig(string variant) => new()
    {
        Variant = UserEncoderVariant.Parse(variant),
        Dim = 64,
        BatchSize = 16,
        Seed = 1,
    };

    private static TrainingJobOptions Options(string output) => new()
    {
        SourceDir = TinyFixture.ScientificDataset,
        OutDir = output,
        CacheDir = TinyFixture.TextCache,
        Device = "cpu",
        Threads = 1,
    };

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "zesrec-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>A valid one-event dataset whose event files are then replaced, bypassing the writer's own checks.</summary>
    private static string WriteDataset(IEnumerable<ItemCreated> items, IEnumerable<InteractionOccurred> interactions)
    {
        var dir = TempDir();
        new EventLogDataset("broken", "test", [new ItemCreated(1, "a", "Lab beaker", null)], [new InteractionOccurred(1, "u1", "a", null, 1)]).Save(dir);
        File.WriteAllLines(Path.Combine(dir, EventLogDataset.ItemsFile), items.Select(i => EventJson.SerializeText(i)));
        File.WriteAllLines(Path.Combine(dir, EventLogDataset.InteractionsFile), interactions.Select(i => EventJson.SerializeText(i)));
        return dir;
    }
}
