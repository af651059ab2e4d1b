using CsCheck;
using ZesRec.Model.Training;
using ZesRec.Streaming.Adaptation;
using ZesRec.Model;
using ZesRec.Streaming.Tests.Fixtures;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

/// <summary>The promotion guard and the held-out split of <c>zesrec adapt</c>, without services.</summary>
[Collection(TorchRandomCollection.Name)]
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
    public void Guard_should_refuse_a_gain_within_the_noise_of_the_paired_differences()
    {
        // Given 400 held-out interactions where the candidate hits 2 more than the serving model, and both miss
        // 30 the other hits: a higher mean NDCG, but 0.25 standard errors of the paired difference
        var serving = new double[400];
        var candidate = new double[400];
        for (var i = 0; i < 30; i++)
        {
            serving[i] = 1;
            candidate[30 + i] = 1;
        }

        candidate[60] = candidate[61] = 1;
        var before = Score(serving);
        var after = Score(candidate);

        // When the guard decides at the default level
        var (promote, reason) = PromotionGuard.Decide(before, after, 0, PromotionGuard.DefaultMinZ);

        // Then it refuses, saying the gain is within the noise; with the test off it would promote
        Assert.False(promote, reason);
        Assert.Contains("within the noise", reason, StringComparison.Ordinal);
        Assert.True(PromotionGuard.Decide(before, after, 0, 0).Promote);

        // And the same gain on interactions that no model hit before (every difference in the candidate's favour) promotes
        var clear = new double[400];
        Array.Fill(clear, 0.5, 0, 40);
        Assert.True(PromotionGuard.Decide(Score(new double[400]), Score(clear), 0, PromotionGuard.DefaultMinZ).Promote);
    }

    [Fact]
    public void Paired_z_should_grow_with_the_square_root_of_the_held_out_size()
    {
        Gen.Select(Gen.Int[2, 40], Gen.Int[1, 8]).Sample((n, repeat) =>
        {
            var serving = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1.0 : 0).ToArray();
            var candidate = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 1.0 : 0).ToArray();
            var z1 = PromotionGuard.PairedZ(serving, candidate);
            var zk = PromotionGuard.PairedZ(Repeat(serving, repeat), Repeat(candidate, repeat));
            return z1 is { } a && zk is { } b && (double.IsInfinity(a) || a == 0
                ? a == b
                : Math.Abs((b / a) - Math.Sqrt((((double)n * repeat) - 1) / (n - 1))) < 1e-9);
        });
    }

    [Fact]
    public void Consumed_only_should_keep_each_consumed_items_text_and_renumber_the_sequences_into_it()
    {
        Gen.Int[0, 19].Array[1, 8].Array[1, 6].Sample(itemsByUser =>
        {
            using var scope = NewDisposeScope();
            var texts = arange(60, dtype: float32).reshape(20, 3);
            var train = itemsByUser.Select(items => new TrainingSequence(items, new long[items.Length])).ToList();

            var (classes, renumbered) = AdaptationRound.ConsumedOnly(texts, train);

            var rows = classes.data<float>().ToArray();
            var all = texts.data<float>().ToArray();
            return classes.shape[0] == itemsByUser.SelectMany(i => i).Distinct().Count()
                && train.Zip(renumbered).All(p => p.First.Items.Length == p.Second.Items.Length
                    && p.First.Items.Zip(p.Second.Items).All(q => rows.AsSpan(q.Second * 3, 3).SequenceEqual(all.AsSpan(q.First * 3, 3))));
        });
    }

    [Fact]
    public void Early_stopping_should_score_on_the_most_recent_training_interactions_and_keep_the_best_epoch()
    {
        // Given a round's data: 40 users stepping through 30 items by their text, 10 % held out
        using var scope = NewDisposeScope();
        var (ids, texts, data) = SteppingUsers();
        var settings = new AdaptationSettings { ModelDir = "", ModelsDir = "", Epochs = 6, LearningRate = 0.05, InnerHeldOutFraction = 0.2, Patience = 2 };
        using var model = SmallModel();
        var log = new StringWriter();

        // When a round fine-tunes it with early stopping on a fifth of the training part
        var result = AdaptationRound.FineTune(settings, model, texts, data, CPU, log);

        // Then the inner slice is the most recent fifth of the training part, scored before the first epoch and after
        // each, and the candidate holds the best-scoring epoch's weights
        var inner = AdaptationData.Split(ids, ids, [.. data.Train.Select((s, u) => ($"{u:D9}", s.Items, s.Times))], 0.2);
        Assert.Equal((long)Math.Ceiling(data.TrainInteractions * 0.2), inner.HeldOutInteractions);
        Assert.Equal(result.EpochsRun + 1, result.Validation.Count);
        Assert.Equal(result.Validation.Max(), result.Validation[result.BestEpoch]);
        Assert.Equal(result.Validation[result.BestEpoch], HeldOutScore.Of(model, texts, inner.HeldOut, CPU).Ndcg, 6);
        Assert.Contains($"keeping epoch {result.BestEpoch}", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refit_should_train_the_best_epoch_count_again_from_the_serving_weights_on_the_whole_training_part()
    {
        // Given a round's data and two copies of one model
        using var scope = NewDisposeScope();
        var (_, texts, data) = SteppingUsers();
        var settings = new AdaptationSettings { ModelDir = "", ModelsDir = "", Epochs = 6, LearningRate = 0.05, InnerHeldOutFraction = 0.2, Patience = 2, Refit = true };
        using var refitted = SmallModel();
        using var expected = SmallModel();
        var log = new StringWriter();

        // When one fine-tunes with early stopping and --refit
        var result = AdaptationRound.FineTune(settings, refitted, texts, data, CPU, log);

        // Then it holds what the best epoch count gives when trained from the start on every training interaction
        Assert.True(result.BestEpoch >= 1, string.Join(" ", result.Validation));
        AdaptationRound.FineTune(settings with { InnerHeldOutFraction = 0, Epochs = result.BestEpoch }, expected, texts, data, CPU, TextWriter.Null);
        Assert.Contains($"refitting {result.BestEpoch} epochs on all {data.TrainInteractions:N0} training interactions", log.ToString(), StringComparison.Ordinal);
        var want = expected.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().data<float>().ToArray());
        Assert.All(refitted.named_parameters(), p => Assert.Equal(want[p.name], p.parameter.detach().data<float>().ToArray()));
    }

    private static (List<string> Ids, Tensor Texts, AdaptationData Data) SteppingUsers()
    {
        manual_seed(5);
        var texts = randn(30, 8);
        var random = new Random(4);
        var users = Enumerable.Range(0, 40).Select(u =>
        {
            var first = random.Next(30);
            var length = random.Next(3, 10);
            return ($"u{u:D2}", Enumerable.Range(0, length).Select(k => (first + k) % 30).ToArray(), Enumerable.Range(0, length).Select(k => (long)((u * 7) + (k * 50))).ToArray());
        }).ToList();
        var ids = Enumerable.Range(0, 30).Select(i => $"i{i:D2}").ToList();
        return (ids, texts, AdaptationData.Split(ids, ids, users, 0.1));
    }

    private static ZesRecModel SmallModel()
    {
        manual_seed(9);
        return new ZesRecModel(new ZesRecConfig { Variant = UserEncoderVariant.Parse("tcn"), Dim = 16, BatchSize = 16, Seed = 2 }, 8, 1);
    }

    private static HeldOutScore Score(double[] perTarget) => new(perTarget.Average(), perTarget.Count(x => x > 0) / (double)perTarget.Length, perTarget.Length, perTarget);

    private static double[] Repeat(double[] values, int times) => [.. Enumerable.Repeat(values, times).SelectMany(v => v)];

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
