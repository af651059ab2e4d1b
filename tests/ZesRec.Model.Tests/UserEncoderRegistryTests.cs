using System.Text.Json;
using CsCheck;
using ZesRec.Model.Training;
using static TorchSharp.torch;

namespace ZesRec.Model.Tests;

/// <summary>
/// Every entry of the user encoder registry is usable end to end: its names parse, it builds a model that steps,
/// and model cards name it in a form that loads, including cards written when the variant was an enum.
/// </summary>
public sealed class UserEncoderRegistryTests
{
    public static TheoryData<string> Names => [.. UserEncoderRegistry.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Entry_should_build_a_model_whose_streaming_step_gives_a_user_vector_of_dimension_d(string name)
    {
        // Given the entry and a small configuration of its variant
        var definition = UserEncoderRegistry.Parse(name);
        var config = new ZesRecConfig { Variant = definition.Variant, Dim = 8 };

        // When a model is built and steps once from the start state
        manual_seed(1);
        using var model = new ZesRecModel(config, textDim: 5, sourceItems: 3);
        using var noGrad = no_grad();
        using var state = model.StartState(tensor(new double[] { 0 }));
        using var next = model.Step(randn(1, 8), tensor(new double[] { 1 }), state);
        using var user = model.UserVector(next);

        // Then the state has the model's size and the user vector has D entries
        Assert.Equal([1, model.StateSize], next.shape);
        Assert.Equal([1, 8], user.shape);
        Assert.Equal(definition, UserEncoderRegistry.Get(config.Variant));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Entry_should_be_found_by_each_of_its_names_in_any_case(string name)
    {
        var definition = UserEncoderRegistry.Parse(name);

        Assert.All(definition.Names, n =>
        {
            Assert.Equal(definition.Variant, UserEncoderVariant.Parse(n.ToUpperInvariant()));
            Assert.Equal(definition.Variant, UserEncoderVariant.Parse(n));
        });
        Assert.Equal(definition.Name, definition.Variant.ToString());
    }

    [Fact]
    public void Names_and_aliases_should_be_unique_across_the_registry()
    {
        var names = UserEncoderRegistry.All.SelectMany(d => d.Names).Select(n => n.ToLowerInvariant()).ToList();
        var displayNames = UserEncoderRegistry.All.Select(d => d.DisplayName).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(displayNames.Count, displayNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Parse_should_name_every_registered_encoder_when_the_name_is_unknown()
    {
        var error = Assert.Throws<ArgumentException>(() => UserEncoderVariant.Parse("lstm"));

        Assert.StartsWith("unknown variant 'lstm': expected ", error.Message, StringComparison.Ordinal);
        Assert.All(UserEncoderRegistry.All, d => Assert.Contains(d.Name, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_should_find_any_casing_of_a_registered_name_and_refuse_other_words()
    {
        var names = UserEncoderRegistry.All.SelectMany(d => d.Names).ToList();
        Gen.Select(Gen.Int[0, names.Count - 1], Gen.Bool.Array[8]).Sample((index, upper) =>
        {
            var name = names[index];
            var cased = new string([.. name.Select((c, i) => upper[i % upper.Length] ? char.ToUpperInvariant(c) : c)]);
            Assert.True(UserEncoderRegistry.TryParse(cased, out var found));
            Assert.Contains(name, found.Names);
        });
        Gen.String[Gen.Char.AlphaNumeric, 0, 10].Where(s => !names.Contains(s, StringComparer.OrdinalIgnoreCase)).Sample(word =>
            Assert.False(UserEncoderRegistry.TryParse(word, out _)));
    }

    [Theory]
    [InlineData("gru4Rec", "gru4rec")]
    [InlineData("tcn", "tcn")]
    [InlineData("hrnn", "hrnn")]
    public void Card_should_load_when_written_with_the_enum_spelling_of_earlier_builds(string written, string expected)
    {
        // Given a card as earlier builds wrote it (the variant as a camel-case enum name)
        var json = JsonSerializer.Serialize(TestCards.For(new ZesRecConfig(), new TrainingResult([], 1, 1.0, TimeSpan.Zero)), ModelCard.JsonOptions)
            .Replace("\"variant\": \"gru4rec\"", $"\"variant\": \"{written}\"", StringComparison.Ordinal);
        Assert.Contains($"\"variant\": \"{written}\"", json, StringComparison.Ordinal);

        // When it is read
        var card = JsonSerializer.Deserialize<ModelCard>(json, ModelCard.JsonOptions)!;

        // Then it names the registered variant, and writing it again uses the registry name
        Assert.Equal(UserEncoderVariant.Parse(expected), card.Config.Variant);
        Assert.Contains($"\"variant\": \"{expected}\"", JsonSerializer.Serialize(card, ModelCard.JsonOptions), StringComparison.Ordinal);
    }

    [Fact]
    public void Card_should_fail_to_load_with_the_known_names_when_the_variant_is_unknown()
    {
        var json = JsonSerializer.Serialize(TestCards.For(new ZesRecConfig(), new TrainingResult([], 1, 1.0, TimeSpan.Zero)), ModelCard.JsonOptions)
            .Replace("\"variant\": \"gru4rec\"", "\"variant\": \"lstm\"", StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ModelCard>(json, ModelCard.JsonOptions));

        Assert.Contains("unknown user encoder variant 'lstm'", error.Message, StringComparison.Ordinal);
    }
}
