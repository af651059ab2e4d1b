using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

[Collection(KafkaCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class KafkaSourceTests(KafkaService kafka) : IAsyncLifetime
{
    private const int PerPartition = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ActorSystem _system = ActorSystem.Create("kafka-source-tests");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task Source_should_emit_exactly_the_records_after_the_stored_offset_in_order_when_the_handler_seeks()
    {
        // Given 200 numbered records in each partition of a fresh topic, and stored offset 50
        // for every partition but the last, which has none (so starts at the beginning)
        var partitions = kafka.FreshTopic("seek");
        ProduceNumbered(partitions);
        var starts = partitions.SkipLast(1).ToDictionary(p => p, _ => new Offset(50));
        var handler = new RecordingAssignmentHandler(starts);
        var settings = kafka.Settings(KafkaService.FreshGroup("seek"));
        var received = new ConcurrentQueue<ConsumeResult<string?, byte[]>>();
        var expectedCount = ((partitions.Count - 1) * (PerPartition - 50)) + PerPartition;

        // When the source runs until it has had them all
        var (control, done) = KafkaSource.Create(settings, [partitions[0].Topic], handler)
            .ToMaterialized(Sink.ForEach<ConsumeResult<string?, byte[]>>(received.Enqueue), Keep.Both)
            .Run(_system.Materializer());
        Assert.True(await Eventually.HoldsAsync(() => received.Count >= expectedCount, Patience), $"only {received.Count} of {expectedCount} arrived");
        Assert.True(
            await Eventually.HoldsAsync(() => control.Lag.Count == partitions.Count && control.Lag.Values.All(l => l == 0), TimeSpan.FromSeconds(10)),
            $"lag: {string.Join(", ", control.Lag)}");
        await Task.Delay(500); // room for a duplicate to show up
        control.Shutdown();
        await done.WaitAsync(Patience);
        await control.Stopped.WaitAsync(Patience);

        // Then each partition gave exactly its records from its start offset on, in order, and
        // the handler saw every partition assigned and, on shutdown, revoked
        Assert.Equal(expectedCount, received.Count);
        foreach (var partition in partitions)
        {
            var from = starts.ContainsKey(partition) ? 50 : 0;
            var values = received.Where(r => r.TopicPartition == partition).Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToList();
            Assert.Equal(Enumerable.Range(from, PerPartition - from).Select(i => Numbered(partition, i)), values);
        }

        Assert.Equal(partitions.ToHashSet(), handler.Assigned.ToHashSet());
        Assert.Equal(partitions.ToHashSet(), handler.Revoked.ToHashSet());
    }

    [Fact]
    public async Task Source_should_report_the_unread_records_as_lag_when_downstream_does_not_pull()
    {
        // Given 200 records per partition, a consumer starting at 50, and a downstream that takes one record and stalls
        var partitions = kafka.FreshTopic("lag");
        ProduceNumbered(partitions);
        var handler = new RecordingAssignmentHandler(partitions.ToDictionary(p => p, _ => new Offset(50)));
        var settings = kafka.Settings(KafkaService.FreshGroup("lag")).WithBufferSize(10);
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        // When
        var (control, done) = KafkaSource.Create(settings, [partitions[0].Topic], handler)
            .SelectAsync(1, async r => await gate.Task)
            .ToMaterialized(Sink.Ignore<bool>(), Keep.Both)
            .Run(_system.Materializer());

        // Then each partition lags by its 150 records, less the at most one that was taken
        var settled = await Eventually.HoldsAsync(
            () => control.Lag.Count == partitions.Count && control.Lag.Values.Sum() == (partitions.Count * 150) - 1,
            Patience);
        var lag = string.Join(", ", control.Lag);
        gate.SetResult(true);
        control.Shutdown();
        await done.WaitAsync(Patience);
        Assert.True(settled, $"lag: {lag}");
        Assert.All(control.Lag.Values, l => Assert.InRange(l, 149, 150));
    }

    [Fact]
    public async Task Committer_should_commit_the_next_offsets_of_the_partitions_the_consumer_holds()
    {
        // Given a running source that holds all partitions of a fresh topic
        var partitions = kafka.FreshTopic("commit");
        ProduceNumbered(partitions);
        var group = KafkaService.FreshGroup("commit");
        var handler = new RecordingAssignmentHandler(new Dictionary<TopicPartition, Offset>());
        var (control, done) = KafkaSource.Create(kafka.Settings(group), [partitions[0].Topic], handler)
            .ToMaterialized(Sink.Ignore<ConsumeResult<string?, byte[]>>(), Keep.Both)
            .Run(_system.Materializer());
        Assert.True(await Eventually.HoldsAsync(() => control.Assignment.Count == partitions.Count, Patience), "no assignment");
        var committer = new KafkaCommitter(control);

        // When offsets are committed after a (pretend) flush, one of them for a partition not held
        var committed = await committer.CommitAsync(
            [.. partitions.Select(p => (p.Topic, p.Partition.Value, (long)(100 + p.Partition.Value))), ("not.held", 0, 5L)]);
        control.Shutdown();
        await done.WaitAsync(Patience);
        await control.Stopped.WaitAsync(Patience);

        // Then the group's committed offsets are those of the held partitions
        Assert.Equal(0, committer.Failures);
        Assert.Equal(partitions.Count, committed.Count);
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.Bootstrap, GroupId = group }).Build();
        var stored = reader.Committed(partitions, TimeSpan.FromSeconds(20));
        Assert.Equal(partitions.Select(p => 100L + p.Partition.Value), stored.OrderBy(o => o.Partition.Value).Select(o => o.Offset.Value));
    }

    internal static string Numbered(TopicPartition partition, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"{partition.Partition.Value}:{i}");

    private void ProduceNumbered(IReadOnlyList<TopicPartition> partitions)
    {
        using var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = kafka.Bootstrap, EnableIdempotence = true, Acks = Acks.All }).Build();
        for (var i = 0; i < PerPartition; i++)
        {
            foreach (var partition in partitions)
            {
                producer.Produce(partition, new Message<string?, byte[]> { Key = $"user-{i}", Value = Encoding.UTF8.GetBytes(Numbered(partition, i)) });
            }
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
