using CsCheck;
using ZesRec.Streaming.Adaptation;
using ZesRec.Streaming.Serving;

namespace ZesRec.Streaming.Tests;

/// <summary>What a frozen-versus-adaptive replay reads from the processors, without services.</summary>
public sealed class SideBySideTests
{
    [Fact]
    public void Online_metrics_should_tell_each_scored_interaction_whose_mean_is_the_snapshot()
    {
        Gen.Int[0, 30].Array[1, 60].Sample(ranks =>
        {
            // Given online metrics telling a list every scored interaction
            var online = new OnlineMetrics();
            var told = new List<ScoredEvent?>();
            online.Scored = s => told.Add(new ScoredEvent(s.Ndcg, s.Hit));
            var ranked = Enumerable.Range(0, 25).Select(i => $"i{i}").ToList();

            // When interactions hit at various ranks (25 and beyond are misses)
            foreach (var rank in ranks)
            {
                online.Record(ranked, $"i{rank}");
            }

            // Then every one was told once, and their means are the running means
            var (ndcg, recall, evaluated) = online.Snapshot();
            var mean = SideBySideResult.Mean(told, 0, told.Count);
            return told.Count == ranks.Length && evaluated == ranks.Length
                && Math.Abs(mean.Ndcg - ndcg) < 1e-12 && Math.Abs(mean.Recall - recall) < 1e-12
                && told.Zip(ranks).All(x => x.First!.Value.Hit == x.Second < 20);
        });
    }

    [Fact]
    public void Mean_should_average_the_scored_events_of_a_range_and_be_undefined_on_none()
    {
        ScoredEvent?[] events = [new(1, true), new(0, false), null, new(0.5, true), new(0, false)];

        Assert.Equal((0.25, 0.5), SideBySideResult.Mean(events, 1, 4));
        Assert.True(double.IsNaN(SideBySideResult.Mean(events, 2, 3).Ndcg));
        Assert.Equal((0.375, 0.5), SideBySideResult.Mean(events, 0, 99));
    }

    [Fact]
    public void Comparisons_should_be_made_on_the_interactions_both_lanes_scored()
    {
        ScoredEvent?[] frozen = [new(1, true), new(0, false), new(0.5, true)];
        ScoredEvent?[] adaptive = [new(1, true), null, new(1, true)];
        var result = new SideBySideResult(frozen, adaptive, [], []);

        Assert.Equal([0, 2], result.Both(0, 3));
        Assert.Equal((0.75, 1.0), SideBySideResult.Mean(frozen, result.Both(0, 3)));
    }

    [Fact]
    public void Even_chunks_should_end_at_the_stream_length_and_split_it_in_equal_parts()
    {
        Gen.Select(Gen.Int[1, 100_000], Gen.Int[1, 16]).Sample((count, parts) =>
        {
            var ends = SideBySideReplay.Even(count, parts);
            var sizes = ends.Zip(ends.Prepend(0), (end, start) => end - start).ToList();
            return ends.Count == parts && ends[^1] == count && sizes.Max() - sizes.Min() <= 1;
        });
    }

    [Fact]
    public void Latency_quantile_should_come_from_the_difference_of_two_readings()
    {
        // Given a histogram that held 100 events under 0.1 s, then 100 more: 98 under 0.1 s and 2 under 1 s
        var before = new SortedDictionary<double, double> { [0.1] = 100, [1] = 100, [double.PositiveInfinity] = 100 };
        var after = new SortedDictionary<double, double> { [0.1] = 198, [1] = 200, [double.PositiveInfinity] = 200 };

        // Then the 98th percentile of the interval is under 0.1 s, its 99th under 1 s, and an empty interval has none
        Assert.Equal(0.1, LatencyScrape.Quantile(before, after, 0.98));
        Assert.Equal(1, LatencyScrape.Quantile(before, after, 0.99));
        Assert.Null(LatencyScrape.Quantile(after, after, 0.99));
    }
}
