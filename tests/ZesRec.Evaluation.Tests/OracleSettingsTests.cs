using ZesRec.Evaluation.Oracles;
using ZesRec.Model;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Tests;

public sealed class OracleSettingsTests
{
    [Fact]
    public void Parse_should_key_settings_by_oracle_name_when_given_mixed_case_names()
    {
        // When
        var settings = OracleSettings.Parse("gru4rec=300:1, TCN=128:0.5,hrnn-meta=64:0.01");

        // Then
        Assert.Equal((300, 1.0), settings["GRU4Rec"]);
        Assert.Equal((128, 0.5), settings["TCN"]);
        Assert.Equal((64, 0.01), settings["HRNN-Meta"]);
        Assert.Equal(3, settings.Count);
    }

    [Theory]
    [InlineData("tcn=128", "is not NAME=D:LR")]
    [InlineData("sasrec=128:1", "'sasrec' is no oracle")]
    [InlineData("tcn=0:1", "D '0' is not a positive integer")]
    [InlineData("tcn=128:-1", "learning rate '-1' is not a positive number")]
    [InlineData("tcn=128:1,TCN=300:1", "names TCN twice")]
    public void Parse_should_reject_an_entry_with_the_reason_when_it_is_malformed(string value, string reason)
    {
        // When
        var error = Assert.Throws<FormatException>(() => OracleSettings.Parse(value));

        // Then
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trainer_should_train_only_the_fixed_setting_when_an_oracle_has_one_even_with_the_grid_on()
    {
        // Given a tiny item-id domain: 12 users cycling through 6 items
        var train = Enumerable.Range(0, 12).Select(u => HandMade.User($"u{u}", [.. Enumerable.Range(0, 5).Select(k => (u + k) % 6)])).ToList();
        var validation = Enumerable.Range(0, 3).Select(u => HandMade.User($"v{u}", [.. Enumerable.Range(0, 4).Select(k => (u + k) % 6)])).ToList();
        using var ids = ItemIdFeatures.Create(6, CPU);
        var log = new StringWriter();
        var fixedSettings = OracleSettings.Parse("tcn=16:0.5");
        var trainer = new OracleTrainer(new ZesRecConfig { MaxEpochs = 1 }, grid: true, log, fixedSettings);

        // When TCN (fixed) and GRU4Rec (grid) are trained
        var tcn = trainer.Train(new OracleSpec(UserEncoderVariant.Parse("tcn"), Meta: false), ids, train, validation, seed: 1);
        var gru = trainer.Train(new OracleSpec(UserEncoderVariant.Parse("gru4rec"), Meta: false), ids, train, validation, seed: 1);
        tcn.Model.Dispose();
        gru.Model.Dispose();

        // Then TCN was trained once with D=16, lr=0.5 and GRU4Rec over the whole grid
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("best epoch", StringComparison.Ordinal)).ToList();
        Assert.Equal((16, 0.5), (tcn.Config.Dim, tcn.Config.LearningRate));
        Assert.Single(lines, l => l.Contains("TCN seed 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("TCN seed 1 D=16 lr=0.5", StringComparison.Ordinal));
        Assert.Equal(OracleTrainer.GridDims.Count * OracleTrainer.GridLearningRates.Count, lines.Count(l => l.Contains("GRU4Rec seed 1", StringComparison.Ordinal)));
    }
}
