using Microsoft.ML.OnnxRuntime;

namespace ZesRec.Text.Tests;

public sealed class BertOnnxEncoderTests(MiniLmFixture model) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Texts =
    [
        "A man is eating food.",
        "Cordless drill with two batteries and a charger",
        "Glass beakers",
    ];

    [Fact]
    public void Encode_should_return_the_first_token_hidden_state_when_pooling_on_cls()
    {
        // Given: the MiniLM export in a folder of its own
        using var folder = new TempFolder();
        var modelDir = Path.Combine(folder.Path, "minilm-export");
        MiniLmResources.ExportTo(modelDir);
        using var encoder = new BertOnnxEncoder(modelDir);

        // When
        var cls = encoder.Encode(Texts);
        var reference = Texts.Select(t => HiddenStates(Path.Combine(modelDir, "model.onnx"), model.Mean.Tokenize(t))).ToArray();

        // Then
        Assert.StartsWith("minilm-export/cls@", encoder.Name, StringComparison.Ordinal);
        Assert.Equal(384, encoder.Dimension);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDiff(cls[i], reference[i][0]) < 1e-4, $"text {i} vs raw [CLS] state");
            Assert.True(Vectors.MaxAbsDiff(cls[i], model.Cls.Encode([Texts[i]])[0]) < 1e-4, $"text {i} vs MiniLM cls pooling");
            Assert.True(Vectors.MaxAbsDiff(cls[i], model.Mean.Encode([Texts[i]])[0]) > 1e-2, $"text {i}: cls equals mean");
        }
    }

    [Fact]
    public void Encode_should_average_every_token_state_when_pooling_on_mean()
    {
        // Given
        using var folder = new TempFolder();
        MiniLmResources.ExportTo(folder.Path);

        // When
        var mean = model.Mean.Encode(Texts);

        // Then
        for (var i = 0; i < Texts.Length; i++)
        {
            var states = HiddenStates(Path.Combine(folder.Path, "model.onnx"), model.Mean.Tokenize(Texts[i]));
            var expected = new float[states[0].Length];
            foreach (var row in states)
            {
                for (var d = 0; d < expected.Length; d++) expected[d] += row[d] / states.Length;
            }
            Assert.True(Vectors.MaxAbsDiff(mean[i], expected) < 1e-4, $"text {i}");
        }
    }

    [Fact]
    public void Constructor_should_name_the_missing_file_when_vocab_is_absent()
    {
        // Given
        using var folder = new TempFolder();
        MiniLmResources.ExportTo(folder.Path);
        File.Delete(Path.Combine(folder.Path, "vocab.txt"));

        // When
        var error = Assert.Throws<FileNotFoundException>(() => new BertOnnxEncoder(folder.Path));

        // Then
        Assert.Contains("vocab.txt", error.Message, StringComparison.Ordinal);
    }

    // The model run by hand on one unpadded sequence: [tokens][hidden].
    private static float[][] HiddenStates(string modelPath, long[] ids)
    {
        using var session = new InferenceSession(modelPath);
        long[] shape = [1, ids.Length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Length).ToArray(), shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var dim = hidden.Length / ids.Length;
        return hidden.Chunk(dim).ToArray();
    }
}
