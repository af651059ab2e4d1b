using ZesRec.Model;
using ZesRec.Model.Users;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Tests;

/// <summary>A TCN state is rebuilt from the stored history, so the history kept must cover its receptive field.</summary>
public sealed class TcnHistorySettingTests
{
    [Fact]
    public void Create_should_refuse_a_history_shorter_than_the_tcn_models_receptive_field_before_connecting()
    {
        // Given an (untrained) TCN model of receptive field 15 and a processor keeping 14 items per user
        var dir = Path.Combine(Path.GetTempPath(), "zesrec-tcn-history-" + Guid.NewGuid().ToString("N"));
        var config = new ZesRecConfig { Variant = TcnVariant.Definition.Variant, Dim = 8 };
        using (var model = new ZesRecModel(config, textDim: 4, sourceItems: 1))
        {
            ModelCheckpoint.Save(dir, model, new ModelCard
            {
                ModelVersion = "tcn-test",
                Config = config,
                TextEncoder = "synthetic",
                TextDim = 4,
                SourceDataset = "synthetic",
                DataFingerprint = "none",
                SourceItems = 1,
                TrainUsers = 0,
                ValidationUsers = 0,
                BestEpoch = 0,
                BestValidationLoss = 0,
                TrainingSeconds = 0,
                Device = "cpu",
                CreatedAt = DateTimeOffset.UnixEpoch,
            });
        }

        try
        {
            var options = new ServeOptions { ModelDir = dir };
            options.Processing.MaxHistory = 14;

            // When / Then: one sentence naming the setting and the window
            var error = Assert.Throws<ArgumentException>(() => StreamingProcessor.Create(options, TextWriter.Null));
            Assert.Contains("Processing:MaxHistory: 14 is below the 15 items", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
