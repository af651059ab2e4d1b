using Confluent.Kafka;
using Npgsql;
using Xunit.Abstractions;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// The offsets stored in PostgreSQL with each flush are also committed to the Kafka consumer groups, so that lag
/// tools (kafka-consumer-groups, exporters) see the processor's progress.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorCommittedOffsetsTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Broker_committed_offsets_should_equal_the_offsets_stored_in_postgres_after_a_replay()
    {
        // Given a processor of a fresh group on fresh topics
        await using var schema = await postgres.CreateSchemaAsync("committed");
        var topics = Topics.Fresh(kafka);
        var group = KafkaService.FreshGroup("committed");
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, group);
        await using var run = await RunningProcessor.StartAsync(options);

        // When the target's items and then its interactions are published and every one is stored
        using var producer = new KafkaProducer(kafka.Settings("committed-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, harness.Target.Interactions);
        var interactions = harness.Target.Interactions.Count;
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == interactions, Patience));

        // Then the interaction group's committed offsets are PostgreSQL's, partition by partition
        var storedInteractions = await StoredAsync(schema.DataSource, topics.Interactions);
        Assert.Equal(interactions, storedInteractions.Values.Sum());
        Dictionary<int, long> committed = [];
        Assert.True(
            await Eventually.HoldsAsync(() => (committed = Committed(group, topics.Interactions, storedInteractions.Keys)).OrderBy(p => p.Key).SequenceEqual(storedInteractions.OrderBy(p => p.Key)), Patience),
            $"committed {string.Join(", ", committed)}; stored {string.Join(", ", storedInteractions)}");

        // And the item group's (one per instance) are those stored under the instance's key
        var storedItems = await StoredAsync(schema.DataSource, $"{topics.Items}@{options.Kafka.InstanceId}");
        Assert.Equal(harness.Target.Items.Count, storedItems.Values.Sum());
        Assert.True(
            await Eventually.HoldsAsync(() => (committed = Committed($"{group}.items.{options.Kafka.InstanceId}", topics.Items, storedItems.Keys)).OrderBy(p => p.Key).SequenceEqual(storedItems.OrderBy(p => p.Key)), Patience),
            $"committed {string.Join(", ", committed)}; stored {string.Join(", ", storedItems)}");
        output.WriteLine($"committed = stored: {interactions} interactions over {storedInteractions.Count} partitions, {storedItems.Values.Sum()} items over {storedItems.Count}");
    }

    private static async Task<Dictionary<int, long>> StoredAsync(NpgsqlDataSource dataSource, string topic)
    {
        await using var command = dataSource.CreateCommand("SELECT partition, next_offset FROM input_offsets WHERE topic = $1");
        command.Parameters.AddWithValue(topic);
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<int, long>();
        while (await reader.ReadAsync())
        {
            stored[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return stored;
    }

    /// <summary>The group's committed offsets (OffsetFetch, what lag tools read); partitions without one are left out.</summary>
    private Dictionary<int, long> Committed(string group, string topic, IEnumerable<int> partitions)
    {
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.Bootstrap, GroupId = group }).Build();
        return reader.Committed([.. partitions.Select(p => new TopicPartition(topic, p))], TimeSpan.FromSeconds(10))
            .Where(o => !o.Offset.IsSpecial)
            .ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
    }
}
