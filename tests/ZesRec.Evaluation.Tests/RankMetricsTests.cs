using ZesRec.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Tests;

public sealed class RankMetricsTests
{
    [Fact]
    public void MetricSet_should_match_hand_computed_values_when_ranks_are_1_3_15_and_21()
    {
        // Given ranks worked out by hand: NDCG = 1/log2(rank+1) inside the cut-off
        long[] ranks = [1, 3, 15, 21];

        // When
        var m = MetricSet.FromRanks(ranks);

        // Then: log2(2)=1, log2(4)=2, log2(16)=4; rank 21 is outside @20
        Assert.Equal((1 + 0.5 + 0.25 + 0) / 4, m.Ndcg20, 12);
        Assert.Equal(3.0 / 4, m.Recall20, 12);
        Assert.Equal((1 + 0.5) / 4, m.Ndcg10, 12);
        Assert.Equal(2.0 / 4, m.Recall10, 12);
        Assert.Equal((1 + (1.0 / 3) + (1.0 / 15) + (1.0 / 21)) / 4, m.Mrr, 12);
        Assert.Equal(4, m.Count);
    }

    [Fact]
    public void RankMetrics_should_score_zero_when_the_target_is_a_miss()
    {
        // Given / When / Then
        Assert.Equal(0, RankMetrics.Ndcg(RankMetrics.Miss, 20));
        Assert.Equal(0, RankMetrics.Recall(RankMetrics.Miss, 20));
        Assert.Equal(0, RankMetrics.Reciprocal(RankMetrics.Miss));
        Assert.Equal(1.0 / Math.Log2(21), RankMetrics.Ndcg(20, 20), 12);
    }

    [Fact]
    public void RankCalculator_should_rank_targets_among_all_items_when_scores_are_distinct()
    {
        // Given scores of 5 items for 2 rows; row 0 targets item 2 (3rd best), row 1 item 4 (best)
        using var scores = tensor(new float[] { 0.9f, 0.1f, 0.5f, 0.7f, 0.2f, 0.3f, 0.1f, 0.2f, 0.4f, 0.8f }, [2, 5]);
        using var targets = tensor(new long[] { 2, 4 });

        // When
        var ranks = RankCalculator.Ranks(scores, targets, null, new Generator(1));

        // Then
        Assert.Equal([3L, 1L], ranks);
    }

    [Fact]
    public void RankCalculator_should_skip_seen_items_and_miss_seen_targets_when_items_are_excluded()
    {
        // Given row 0 has seen items 0 and 3 (both scored above its target 2); row 1 has seen its target 4
        using var scores = tensor(new float[] { 0.9f, 0.1f, 0.5f, 0.7f, 0.2f, 0.3f, 0.1f, 0.2f, 0.4f, 0.8f }, [2, 5]);
        using var targets = tensor(new long[] { 2, 4 });
        using var excluded = tensor(new[] { true, false, false, true, false, false, false, false, false, true }, [2, 5]);

        // When
        var ranks = RankCalculator.Ranks(scores, targets, excluded, new Generator(1));

        // Then
        Assert.Equal([1L, RankMetrics.Miss], ranks);
    }

    [Fact]
    public void RankCalculator_should_give_the_expected_rank_on_average_when_all_scores_tie()
    {
        // Given 4,000 rows of 9 items with equal scores: a fair tie-break draws ranks 1..9 uniformly
        using var scores = zeros(4000, 9);
        using var targets = zeros(4000, dtype: ScalarType.Int64);

        // When
        var ranks = RankCalculator.Ranks(scores, targets, null, new Generator(7));

        // Then: every rank occurs, none outside 1..9, mean close to 5
        Assert.All(ranks, r => Assert.InRange(r, 1, 9));
        Assert.Equal(9, ranks.Distinct().Count());
        Assert.InRange(ranks.Average(), 4.8, 5.2);
    }
}
