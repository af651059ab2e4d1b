using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// Top-k for catalogues too large to score every item: the catalogue's <see cref="CandidateIndex"/> proposes
/// <c>max(candidates, k + seen)</c> items per user, and those are re-ranked by their exact inner product with the
/// user vector (the same product as the matrix scorer), seen items dropped. Its cost per user follows the candidates,
/// not the catalogue. An item the index misses is never recommended: recall against exact scoring is measured in
/// docs/benchmarks.md.
/// </summary>
public sealed class ApproximateScorer(Recommender recommender, ItemCatalog catalog, int candidates) : ITopKScorer
{
    public IReadOnlyList<(string ItemId, float Score)[]> TopK(IReadOnlyList<float[]> states, IReadOnlyList<IReadOnlySet<string>> exclude, int k)
    {
        var index = catalog.Index ?? throw new InvalidOperationException("approximate scoring needs a catalogue with a candidate index");
        if (states.Count == 0)
        {
            return [];
        }

        var users = recommender.UserVectors(states);
        return catalog.Read((matrix, ids) =>
        {
            // Each user's search is broad enough to keep k after its seen items are dropped.
            var found = index.Search(users, [.. exclude.Select(e => Math.Max(candidates, k + e.Count))]);
            return RankExactly(users, found, matrix, ids, (b, row) => exclude[b].Contains(ids[row]), k);
        });
    }

    /// <summary>
    /// Each user's best <paramref name="k"/> of its candidate rows by their exact inner products with the
    /// catalogue's <paramref name="matrix"/>, best first; <paramref name="excluded"/> (user, row) rows are dropped.
    /// </summary>
    internal static IReadOnlyList<(string ItemId, float Score)[]> RankExactly(
        float[][] users, int[][] found, Tensor matrix, IReadOnlyList<string> ids, Func<int, int, bool> excluded, int k)
    {
        var scores = ExactScores(users, found, matrix);
        var result = new (string, float)[users.Length][];
        for (var b = 0; b < users.Length; b++)
        {
            var user = b;
            result[b] = [.. Rerank(found[b], scores[b], row => excluded(user, row), k).Select(r => (ids[r.Row], r.Score))];
        }

        return result;
    }

    /// <summary>
    /// The best <paramref name="k"/> of the candidate rows by score, best first, leaving out excluded rows and
    /// repeated rows; among equal scores the lower row wins (as in the matrix scorer).
    /// </summary>
    public static (int Row, float Score)[] Rerank(IReadOnlyList<int> rows, IReadOnlyList<float> scores, Func<int, bool> excluded, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var kept = new List<(int Row, float Score)>(rows.Count);
        var taken = new HashSet<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (taken.Add(rows[i]) && !excluded(rows[i]) && !float.IsNaN(scores[i]))
            {
                kept.Add((rows[i], scores[i]));
            }
        }

        kept.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));
        return [.. kept.Take(k)];
    }

    // Inner products of each user with its candidates' rows of the catalogue. A contiguous [N, D] matrix in CPU
    // memory (the catalogue's row layout) is read in place, one dot product per candidate; any other is gathered
    // into one batched product (a gather from the column layout reads every candidate's floats D apart).
    private static float[][] ExactScores(float[][] users, int[][] found, Tensor matrix)
    {
        var width = found.Max(f => f.Length);
        var scores = new float[users.Length][];
        if (width == 0)
        {
            return [.. users.Select(_ => Array.Empty<float>())];
        }

        if (matrix.device_type == TorchSharp.DeviceType.CPU && matrix.is_contiguous() && matrix.dtype == ScalarType.Float32)
        {
            var dim = (int)matrix.shape[1];
            Parallel.For(0, users.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) }, b =>
            {
                var all = MemoryMarshal.Cast<byte, float>(matrix.bytes);
                var row = new float[found[b].Length];
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = Dot(users[b], all.Slice(found[b][j] * dim, dim));
                }

                scores[b] = row;
            });
            return scores;
        }

        return GatheredScores(users, found, matrix, width);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i + width <= a.Length; i += width)
        {
            sum += new Vector<float>(a.Slice(i, width)) * new Vector<float>(b.Slice(i, width));
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    private static float[][] GatheredScores(float[][] users, int[][] found, Tensor matrix, int width)
    {
        var scores = new float[users.Length][];

        using var scope = NewDisposeScope();
        var dim = users[0].Length;
        var rows = new long[users.Length * width];
        for (var b = 0; b < users.Length; b++)
        {
            for (var j = 0; j < width; j++)
            {
                // Short rows are padded with their first candidate (or row 0); the padding is cut off below.
                rows[(b * width) + j] = j < found[b].Length ? found[b][j] : found[b].Length > 0 ? found[b][0] : 0;
            }
        }

        var userTensor = tensor(users.SelectMany(u => u).ToArray(), [users.Length, 1, dim], device: matrix.device);
        var items = matrix.index_select(0, tensor(rows, device: matrix.device)).view(users.Length, width, dim);
        var flat = userTensor.bmm(items.transpose(1, 2)).cpu().data<float>().ToArray();
        for (var b = 0; b < users.Length; b++)
        {
            scores[b] = flat.AsSpan(b * width, found[b].Length).ToArray();
        }

        return scores;
    }
}
