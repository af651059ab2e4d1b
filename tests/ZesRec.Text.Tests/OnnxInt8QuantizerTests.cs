using Onnx;
using ZesRec.Tests.Shared;

namespace ZesRec.Text.Tests;

[Trait("Tier", "Integration")]
public sealed class OnnxInt8QuantizerTests(MiniLmFixture model) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void QuantizeColumns_should_scale_each_column_by_its_largest_magnitude_when_given_a_small_matrix()
    {
        // Given: [[1, -0.5], [-2, 0.25]] row-major; column maxima 2 and 0.5
        var weight = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        weight.Dims.AddRange([2L, 2L]);
        weight.FloatData.AddRange([1f, -0.5f, -2f, 0.25f]);

        // When
        var (values, scales) = OnnxInt8Quantizer.QuantizeColumns(weight);

        // Then: 1 / (2/127) = 63.5 rounds to even 64; 0.25 / (0.5/127) = 63.5 -> 64
        Assert.Equal([2f / 127f, 0.5f / 127f], scales);
        Assert.Equal(new sbyte[] { 64, -127, -127, 64 }, values);
    }

    [Fact]
    public void Quantize_should_replace_every_weight_matmul_and_fold_its_bias_when_given_minilm()
    {
        // Given
        var original = ModelProto.Parser.ParseFrom(MiniLmResources.ReadModel());

        // When
        var quantized = ModelProto.Parser.ParseFrom(OnnxInt8Quantizer.Quantize(MiniLmResources.ReadModel(), out var count));

        // Then: 6 weight MatMuls in each of 6 layers; the 12 attention products (both inputs computed) stay float
        Assert.Equal(36, count);
        Assert.Equal(36, quantized.Graph.Node.Count(n => n.OpType == OnnxInt8Quantizer.QuantizedOp && n.Domain == OnnxInt8Quantizer.Domain));
        Assert.Equal(12, quantized.Graph.Node.Count(n => n.OpType == "MatMul"));
        Assert.Equal(original.Graph.Node.Count(n => n.OpType == "Add") - 36, quantized.Graph.Node.Count(n => n.OpType == "Add"));
        Assert.Contains(quantized.OpsetImport, o => o.Domain == OnnxInt8Quantizer.Domain);
        Assert.DoesNotContain(quantized.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Count == 2 && t.Dims[0] == 384 && t.Dims[1] == 1536);
    }

    [Fact]
    public void Encode_should_stay_close_to_float_vectors_and_keep_nearest_neighbours_when_using_int8_minilm()
    {
        // Given: the real Office and Scientific item texts of the tiny fixtures
        var texts = new[] { "amazon_office_tiny", "amazon_scientific_tiny" }
            .SelectMany(d => File.ReadLines(RepoPaths.SharedData(Path.Combine("tiny", d, "items.tsv"))).Skip(1))
            .Select(line => line.Split('\t')[1])
            .Distinct()
            .ToArray();
        using var int8 = TextEncoders.Create(TextEncoders.MiniLmInt8Spec, cacheDir: null);

        // When
        var exact = model.Mean.Encode(texts);
        var approx = int8.Encode(texts);

        // Then
        Assert.Equal("all-MiniLM-L6-v2-int8/mean", int8.Name);
        var cosines = exact.Zip(approx, Vectors.Cosine).ToArray();
        Assert.True(texts.Length > 500, $"{texts.Length} texts");
        Assert.True(cosines.Min() > 0.97, $"lowest cosine to fp32 {cosines.Min():F4}");
        Assert.True(cosines.Average() > 0.99, $"mean cosine to fp32 {cosines.Average():F4}");
        var sameNeighbour = Enumerable.Range(0, 200).Count(i => Nearest(exact, i) == Nearest(approx, i));
        Assert.True(sameNeighbour >= 180, $"{sameNeighbour} of 200 texts keep their nearest neighbour");
    }

    private static int Nearest(float[][] vectors, int of)
    {
        var best = -1;
        var bestCosine = double.MinValue;
        for (var j = 0; j < vectors.Length; j++)
        {
            if (j == of) continue;
            var c = Vectors.Cosine(vectors[of], vectors[j]);
            if (c > bestCosine)
            {
                bestCosine = c;
                best = j;
            }
        }
        return best;
    }
}
