using System.Globalization;
using ZesRec.Evaluation;
using ZesRec.Evaluation.Baselines;
using ZesRec.Evaluation.Oracles;
using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Cli.Tests;

/// <summary>
/// The defaults that <c>train --help</c> and <c>evaluate --help</c> print are the code's: the default preset,
/// <see cref="TrainingJobOptions"/>, <see cref="EvaluationOptions"/>, the oracles' configuration and grid; and every
/// registered user encoder and baseline is listed.
/// </summary>
public sealed class HelpDefaultsTests
{
    private static readonly ZesRecConfig Preset = ZesRecPresets.Parse(ZesRecPresets.DefaultName);
    private static readonly TrainingJobOptions Job = new() { SourceDir = "", OutDir = "" };
    private static readonly EvaluationOptions Evaluation = new() { TargetDir = "", OutDir = "" };

    public static TheoryData<string, string> TrainDefaults => new()
    {
        { "preset", ZesRecPresets.DefaultName },
        { "variant", Preset.Variant.Name },
        { "device", Job.Device },
        { "encoder", Job.Encoder },
        { "cache", Job.CacheDir! },
        { "dim", Text(Preset.Dim) },
        { "dropout", Text(Preset.Dropout) },
        { "lambda-v", Text(Preset.LambdaV) },
        { "lr", Text(Preset.LearningRate) },
        { "epochs", Text(Preset.MaxEpochs) },
        { "patience", Text(Preset.Patience) },
        { "batch-size", Text(Preset.BatchSize) },
        { "max-length", Text(Preset.MaxLength) },
        { "session-gap", Text(Preset.SessionGap) },
        { "sampled-negatives", Text(Preset.SampledNegatives) },
        { "skip-last-item", OnOff(Preset.SkipLastItem) },
        { "user-head", OnOff(Preset.UserHead) },
        { "normalize-text", OnOff(Preset.NormalizeText) },
        { "temperature", Text(Preset.Temperature) },
        { "adagrad-init", Text(Preset.AdagradInitialAccumulator) },
        { "seed", Text(Preset.Seed) },
    };

    public static TheoryData<string, string> EvaluateDefaults => new()
    {
        { "baselines", string.Join(',', Evaluation.Baselines) },
        { "seeds", Text(Evaluation.Seeds) },
        { "first-seed", Text(Evaluation.FirstSeed) },
        { "grid", $"D={Text(new ZesRecConfig().Dim)}, lr={Text(new ZesRecConfig().LearningRate)}" },
        { "epochs", Text(Evaluation.MaxEpochs) },
        { "case-study", Text(Evaluation.CaseStudyUsers) },
        { "encoder", Evaluation.Encoder },
        { "cache", Evaluation.CacheDir! },
        { "device", Evaluation.Device },
    };

    [Theory]
    [MemberData(nameof(TrainDefaults))]
    public void Train_help_should_print_the_default_of_the_code_for_each_option(string option, string value)
    {
        Assert.Contains($"(default {value})", Block(Help("train"), option), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EvaluateDefaults))]
    public void Evaluate_help_should_print_the_default_of_the_code_for_each_option(string option, string value)
    {
        Assert.Contains($"(default {value})", Block(Help("evaluate"), option), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_should_list_every_registered_user_encoder_and_baseline_and_the_oracle_grid()
    {
        var train = Block(Help("train"), "variant");
        var evaluate = Help("evaluate");

        Assert.All(UserEncoderRegistry.All, d => Assert.Contains($" {d.Name} ", train, StringComparison.Ordinal));
        Assert.All(BaselineRegistry.All, b => Assert.Contains($" {b.Name} ", Block(evaluate, "baselines"), StringComparison.Ordinal));
        Assert.Contains($"D in {{{string.Join(',', OracleTrainer.GridDims)}}}", Block(evaluate, "grid"), StringComparison.Ordinal);
        Assert.Contains($"after {Text(new ZesRecConfig().Patience)} epochs", Block(evaluate, "epochs"), StringComparison.Ordinal);
    }

    private static string Help(string verb)
    {
        var result = Cli.Run(verb, "--help");
        Assert.Equal(0, result.Code);
        return result.Out;
    }

    // The lines of one option: from its "  --name" line to the next option's.
    private static string Block(string help, string option)
    {
        var lines = help.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($"  --{option} ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no --{option} in the help");
        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("  --", StringComparison.Ordinal) || l.Trim().Length == 0);
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }

    private static string Text(IConvertible value) => value.ToString(CultureInfo.InvariantCulture);

    private static string OnOff(bool value) => value ? "on" : "off";
}
