using ZesRec.Cli.Commands;

namespace ZesRec.Cli.Tests;

/// <summary><c>zesrec adapt</c> refuses bad options with one sentence before it touches the store.</summary>
public sealed class AdaptVerbTests
{
    [Theory]
    [InlineData("missing required option --model (the folder of the model the store was first served with)", "adapt", "--once")]
    [InlineData("--held-out must be between 0 and 1, got 1.5", "adapt", "--model", "m", "--held-out", "1.5")]
    [InlineData("--min-gain must be at least 0, got -0.1", "adapt", "--model", "m", "--min-gain", "-0.1")]
    [InlineData("--every must be at least 1, got 0", "adapt", "--model", "m", "--every", "0")]
    [InlineData("--epochs must be at least 1, got 0", "adapt", "--model", "m", "--epochs", "0")]
    [InlineData("--tune must be all, user or items, got item", "adapt", "--model", "m", "--tune", "item")]
    [InlineData("--anchor must be a finite number of at least 0, got -1", "adapt", "--model", "m", "--anchor", "-1")]
    [InlineData("--early-stopping must be 0 or a fraction below 1, got 1", "adapt", "--model", "m", "--early-stopping", "1")]
    [InlineData("--patience must be at least 1, got 0", "adapt", "--model", "m", "--patience", "0")]
    [InlineData("--refit must be on or off, got yes", "adapt", "--model", "m", "--refit", "yes")]
    public void Adapt_should_refuse_a_bad_option_with_one_sentence(string sentence, params string[] args)
    {
        var result = Cli.Run(args);

        Assert.Equal(ExitCodes.Usage, result.Code);
        Assert.Equal($"zesrec adapt: {sentence}", result.Sentence);
    }

    [Fact]
    public void Adapt_should_refuse_a_model_folder_that_is_not_one()
    {
        var result = Cli.Run("adapt", "--model", Path.Combine(Path.GetTempPath(), "zesrec-no-such-model-" + Guid.NewGuid().ToString("N")), "--once");

        Assert.Equal(ExitCodes.BadInput, result.Code);
        Assert.Contains("folder not found", result.Sentence, StringComparison.Ordinal);
    }
}
