using CsCheck;
using ZesRec.Streaming.Adaptation;

namespace ZesRec.Streaming.Tests;

/// <summary>The promotion guard and the held-out split of <c>zesrec adapt</c>, without services.</summary>
public sealed class AdaptationGuardTests
{
    [Theory]
    [InlineData(0.030, 0.020, 0, false)]
    [InlineData(0.020, 0.020, 0, false)]
    [InlineData(0.020, 0.021, 0, true)]
    [InlineData(0.020, 0.021, 0.005, false)]
    [InlineData(0.020, 0.026, 0.005, true)]
    public void Guard_should_promote_only_a_candidate_better_by_more_than_the_minimum_gain(double serving, double candidate, double minGain, bool promoted)
    {
        var (promote, reason) = PromotionGuard.Decide(new HeldOutScore(serving, 0.1, 200), new HeldOutScore(candidate, 0.1, 200), minGain);

        Assert.Equal(promoted, promote);
        Assert.StartsWith(promoted ? "promoted: " : "rejected: ", reason, StringComparison.Ordinal);
        Assert.Contains(serving.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), reason, StringComparison.Ordinal);
        Assert.Contains(candidate.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Guard_should_refuse_a_candidate_whose_score_is_not_a_number_or_counts_other_interactions()
    {
        Assert.False(PromotionGuard.Decide(new HeldOutScore(0.02, 0.1, 200), new HeldOutScore(double.NaN, 0.1, 200)).Promote);
        Assert.False(PromotionGuard.Decide(new HeldOutScore(0.02, 0.1, 200), new HeldOutScore(0.5, 0.6, 199)).Promote);
    }

    [Fact]
    public void Guard_should_never_promote_a_candidate_that_is_not_strictly_better()
    {
        Gen.Select(Gen.Double[0, 1], Gen.Double[0, 1], Gen.Double[0, 0.1]).Sample((serving, candidate, minGain) =>
            PromotionGuard.Decide(new HeldOutScore(serving, 0, 10), new HeldOutScore(candidate, 0, 10), minGain).Promote == (candidate - serving > minGain));
    }

    [Fact]
    public void Split_should_hold_out_the_most_recent_interactions_as_each_users_suffix()
    {
        // u1 interacts at 1, 2, 9; u2 at 3, 8; u3 at 4: the last 2 of 6 (keys 8 and 9) are held out
        var data = AdaptationData.Split(
            ["a", "b", "c", "d"], ["A", "B", "C", "D"],
            [("u1", [0, 1, 2], [1, 2, 9]), ("u2", [3, 0], [3, 8]), ("u3", [1], [4])],
            0.3);

        Assert.Equal(4, data.TrainInteractions);
        Assert.Equal(2, data.HeldOutInteractions);
        Assert.Equal(new[] { new[] { 0, 1 }, [3], [1] }, data.Train.Select(s => s.Items).ToArray());
        Assert.Equal(new[] { 2, 1 }, data.HeldOut.Select(h => h.From).ToArray());
    }

    [Fact]
    public void Split_should_keep_every_interaction_once_and_none_held_out_before_a_trained_one()
    {
        var user = Gen.Long[0, 50].Array[1, 12].Select(keys => keys.Order().ToArray());
        user.Array[1, 20].Select(Gen.Double[0.05, 0.5]).Sample((keysByUser, fraction) =>
        {
            var users = keysByUser.Select((keys, u) => ($"u{u:D3}", keys.Select((_, i) => i % 3).ToArray(), keys)).ToList();
            var data = AdaptationData.Split(["a", "b", "c"], ["A", "B", "C"], users, fraction);
            var total = users.Sum(u => u.Item2.Length);
            var latestTrained = data.Train.SelectMany(s => s.Times).DefaultIfEmpty(long.MinValue).Max();
            var earliestHeld = data.HeldOut.SelectMany(h => h.Sequence.Times[h.From..]).Min();
            return data.TrainInteractions + data.HeldOutInteractions == total
                && data.HeldOutInteractions == (long)Math.Ceiling(total * fraction)
                && latestTrained <= earliestHeld;
        });
    }
}
