using CsCheck;
using ZesRec.Streaming.Serving;

namespace ZesRec.Streaming.Tests;

public sealed class TopKSelectorTests
{
    [Fact]
    public void Select_should_rank_best_first_and_break_ties_by_lower_column_when_given_a_hand_made_row()
    {
        // Given: one row with a tie between columns 1 and 3, an excluded item and fewer columns than a vector
        float[] scores = [0.5f, 2f, float.NegativeInfinity, 2f, -1f, 3f];
        var values = new float[4];
        var indices = new int[4];

        // When
        var counts = TopKSelector.Select(scores, 1, scores.Length, 4, values, indices);

        // Then
        Assert.Equal([4], counts);
        Assert.Equal([5, 1, 3, 0], indices);
        Assert.Equal([3f, 2f, 2f, 0.5f], values);
    }

    [Fact]
    public void Select_should_return_fewer_than_k_when_most_items_are_excluded()
    {
        // Given: 40 columns, all excluded but columns 7 and 33
        var scores = Enumerable.Repeat(float.NegativeInfinity, 40).ToArray();
        scores[7] = -5f;
        scores[33] = 1f;
        var values = new float[20];
        var indices = new int[20];

        // When
        var counts = TopKSelector.Select(scores, 1, 40, 20, values, indices);

        // Then
        Assert.Equal([2], counts);
        Assert.Equal([33, 7], indices[..2]);
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(7, 1000, 20, 1)]
    [InlineData(64, 3001, 20, 2)]
    [InlineData(33, 517, 50, 3)]
    public void Select_should_equal_a_full_sort_when_given_random_scores_with_ties_and_exclusions(int rows, int columns, int k, int workers)
    {
        // Given: scores on a coarse grid (many ties) with about 5 % excluded
        var random = new Random(rows * 7919 + columns);
        var scores = new float[rows * columns];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = random.NextDouble() < 0.05 ? float.NegativeInfinity : MathF.Round((float)random.NextDouble() * 50f) / 10f;
        }
        var values = new float[rows * k];
        var indices = new int[rows * k];

        // When
        var counts = TopKSelector.Select(() => scores, rows, columns, k, values, indices, workers);

        // Then: the same as ordering each row by score descending, then by column
        for (var r = 0; r < rows; r++)
        {
            var expected = Enumerable.Range(0, columns)
                .Where(c => !float.IsNegativeInfinity(scores[r * columns + c]))
                .OrderByDescending(c => scores[r * columns + c]).ThenBy(c => c)
                .Take(k).ToArray();
            Assert.Equal(expected.Length, counts[r]);
            Assert.Equal(expected, indices.AsSpan(r * k, counts[r]).ToArray());
            Assert.Equal(expected.Select(c => scores[r * columns + c]), values.AsSpan(r * k, counts[r]).ToArray());
        }
    }

    [Fact]
    public void Select_should_equal_a_full_sort_when_given_generated_rows_with_nan_infinities_and_ties()
    {
        // Given: rows long enough for the segment floor (and short ones that skip it), scores from a small set
        // (ties), minus and plus infinity, NaN (never selected), sorted runs (rising rows keep raising the bar)
        var score = Gen.Frequency(
            (6, Gen.Int[-8, 8].Select(i => i / 4f)),
            (2, Gen.Float[-1e6f, 1e6f]),
            (1, Gen.Const(float.NegativeInfinity)),
            (1, Gen.Int[0, 3].Select(i => new[] { float.NaN, float.PositiveInfinity, float.MaxValue, -0f }[i])));
        var rows = Gen.Select(Gen.Int[1, 40], Gen.Int[1, 4], Gen.Bool).SelectMany((k, rowCount, sorted) =>
            Gen.Int[1, 1500].SelectMany(columns => score.Array[rowCount * columns].Select(scores =>
                (k, rowCount, columns, Sorted(scores, sorted, columns)))));

        rows.Sample((k, rowCount, columns, scores) =>
        {
            // When
            var values = new float[rowCount * k];
            var indices = new int[rowCount * k];
            var counts = TopKSelector.Select(() => scores, rowCount, columns, k, values, indices, 2);

            // Then
            AssertFullSort(scores, rowCount, columns, k, values, indices, counts);
        }, iter: 300);
    }

    [Fact]
    public void SelectBFloat16_should_equal_a_full_sort_of_the_widened_scores_when_given_generated_rows()
    {
        // Given: raw bfloat16 bit patterns, every one possible (NaNs, infinities, both zeros, subnormals)
        var rows = Gen.Select(Gen.Int[1, 70], Gen.Int[1, 3]).SelectMany((k, rowCount) =>
            Gen.Int[1, 2500].SelectMany(columns => Gen.Frequency(
                    (3, Gen.UShort),
                    (5, Gen.Int[0x3f00, 0x3f08].Select(b => (ushort)b)),
                    (2, Gen.Int[0xbf00, 0xbf08].Select(b => (ushort)b)))
                .Array[rowCount * columns].Select(bits => (k, rowCount, columns, bits))));

        rows.Sample((k, rowCount, columns, bits) =>
        {
            // When
            var values = new float[rowCount * k];
            var indices = new int[rowCount * k];
            var counts = TopKSelector.SelectBFloat16(() => bits, rowCount, columns, k, values, indices, 2);

            // Then: what the 32-bit selector gives for the same values
            var widened = bits.Select(TopKSelector.BFloat16ToSingle).ToArray();
            AssertFullSort(widened, rowCount, columns, k, values, indices, counts);
        }, iter: 300);
    }

    private static float[] Sorted(float[] scores, bool sorted, int columns)
    {
        if (sorted)
        {
            for (var r = 0; r < scores.Length / columns; r++)
            {
                Array.Sort(scores, r * columns, columns);
            }
        }

        return scores;
    }

    private static void AssertFullSort(float[] scores, int rows, int columns, int k, float[] values, int[] indices, int[] counts)
    {
        for (var r = 0; r < rows; r++)
        {
            var expected = Enumerable.Range(0, columns)
                .Where(c => !float.IsNegativeInfinity(scores[r * columns + c]) && !float.IsNaN(scores[r * columns + c]))
                .OrderByDescending(c => scores[r * columns + c]).ThenBy(c => c)
                .Take(k).ToArray();
            Assert.Equal(expected.Length, counts[r]);
            Assert.Equal(expected, indices.AsSpan(r * k, counts[r]).ToArray());
            Assert.Equal(expected.Select(c => scores[r * columns + c]), values.AsSpan(r * k, counts[r]).ToArray());
        }
    }

    [Fact]
    public void Select_should_reject_outputs_too_small_for_rows_times_k()
    {
        // Given
        var scores = new float[10];

        // When
        var error = Assert.Throws<ArgumentException>(() => TopKSelector.Select(scores, 2, 5, 3, new float[5], new int[6]));

        // Then
        Assert.Contains("need 2 × 3", error.Message, StringComparison.Ordinal);
    }
}
