using System.Diagnostics;
using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

[Collection(KafkaCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ReplayPacingTests(KafkaService kafka) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("zesrec-replay-pacing-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Replayer_should_take_the_paced_time_when_the_rate_is_limited()
    {
        // Given the tiny dataset's ~1,400 interactions at 2,000 per second
        var dataset = ReplayTests.ImportTiny(_scratch);
        var topic = kafka.FreshTopic("replay-rate")[0].Topic;
        using var producer = new KafkaProducer(KafkaSettings.Create(kafka.Bootstrap).WithClientId("test-replay-rate"));
        var replayer = new DatasetReplayer(producer, new ReplayOptions { InteractionsTopic = topic, PublishItems = false, Rate = 2_000 });

        // When
        var report = await replayer.ReplayAsync(dataset);

        // Then all arrive, and not much faster than the rate allows (about 0.7 s; loose: timing belongs in benchmarks)
        Assert.Equal(dataset.Interactions.Count, report.InteractionsPublished);
        Assert.Equal(dataset.Interactions.Count, ReplayedTopic.Count(kafka.Bootstrap, topic));
        Assert.True(report.InteractionsDuration >= TimeSpan.FromSeconds(0.5), $"took only {report.InteractionsDuration.TotalSeconds:F3} s");
        Assert.True(report.InteractionsPerSecond <= 2_000 * 1.2, $"achieved {report.InteractionsPerSecond:F0}/s");
    }

    [Fact]
    public async Task Replayer_should_pause_for_scaled_gaps_but_at_most_the_cap_when_speed_is_set()
    {
        // Given gaps of 2 s, 2 s and 3 days, replayed 10 times faster
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var dataset = new EventLogDataset(
            "gaps",
            "test",
            [new ItemCreated(1, "i", "an item")],
            [
                new InteractionOccurred(1, "u", "i", start),
                new InteractionOccurred(1, "u", "i", start.AddSeconds(2)),
                new InteractionOccurred(1, "u", "i", start.AddSeconds(4)),
                new InteractionOccurred(1, "u", "i", start.AddDays(3)),
            ]);
        var topic = kafka.FreshTopic("replay-speed")[0].Topic;
        using var producer = new KafkaProducer(KafkaSettings.Create(kafka.Bootstrap).WithClientId("test-replay-speed"));
        var replayer = new DatasetReplayer(producer, new ReplayOptions { InteractionsTopic = topic, PublishItems = false, Speed = 10 });

        // When
        var watch = Stopwatch.StartNew();
        var report = await replayer.ReplayAsync(dataset);

        // Then it paused 0.2 + 0.2 + 1 (capped) seconds, not 7 hours
        Assert.Equal(4, report.InteractionsPublished);
        Assert.True(report.InteractionsDuration >= TimeSpan.FromSeconds(1.3), $"took only {report.InteractionsDuration.TotalSeconds:F3} s");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed.TotalSeconds:F1} s");
    }
}
