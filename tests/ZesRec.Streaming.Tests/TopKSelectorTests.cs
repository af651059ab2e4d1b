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
