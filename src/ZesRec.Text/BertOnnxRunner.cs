using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ZesRec.Text;

/// <summary>
/// The tokenise / length-batch / run / pool loop shared by every BERT ONNX encoder.
/// Texts are sorted by token count and each batch is padded only to its own longest text and holds at most
/// BatchTokens tokens, which for short product titles makes a batch several times cheaper than padding to MaxTokens.
/// </summary>
internal sealed class BertOnnxRunner : IDisposable
{
    // Sorting is done per chunk so memory stays bounded on millions of texts while batches stay tight.
    private const int ChunkSize = 8192;

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly TextEncoderSettings _settings;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _feedsTokenTypes;
    private readonly long[] _batchIds;
    private readonly long[] _batchMask;
    private readonly long[] _batchTypes;
    private readonly long[] _scratchIds;
    private readonly long[] _scratchMask;
    private readonly TokenizedChunk _chunk = new();
    private readonly Lock _gate = new();

    public BertOnnxRunner(InferenceSession session, string vocabText, bool lowercase, TextEncoderSettings settings, string source)
    {
        _session = session;
        _settings = settings;
        _tokenizer = new BertTokenizer();
        try
        {
            settings.Validate();
            var capacity = settings.BatchSize * settings.MaxTokens;
            _batchIds = new long[capacity];
            _batchMask = new long[capacity];
            _batchTypes = new long[capacity];
            _scratchIds = new long[settings.MaxTokens];
            _scratchMask = new long[settings.MaxTokens];
            using (var reader = new StringReader(vocabText))
            {
                _tokenizer.LoadVocabulary(reader, lowercase);
            }
            UnknownTokenId = LineIndexOf(vocabText, "[UNK]", source);
            (_inputNames, _feedsTokenTypes) = CheckInputs(session, source);
            var (outputName, declared) = CheckOutput(session, source);
            _outputNames = [outputName];
            Dimension = declared > 0 ? declared : Encode([string.Empty], Pooling.Cls, null)[0].Length;
        }
        catch
        {
            // The runner owns the session from here on, also when it cannot be built.
            session.Dispose();
            throw;
        }
    }

    private static (string[] Names, bool FeedsTokenTypes) CheckInputs(InferenceSession session, string source)
    {
        foreach (var (name, meta) in session.InputMetadata)
        {
            if (name is not ("input_ids" or "attention_mask" or "token_type_ids"))
            {
                throw new InvalidDataException($"{source}: unsupported model input '{name}'; expected input_ids, attention_mask and optionally token_type_ids.");
            }
            if (meta.ElementDataType != TensorElementType.Int64)
            {
                throw new InvalidDataException($"{source}: model input '{name}' is {meta.ElementDataType}; only int64 inputs are supported.");
            }
        }
        if (!session.InputMetadata.ContainsKey("input_ids") || !session.InputMetadata.ContainsKey("attention_mask"))
        {
            throw new InvalidDataException($"{source}: model needs inputs input_ids and attention_mask, has {string.Join(", ", session.InputMetadata.Keys)}.");
        }
        var feedsTokenTypes = session.InputMetadata.ContainsKey("token_type_ids");
        string[] names = feedsTokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        return (names, feedsTokenTypes);
    }

    // The first output of a BERT export is last_hidden_state; anything that is not [batch, seq, hidden] is some other head.
    private static (string Name, int Hidden) CheckOutput(InferenceSession session, string source)
    {
        var (name, meta) = session.OutputMetadata.First();
        if (meta.Dimensions.Length != 3)
        {
            throw new InvalidDataException($"{source}: first output '{name}' has rank {meta.Dimensions.Length}; expected last_hidden_state [batch, sequence, hidden].");
        }
        return (name, meta.Dimensions[2]);
    }

    public int Dimension { get; }

    public long UnknownTokenId { get; }

    public static InferenceSession CreateSession(Func<SessionOptions, InferenceSession> open, int intraOpThreads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return open(options);
    }

    /// <summary>Token ids as the model sees them ([CLS] ... [SEP], truncated to MaxTokens).</summary>
    public long[] Tokenize(string text)
    {
        lock (_gate)
        {
            return TokenizeOne(text).ToArray();
        }
    }

    /// <summary>Thread-safe: concurrent calls are serialised, since one call already uses all intra-op threads.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, Pooling pooling, IProgress<int>? progress)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        lock (_gate)
        {
            var order = new int[Math.Min(ChunkSize, texts.Count)];
            var lengths = new int[order.Length];
            for (var start = 0; start < texts.Count; start += ChunkSize)
            {
                var count = Math.Min(ChunkSize, texts.Count - start);
                _chunk.Clear();
                for (var i = 0; i < count; i++)
                {
                    var text = texts[start + i] ?? throw new ArgumentException($"Text {start + i} is null.", nameof(texts));
                    _chunk.Add(TokenizeOne(text));
                    order[i] = i;
                    lengths[i] = _chunk.Length(i);
                }
                Array.Sort(lengths, order, 0, count);

                for (var b = 0; b < count;)
                {
                    var rows = BatchRows(lengths.AsSpan(b, count - b));
                    RunBatch(order.AsSpan(b, rows), start, pooling, result);
                    b += rows;
                    progress?.Report(start + b);
                }
            }
        }
        return result;
    }

    // Texts sorted by length; a batch takes texts while rows × the longest one's tokens fit the token budget, so
    // short titles run many to a batch and the few long texts run in small ones instead of padding everyone.
    private int BatchRows(ReadOnlySpan<int> sortedLengths)
    {
        var rows = 1;
        while (rows < sortedLengths.Length && rows < _settings.BatchSize && (rows + 1) * sortedLengths[rows] <= _settings.BatchTokens)
        {
            rows++;
        }
        return rows;
    }

    private ReadOnlySpan<long> TokenizeOne(string text)
    {
        Array.Clear(_scratchMask);
        _tokenizer.Encode(text, _scratchIds, _scratchMask);
        // The attention mask, not Encode's return value, is the token count: with padding the return value is the padded length.
        var n = _scratchMask.AsSpan().IndexOf(0L);
        return _scratchIds.AsSpan(0, n < 0 ? _scratchMask.Length : n);
    }

    private void RunBatch(ReadOnlySpan<int> batch, int chunkStart, Pooling pooling, float[][] result)
    {
        var rows = batch.Length;
        var width = 0;
        foreach (var i in batch)
        {
            width = Math.Max(width, _chunk.Length(i));
        }
        var size = rows * width;
        var ids = _batchIds.AsSpan(0, size);
        var mask = _batchMask.AsSpan(0, size);
        ids.Clear();
        mask.Clear();
        for (var r = 0; r < rows; r++)
        {
            var tokens = _chunk.Ids(batch[r]);
            tokens.CopyTo(ids.Slice(r * width));
            mask.Slice(r * width, tokens.Length).Fill(1L);
        }

        long[] shape = [rows, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batchIds.AsMemory(0, size), shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batchMask.AsMemory(0, size), shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batchTypes.AsMemory(0, size), shape);
        OrtValue[] inputs = _feedsTokenTypes ? [idsValue, maskValue, typesValue] : [idsValue, maskValue];
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);

        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var dim = hidden.Length / size;
        for (var r = 0; r < rows; r++)
        {
            var tokens = _chunk.Length(batch[r]);
            var states = hidden.Slice(r * width * dim, tokens * dim);
            result[chunkStart + batch[r]] = pooling == Pooling.Cls ? states[..dim].ToArray() : MeanOf(states, tokens, dim);
        }
    }

    private static float[] MeanOf(ReadOnlySpan<float> states, int tokens, int dim)
    {
        var sum = new float[dim];
        for (var t = 0; t < tokens; t++)
        {
            var row = states.Slice(t * dim, dim);
            for (var d = 0; d < dim; d++)
            {
                sum[d] += row[d];
            }
        }
        var scale = 1f / tokens;
        for (var d = 0; d < dim; d++)
        {
            sum[d] *= scale;
        }
        return sum;
    }

    private static long LineIndexOf(string vocabText, string token, string source)
    {
        using var reader = new StringReader(vocabText);
        long index = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line == token) return index;
            index++;
        }
        throw new InvalidDataException($"{source}: vocab.txt has no {token} token.");
    }

    public void Dispose() => _session.Dispose();
}
