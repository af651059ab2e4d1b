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
public sealed class KafkaRebalanceTests(KafkaService kafka) : IAsyncLifetime
{
    private const int PerPartition = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly ActorSystem _system = ActorSystem.Create("kafka-rebalance-tests");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task Sources_of_one_group_should_apply_every_record_exactly_once_when_a_member_joins_midway()
    {
        // Given 200 records per partition and a member A that applies them slowly
        var partitions = kafka.FreshTopic("rebalance");
        using (var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = kafka.Bootstrap }).Build())
        {
            for (var i = 0; i < PerPartition; i++)
            {
                foreach (var partition in partitions)
                {
                    producer.Produce(partition, new Message<string?, byte[]> { Key = null, Value = Encoding.UTF8.GetBytes(KafkaSourceTests.Numbered(partition, i)) });
                }
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var total = PerPartition * partitions.Count;
        var store = new InMemoryOffsetStore();
        var group = KafkaService.FreshGroup("rebalance");
        var topic = partitions[0].Topic;
        var (controlA, doneA) = KafkaSource.Create(kafka.Settings(group).WithClientId("member-a").WithBufferSize(20), [topic], store.HandlerFor("a"))
            .Throttle(150, TimeSpan.FromSeconds(1), 10, ThrottleMode.Shaping)
            .ToMaterialized(Sink.ForEach<ConsumeResult<string?, byte[]>>(r => store.Apply("a", r)), Keep.Both)
            .Run(_system.Materializer());
        Assert.True(await Eventually.HoldsAsync(() => store.AppliedCount > 50, Patience), "member a applied nothing");

        // When member B joins the group before A is done, and both run until everything is applied
        var (controlB, doneB) = KafkaSource.Create(kafka.Settings(group).WithClientId("member-b"), [topic], store.HandlerFor("b"))
            .ToMaterialized(Sink.ForEach<ConsumeResult<string?, byte[]>>(r => store.Apply("b", r)), Keep.Both)
            .Run(_system.Materializer());
        var all = await Eventually.HoldsAsync(() => store.AppliedCount >= total, Patience);
        await Task.Delay(1_000); // room for a duplicate to show up
        var applied = store.Applied;
        var assignedB = controlB.Assignment.Count;
        var diagnosis = $"a holds [{string.Join(", ", controlA.Assignment)}], lag {string.Join(", ", controlA.Lag)}; "
            + $"b holds [{string.Join(", ", controlB.Assignment)}], lag {string.Join(", ", controlB.Lag)}; applied "
            + string.Join(", ", applied.GroupBy(a => (a.Partition.Partition.Value, a.Member)).Select(g => $"{g.Key}: {g.Count()}"));
        controlA.Shutdown();
        controlB.Shutdown();
        await Task.WhenAll(doneA, doneB).WaitAsync(Patience);

        // Then B took partitions over, and every record was applied once, in offset order per partition
        Assert.True(all, $"only {applied.Count} of {total} applied; {diagnosis}");
        Assert.True(assignedB > 0, "member b got no partition");
        Assert.Contains(applied, a => a.Member == "b");
        Assert.Equal(total, applied.Count);
        foreach (var partition in partitions)
        {
            Assert.Equal(
                Enumerable.Range(0, PerPartition).Select(i => (long)i),
                applied.Where(a => a.Partition == partition).Select(a => a.Offset));
        }
    }
}
