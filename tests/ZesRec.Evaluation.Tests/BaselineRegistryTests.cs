using ZesRec.Data;
using ZesRec.Evaluation.Baselines;
using ZesRec.Evaluation.Oracles;
using ZesRec.Model;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Tests;

/// <summary>Every baseline of the registry parses, builds what it names, and every user encoder brings its two oracles.</summary>
public sealed class BaselineRegistryTests
{
    public static TheoryData<string> Names => [.. BaselineRegistry.All.Select(b => b.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Baseline_should_parse_in_any_case_and_build_a_ranker_or_name_an_oracle(string name)
    {
        // Given the entry and a hand-made target of 4 items
        Assert.True(BaselineRegistry.TryParse(name.ToUpperInvariant(), out var baseline));
        var target = PreparedDomain.Prepare(HandMade.Dataset("t", ["a", "b", "c", "d"], ("u", "a"), ("u", "b"), ("u", "c"), ("v", "b"), ("v", "d")));
        using var text = randn(4, 3);

        // When / Then: a ranker named as the entry that scores every item, or an oracle that parses back to itself
        if (baseline.Oracle is { } spec)
        {
            Assert.Null(baseline.Create);
            Assert.Equal(baseline.DisplayName, spec.Name);
            Assert.True(OracleSpec.TryParse(name, out var parsed));
            Assert.Equal(spec, parsed);
            Assert.Contains(baseline.DisplayName, OracleSettings.Parse($"{name}=8:0.1").Keys);
        }
        else
        {
            var ranker = baseline.Create!(new BaselineInputs(target, text, Seed: 1));
            using var scores = ranker.Scores(target.Test, allPositions: false);
            (ranker as IDisposable)?.Dispose();
            Assert.Equal(baseline.DisplayName, ranker.Name);
            Assert.Equal([target.Test.Count, 4], scores.shape);
        }
    }

    [Fact]
    public void Every_user_encoder_should_have_an_item_id_oracle_and_a_text_oracle()
    {
        foreach (var encoder in UserEncoderRegistry.All)
        {
            Assert.Contains(BaselineRegistry.All, b => b.Oracle == new OracleSpec(encoder.Variant, Meta: false) && b.Name == encoder.Name);
            Assert.Contains(BaselineRegistry.All, b => b.Oracle == new OracleSpec(encoder.Variant, Meta: true) && b.DisplayName == encoder.DisplayName + "-Meta");
        }
    }

    [Fact]
    public void Default_baselines_should_be_the_registry_defaults_and_need_no_training()
    {
        var defaults = new EvaluationOptions { TargetDir = "", OutDir = "" }.Baselines;

        Assert.Equal(["random", "pop", "embknn"], defaults);
        Assert.All(defaults, n => Assert.True(BaselineRegistry.TryParse(n, out var b) && b.Create is not null));
    }
}
