using Confluent.Kafka;
using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Data.Import;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

[Collection(KafkaCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ReplayTests(KafkaService kafka) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("zesrec-replay-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Replayer_should_publish_every_event_once_keyed_and_in_user_order_when_replaying_the_tiny_dataset()
    {
        // Given the tiny Amazon Office dataset and two fresh topics
        var dataset = ImportTiny(_scratch);
        var itemsTopic = kafka.FreshTopic("replay-items")[0].Topic;
        var interactionsTopic = kafka.FreshTopic("replay-interactions")[0].Topic;
        using var producer = new KafkaProducer(KafkaSettings.Create(kafka.Bootstrap).WithClientId("test-replay"));
        var replayer = new DatasetReplayer(producer, new ReplayOptions { ItemsTopic = itemsTopic, InteractionsTopic = interactionsTopic });

        // When it is replayed as fast as possible, and both topics are read back
        var report = await replayer.ReplayAsync(Path.Combine(_scratch, "tiny"));
        var items = ReplayedTopic.ReadAll(kafka.Bootstrap, itemsTopic, dataset.Items.Count);
        var interactions = ReplayedTopic.ReadAll(kafka.Bootstrap, interactionsTopic, dataset.Interactions.Count);

        // Then every item arrived once keyed by its id, as the stream parses it
        Assert.Equal(dataset.Items.Count, report.ItemsPublished);
        Assert.Equal(dataset.Interactions.Count, report.InteractionsPublished);
        Assert.Equal(0, report.TextsCut);
        var parser = new EventParser();
        var parsedItems = items.Select(m => (m.Key, Event: parser.ParseItem(m.Value).Event)).ToList();
        Assert.All(parsedItems, m => Assert.Equal(m.Key, m.Event?.ItemId));
        Assert.Equal(dataset.Items.Select(i => i.ItemId).Order(StringComparer.Ordinal), parsedItems.Select(m => m.Key).Order(StringComparer.Ordinal));
        Assert.Equal(dataset.Items.ToHashSet(), parsedItems.Select(m => m.Event!).ToHashSet());

        // And every interaction once, keyed by its user, each user's in time order (file order on ties)
        var parsed = interactions.Select(m => (m.Key, Event: parser.ParseInteraction(m.Value).Event!)).ToList();
        Assert.All(parsed, m => Assert.Equal(m.Key, m.Event.UserId));
        foreach (var user in dataset.Interactions.GroupBy(i => i.UserId))
        {
            var expected = user.OrderBy(i => i.OrderKey).ToList();
            var received = parsed.Where(m => m.Key == user.Key).Select(m => m.Event).ToList();
            Assert.Equal(expected, received);
        }

        Assert.Equal(dataset.Interactions.Count, parsed.Count);
    }

    [Fact]
    public async Task Replayer_should_cut_a_text_to_the_stream_limit_when_it_is_longer()
    {
        // Given an item whose text is 10,000 code points, surrogate pairs across the limit, and a short one
        var limit = new EventLimits().MaxTextLength;
        var longText = new string('a', limit - 1) + string.Concat(Enumerable.Repeat("😀", 1000));
        var dataset = new EventLogDataset(
            "long-text",
            "test",
            [new ItemCreated(1, "long", longText), new ItemCreated(1, "short", "a short text")],
            [new InteractionOccurred(1, "u1", "long", Position: 0), new InteractionOccurred(1, "u1", "short", Position: 1)]);
        var itemsTopic = kafka.FreshTopic("replay-long-items")[0].Topic;
        var interactionsTopic = kafka.FreshTopic("replay-long-interactions")[0].Topic;
        using var producer = new KafkaProducer(KafkaSettings.Create(kafka.Bootstrap).WithClientId("test-replay-long"));
        var replayer = new DatasetReplayer(producer, new ReplayOptions { ItemsTopic = itemsTopic, InteractionsTopic = interactionsTopic });

        // When
        var report = await replayer.ReplayAsync(dataset);
        var items = ReplayedTopic.ReadAll(kafka.Bootstrap, itemsTopic, 2);

        // Then the long text arrives cut to the limit (a whole emoji last), valid for the stream; the short one untouched
        Assert.Equal(1, report.TextsCut);
        var parser = new EventParser();
        var parsed = items.ToDictionary(m => m.Key, m => parser.ParseItem(m.Value));
        Assert.True(parsed["long"].IsValid, parsed["long"].ToString());
        var text = parsed["long"].Event!.Text;
        Assert.Equal(limit, text.EnumerateRunes().Count());
        Assert.StartsWith(text, longText, StringComparison.Ordinal);
        Assert.EndsWith("a😀", text, StringComparison.Ordinal);
        Assert.Equal("a short text", parsed["short"].Event!.Text);
    }

    [Fact]
    public async Task Replayer_should_publish_only_the_earliest_interactions_and_no_items_when_limited_to_interactions()
    {
        // Given
        var dataset = ImportTiny(_scratch);
        var itemsTopic = kafka.FreshTopic("replay-limit-items")[0].Topic;
        var interactionsTopic = kafka.FreshTopic("replay-limit-interactions")[0].Topic;
        using var producer = new KafkaProducer(KafkaSettings.Create(kafka.Bootstrap).WithClientId("test-replay-limit"));
        var replayer = new DatasetReplayer(
            producer,
            new ReplayOptions { ItemsTopic = itemsTopic, InteractionsTopic = interactionsTopic, PublishItems = false, Limit = 100 });

        // When
        var report = await replayer.ReplayAsync(dataset);
        var interactions = ReplayedTopic.ReadAll(kafka.Bootstrap, interactionsTopic, 100);

        // Then the 100 earliest interactions, and the items topic stays empty
        Assert.Equal((0, 100), (report.ItemsPublished, report.InteractionsPublished));
        Assert.Equal(0, ReplayedTopic.Count(kafka.Bootstrap, itemsTopic));
        var parser = new EventParser();
        var expected = dataset.Interactions.OrderBy(i => i.OrderKey).Take(100).ToHashSet();
        Assert.Equal(expected, interactions.Select(m => parser.ParseInteraction(m.Value).Event!).ToHashSet());
    }

    internal static EventLogDataset ImportTiny(string scratch)
    {
        var source = RepoPaths.SharedData(Path.Combine("tiny", "amazon_office_tiny"));
        return DatasetImporters.ImportTo("tsv", source, Path.Combine(scratch, "tiny"), "tiny-office").Dataset;
    }
}

/// <summary>Reads a whole test topic back from the beginning.</summary>
internal static class ReplayedTopic
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    /// <summary>All records, each partition's in offset order; fails unless exactly <paramref name="expected"/> are there.</summary>
    public static List<Message<string, byte[]>> ReadAll(string bootstrap, string topic, int expected)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = KafkaService.FreshGroup("replay-read"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Assign(Partitions(bootstrap, topic).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<Message<string, byte[]>>();
        var deadline = DateTime.UtcNow + Patience;
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                records.Add(record.Message);
            }
        }

        Assert.Equal(expected, records.Count);
        // Exactly once: the partitions hold no record beyond those read.
        Assert.Equal(expected, Count(bootstrap, topic));
        return records;
    }

    public static long Count(string bootstrap, string topic)
    {
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = KafkaService.FreshGroup("replay-count") }).Build();
        return Partitions(bootstrap, topic).Sum(p =>
        {
            var marks = reader.QueryWatermarkOffsets(p, MetadataTimeout);
            return marks.High.Value - marks.Low.Value;
        });
    }

    private static List<TopicPartition> Partitions(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.Single(t => t.Topic == topic);
        return [.. metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId))];
    }
}
