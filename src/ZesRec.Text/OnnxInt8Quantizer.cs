using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ZesRec.Text;

/// <summary>
/// Dynamic int8 quantisation of an ONNX transformer, done here because the Python quantisation tools are not
/// available offline. Every MatMul whose right-hand side is a float [K, N] weight becomes one ONNX Runtime
/// <c>com.microsoft.DynamicQuantizeMatMul</c>: the weight is stored as int8, symmetric per output column
/// (per-tensor scales lose too much: mean cosine to fp32 0.96 against 0.994 per column on Office titles);
/// activations are quantised to uint8 per call by the runtime, which then uses the CPU's integer dot products.
/// A bias Add that only consumes the MatMul's output is folded into the node. Attention products (both inputs
/// computed) stay in float.
/// </summary>
public static class OnnxInt8Quantizer
{
    public const string Domain = "com.microsoft";
    public const string QuantizedOp = "DynamicQuantizeMatMul";

    public static byte[] Quantize(byte[] model) => Quantize(model, out _);

    /// <param name="quantized">How many MatMuls were replaced; 0 means the model had no float weight MatMul.</param>
    public static byte[] Quantize(byte[] model, out int quantized)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        var graph = proto.Graph ?? throw new InvalidDataException("ONNX model has no graph.");
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        // Which nodes read each value (a node reading a value twice counts twice, so it is never taken for a sole reader).
        var consumers = graph.Node.SelectMany(n => n.Input.Where(i => i.Length > 0).Select(i => (Input: i, Node: n)))
            .GroupBy(x => x.Input).ToDictionary(g => g.Key, g => g.Select(x => x.Node).ToList());
        var replaced = new HashSet<string>();
        var removedNodes = new HashSet<NodeProto>();
        quantized = 0;

        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || !string.IsNullOrEmpty(node.Domain) || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weight) || !IsFloatMatrix(weight))
            {
                continue;
            }

            var (values, scales) = QuantizeColumns(weight);
            var columns = scales.Length;
            var valuesName = Unique(initializers, weight.Name + "_int8");
            var scalesName = Unique(initializers, weight.Name + "_scale");
            initializers[valuesName] = AddInitializer(graph, valuesName, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), weight.Dims[0], columns);
            initializers[scalesName] = AddInitializer(graph, scalesName, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), columns);

            var fused = new NodeProto { Name = node.Name + "_int8", OpType = QuantizedOp, Domain = Domain };
            fused.Input.Add(node.Input[0]);
            fused.Input.Add(valuesName);
            fused.Input.Add(scalesName);
            var output = node.Output[0];
            if (FindBiasAdd(graph, output, consumers.GetValueOrDefault(output), initializers, columns) is { } add)
            {
                fused.Input.Add(string.Empty); // no zero point: the weights are symmetric
                fused.Input.Add(add.Input[0] == output ? add.Input[1] : add.Input[0]);
                output = add.Output[0];
                removedNodes.Add(add);
            }
            fused.Output.Add(output);
            graph.Node[i] = fused;
            replaced.Add(weight.Name);
            quantized++;
        }

        foreach (var add in removedNodes)
        {
            graph.Node.Remove(add);
        }
        foreach (var name in replaced.Where(n => !graph.Node.Any(node => node.Input.Contains(n))))
        {
            graph.Initializer.Remove(initializers[name]);
        }
        if (quantized > 0 && proto.OpsetImport.All(o => o.Domain != Domain))
        {
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = Domain, Version = 1 });
        }
        return proto.ToByteArray();
    }

    private static bool IsFloatMatrix(TensorProto tensor) =>
        tensor.DataType == (int)TensorProto.Types.DataType.Float && tensor.Dims.Count == 2 && tensor.Dims[0] > 0 && tensor.Dims[1] > 0;

    private static ReadOnlySpan<float> FloatsOf(TensorProto tensor) =>
        tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span) : tensor.FloatData.ToArray();

    /// <summary>Row-major [K, N] floats to int8 with one scale per column: q = round(w / (max|w[:, n]| / 127)).</summary>
    public static (sbyte[] Values, float[] Scales) QuantizeColumns(TensorProto weight)
    {
        var rows = checked((int)weight.Dims[0]);
        var columns = checked((int)weight.Dims[1]);
        var w = FloatsOf(weight);
        if (w.Length != rows * columns)
        {
            throw new InvalidDataException($"ONNX initializer {weight.Name}: {w.Length} values for shape [{rows}, {columns}].");
        }
        var scales = new float[columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                scales[c] = Math.Max(scales[c], Math.Abs(w[r * columns + c]));
            }
        }
        for (var c = 0; c < columns; c++)
        {
            scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        }
        var values = new sbyte[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                values[r * columns + c] = (sbyte)Math.Clamp(MathF.Round(w[r * columns + c] / scales[c]), -127f, 127f);
            }
        }
        return (values, scales);
    }

    // An Add of a [N] float initializer that is the MatMul output's only consumer.
    private static NodeProto? FindBiasAdd(GraphProto graph, string output, List<NodeProto>? readers, Dictionary<string, TensorProto> initializers, int columns)
    {
        if (readers is not [var add] || graph.Output.Any(o => o.Name == output))
        {
            return null;
        }
        if (add is not { OpType: "Add", Domain: "" } || add.Input.Count != 2)
        {
            return null;
        }
        var other = add.Input[0] == output ? add.Input[1] : add.Input[0];
        return initializers.TryGetValue(other, out var bias)
               && bias.DataType == (int)TensorProto.Types.DataType.Float && bias.Dims.Count == 1 && bias.Dims[0] == columns
            ? add
            : null;
    }

    private static TensorProto AddInitializer(GraphProto graph, string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> data, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return tensor;
    }

    private static string Unique(Dictionary<string, TensorProto> names, string name)
    {
        var candidate = name;
        for (var i = 2; names.ContainsKey(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }
        return candidate;
    }
}
