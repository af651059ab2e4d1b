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
public sealed class KafkaProducerFlowTests(KafkaService kafka) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ActorSystem _system = ActorSystem.Create("kafka-producer-tests");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task Producer_flow_should_deliver_every_message_and_pass_its_value_through_in_order()
    {
        // Given 300 messages for 7 users (keys), each with a header
        var partitions = kafka.FreshTopic("produce");
        var topic = partitions[0].Topic;
        var messages = Enumerable.Range(0, 300).Select(i => new ProducerMessage<int>(
            topic,
            $"user-{i % 7}",
            Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)),
            new Headers { { "seq", BitConverter.GetBytes(i) } },
            i)).ToList();
        using var producer = new KafkaProducer(KafkaSettings.Create(kafka.Bootstrap).WithClientId("test-producer"));

        // When they go through the flow, and a source reads the topic back from the beginning
        var results = await Source.From(messages)
            .Via(KafkaProducerFlow.Create<int>(producer, parallelism: 16))
            .RunWith(Sink.Seq<ProducerResult<int>>(), _system.Materializer())
            .WaitAsync(Patience);
        var received = new ConcurrentQueue<ConsumeResult<string?, byte[]>>();
        var handler = new RecordingAssignmentHandler(new Dictionary<TopicPartition, Offset>());
        var (control, done) = KafkaSource.Create(kafka.Settings(KafkaService.FreshGroup("produce")), [topic], handler)
            .ToMaterialized(Sink.ForEach<ConsumeResult<string?, byte[]>>(received.Enqueue), Keep.Both)
            .Run(_system.Materializer());
        var all = await Eventually.HoldsAsync(() => received.Count >= messages.Count, Patience);
        control.Shutdown();
        await done.WaitAsync(Patience);

        // Then results came in input order with real offsets, and every message arrived once,
        // with its header, in send order per user
        Assert.Equal(Enumerable.Range(0, 300), results.Select(r => r.PassThrough));
        Assert.All(results, r => Assert.True(r.Written.Offset.Value >= 0));
        Assert.True(all, $"only {received.Count} of {messages.Count} arrived");
        Assert.Equal(messages.Count, received.Count);
        foreach (var user in received.GroupBy(r => r.Message.Key))
        {
            var sequence = user.Select(r => int.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
            Assert.All(user, r => Assert.Equal(
                int.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture),
                BitConverter.ToInt32(r.Message.Headers.GetLastBytes("seq"))));
        }

        Assert.Equal(7, received.Select(r => r.Message.Key).Distinct().Count());
    }

    [Fact]
    public async Task Producer_sink_should_complete_when_every_message_was_acknowledged()
    {
        // Given
        var partitions = kafka.FreshTopic("sink");
        using var producer = new KafkaProducer(KafkaSettings.Create(kafka.Bootstrap));
        var messages = Enumerable.Range(0, 50)
            .Select(i => new ProducerMessage<int>(partitions[0].Topic, "k", [(byte)i], null, i));

        // When
        await Source.From(messages).RunWith(KafkaProducerFlow.Sink<int>(producer, 4), _system.Materializer()).WaitAsync(Patience);

        // Then the partition of key "k" holds all 50
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.Bootstrap, GroupId = KafkaService.FreshGroup("sink") }).Build();
        var total = partitions.Sum(p => reader.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        Assert.Equal(50, total);
    }
}
