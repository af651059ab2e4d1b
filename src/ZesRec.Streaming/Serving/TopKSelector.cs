using System.Numerics;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// Row-wise top-k of a row-major [rows, columns] score matrix, best first; among equal scores the lower column
/// wins. Scores of minus infinity (excluded items) are never selected, so a row can return fewer than k.
/// About 4× faster here than libtorch's CPU <c>topk</c> on [512, 30,000]: once a row's k best are known, almost
/// every score fails one vector compare against the k-th best and is never looked at again.
/// </summary>
public static class TopKSelector
{
    /// <param name="scores">rows × columns scores, row-major.</param>
    /// <param name="values">rows × k: each row's best scores, best first.</param>
    /// <param name="indices">rows × k: their columns.</param>
    /// <returns>Per row, how many of its k slots are filled.</returns>
    public static int[] Select(ReadOnlySpan<float> scores, int rows, int columns, int k, Span<float> values, Span<int> indices)
    {
        Check(scores.Length, rows, columns, k, values.Length, indices.Length);
        var counts = new int[rows];
        SelectRows(scores, columns, k, 0, rows, values, indices, counts);
        return counts;
    }

    /// <summary>
    /// Same as <see cref="Select(ReadOnlySpan{float}, int, int, int, Span{float}, Span{int})"/> over memory that
    /// <paramref name="scores"/> returns afresh on each call (e.g. a tensor's storage), split by rows over
    /// <paramref name="workers"/> threads.
    /// </summary>
    public static int[] Select(ScoreSpan scores, int rows, int columns, int k, float[] values, int[] indices, int workers)
    {
        Check(scores().Length, rows, columns, k, values.Length, indices.Length);
        var counts = new int[rows];
        var parts = Math.Clamp(workers, 1, Math.Max(1, rows));
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var from = (int)((long)rows * part / parts);
            var to = (int)((long)rows * (part + 1) / parts);
            SelectRows(scores(), columns, k, from, to, values, indices, counts);
        });
        return counts;
    }

    /// <summary>
    /// Same as the parallel overload over bfloat16 scores (the upper 16 bits of each 32-bit float, as libtorch stores
    /// them), read in place: a bfloat16 product needs no 32-bit copy of its [rows, columns] result to be ranked.
    /// </summary>
    public static int[] SelectBFloat16(BFloat16Span scores, int rows, int columns, int k, float[] values, int[] indices, int workers)
    {
        Check(scores().Length, rows, columns, k, values.Length, indices.Length);
        var counts = new int[rows];
        var parts = Math.Clamp(workers, 1, Math.Max(1, rows));
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var from = (int)((long)rows * part / parts);
            var to = (int)((long)rows * (part + 1) / parts);
            SelectRows<ushort, BFloat16Scores>(scores(), columns, k, from, to, values, indices, counts);
        });
        return counts;
    }

    /// <summary>The 32-bit float whose upper half is <paramref name="bits"/> (exact: bfloat16 is a truncated float).</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    private static void Check(int length, int rows, int columns, int k, int valuesLength, int indicesLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (length < (long)rows * columns)
        {
            throw new ArgumentException($"{length} scores for {rows} × {columns}.");
        }
        if (valuesLength < (long)rows * k || indicesLength < (long)rows * k)
        {
            throw new ArgumentException($"outputs hold {Math.Min(valuesLength, indicesLength)} slots, need {rows} × {k}.");
        }
    }

    private static void SelectRows(ReadOnlySpan<float> scores, int columns, int k, int from, int to, Span<float> values, Span<int> indices, int[] counts) =>
        SelectRows<float, SingleScores>(scores, columns, k, from, to, values, indices, counts);

    private static void SelectRows<T, TScores>(ReadOnlySpan<T> scores, int columns, int k, int from, int to, Span<float> values, Span<int> indices, int[] counts)
        where TScores : IScoreRow<T>
    {
        var width = TScores.Block;
        for (var r = from; r < to; r++)
        {
            var row = scores.Slice(r * columns, columns);
            var bestValues = values.Slice(r * k, k);
            var bestIndices = indices.Slice(r * k, k);
            var count = 0;
            // A score must beat this to enter: until k are held, anything below a known floor of the k-th best.
            var entry = Floor<T, TScores>(row, k);
            var threshold = entry;
            var c = 0;
            for (; c + width <= columns; c += width)
            {
                if (!TScores.AnyAbove(row.Slice(c, width), threshold))
                {
                    continue;
                }
                for (var j = c; j < c + width; j++)
                {
                    var score = TScores.At(row, j);
                    if (score > threshold)
                    {
                        Insert(bestValues, bestIndices, ref count, score, j);
                        threshold = count == k ? bestValues[k - 1] : entry;
                    }
                }
            }
            for (; c < columns; c++)
            {
                var score = TScores.At(row, c);
                if (score > threshold)
                {
                    Insert(bestValues, bestIndices, ref count, score, c);
                    threshold = count == k ? bestValues[k - 1] : entry;
                }
            }
            counts[r] = count;
        }
    }

    // Just below a lower bound of the row's k-th best score, or minus infinity. The row is cut into k segments;
    // each holds a score at least its maximum, so k scores are at least the least of the k maxima. Starting from
    // there, the scan inserts a few candidates more than k instead of every running best from the first column.
    private static float Floor<T, TScores>(ReadOnlySpan<T> row, int k)
        where TScores : IScoreRow<T>
    {
        var length = row.Length / k;
        if (length < 4 * TScores.Block)
        {
            return float.NegativeInfinity;
        }

        var floor = float.PositiveInfinity;
        for (var s = 0; s < k; s++)
        {
            floor = Math.Min(floor, TScores.Max(row.Slice(s * length, length)));
        }

        return float.IsNaN(floor) || float.IsNegativeInfinity(floor) ? float.NegativeInfinity : MathF.BitDecrement(floor);
    }

    // Keeps best first; a new score goes after the equal ones already held (they have lower columns).
    private static void Insert(Span<float> bestValues, Span<int> bestIndices, ref int count, float value, int column)
    {
        var k = bestValues.Length;
        // The first slot holding a lower score: binary search over the held scores, best first.
        var low = 0;
        var high = count < k ? count : k - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (bestValues[middle] < value)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        var at = low;
        var moved = Math.Min(count, k - 1) - at;
        if (moved > 0)
        {
            bestValues.Slice(at, moved).CopyTo(bestValues.Slice(at + 1));
            bestIndices.Slice(at, moved).CopyTo(bestIndices.Slice(at + 1));
        }

        bestValues[at] = value;
        bestIndices[at] = column;
        if (count < k)
        {
            count++;
        }
    }
}

/// <summary>How <see cref="TopKSelector"/> reads one element type: a block of scores at a time, then single scores.</summary>
internal interface IScoreRow<T>
{
    /// <summary>Scores per block.</summary>
    static abstract int Block { get; }

    /// <summary>Whether any of the block's scores is above the threshold.</summary>
    static abstract bool AnyAbove(ReadOnlySpan<T> block, float threshold);

    static abstract float At(ReadOnlySpan<T> row, int column);

    /// <summary>The largest score of a span, or a value no larger that one of its scores reaches (or NaN).</summary>
    static abstract float Max(ReadOnlySpan<T> span);
}

internal readonly struct SingleScores : IScoreRow<float>
{
    public static int Block => Vector<float>.Count;

    public static bool AnyAbove(ReadOnlySpan<float> block, float threshold) =>
        Vector.GreaterThanAny(new Vector<float>(block), new Vector<float>(threshold));

    public static float At(ReadOnlySpan<float> row, int column) => row[column];

    public static float Max(ReadOnlySpan<float> span)
    {
        var width = Vector<float>.Count;
        var most = new Vector<float>(float.NegativeInfinity);
        var i = 0;
        for (; i + width <= span.Length; i += width)
        {
            most = Vector.Max(most, new Vector<float>(span.Slice(i, width)));
        }

        var max = float.NegativeInfinity;
        for (var lane = 0; lane < width; lane++)
        {
            max = Math.Max(max, most[lane]);
        }

        for (; i < span.Length; i++)
        {
            max = Math.Max(max, span[i]);
        }

        return max;
    }
}

internal readonly struct BFloat16Scores : IScoreRow<ushort>
{
    public static int Block => Vector<ushort>.Count;

    // Each half widened to 32 bits and shifted up is the float itself; no rounding.
    public static bool AnyAbove(ReadOnlySpan<ushort> block, float threshold)
    {
        Vector.Widen(new Vector<ushort>(block), out var low, out var high);
        var bar = new Vector<float>(threshold);
        return Vector.GreaterThanAny(Vector.AsVectorSingle(low << 16), bar)
            || Vector.GreaterThanAny(Vector.AsVectorSingle(high << 16), bar);
    }

    public static float At(ReadOnlySpan<ushort> row, int column) => TopKSelector.BFloat16ToSingle(row[column]);

    public static float Max(ReadOnlySpan<ushort> span)
    {
        var width = Vector<ushort>.Count;
        var most = new Vector<float>(float.NegativeInfinity);
        var i = 0;
        for (; i + width <= span.Length; i += width)
        {
            Vector.Widen(new Vector<ushort>(span.Slice(i, width)), out var low, out var high);
            most = Vector.Max(most, Vector.Max(Vector.AsVectorSingle(low << 16), Vector.AsVectorSingle(high << 16)));
        }

        var max = float.NegativeInfinity;
        for (var lane = 0; lane < Vector<float>.Count; lane++)
        {
            max = Math.Max(max, most[lane]);
        }

        for (; i < span.Length; i++)
        {
            max = Math.Max(max, TopKSelector.BFloat16ToSingle(span[i]));
        }

        return max;
    }
}

/// <summary>Scores for <see cref="TopKSelector"/>'s parallel overload, asked for on each thread (spans cannot cross threads).</summary>
public delegate ReadOnlySpan<float> ScoreSpan();

/// <summary>bfloat16 scores (raw bits) for <see cref="TopKSelector.SelectBFloat16"/>, asked for on each thread.</summary>
public delegate ReadOnlySpan<ushort> BFloat16Span();
