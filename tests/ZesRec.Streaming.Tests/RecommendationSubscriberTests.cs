using Confluent.Kafka;
using RecommendationSubscriber;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// The example subscriber (examples/RecommendationSubscriber) reads recommendations a real processor published, with
/// the repeats at-least-once delivery makes and a second model version of an upgrade mixed in.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class RecommendationSubscriberTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Subscriber_should_drop_repeats_follow_the_newer_model_and_skip_invalid_events()
    {
        // Given 120 recommendations published by a real processor (model m1)
        await using var schema = await postgres.CreateSchemaAsync("subscriber");
        var topics = Topics.Fresh(kafka);
        List<byte[]> real;
        await using (var run = await RunningProcessor.StartAsync(harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("subscriber"))))
        {
            using var producer = new KafkaProducer(kafka.Settings("subscriber-producer"));
            await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, harness.Target.Interactions.OrderBy(i => i.OrderKey).Take(120));

            // Read while the processor runs: stopping it first would leave a slow machine's interactions unprocessed.
            real = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count >= 120, Patience).Select(r => r.Message.Value).ToList();
        }

        Assert.Equal(120, real.Count);
        var m1 = EventJson.DeserializeRecommendation(real[0]).ModelVersion;
        byte[] Next(byte[] value) => EventJson.Serialize(EventJson.DeserializeRecommendation(value) with { ModelVersion = m1 + "-next" });

        // And a stream as a subscriber may see it during an upgrade, in one partition so its order holds:
        // 100 events, 30 of them again, the new model's events for the first 50 interactions, 20 more of the old
        // model, 10 of the new model's again, and one message that is no recommendation
        List<byte[]> stream =
        [
            .. real.Take(100), .. real.Take(30), .. real.Take(50).Select(Next), .. real.Skip(100).Take(20), .. real.Take(10).Select(Next), "{}"u8.ToArray(),
        ];
        var topic = kafka.FreshTopic("subscriber")[0];
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = kafka.Bootstrap, EnableIdempotence = true }).Build())
        {
            foreach (var value in stream)
            {
                await producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = value });
            }
        }

        // When the example subscriber reads the topic
        var subscriber = new Subscriber();
        var outcomes = ProcessorHarness.ReadAll(kafka.Bootstrap, topic.Topic, r => r.Count >= stream.Count, Patience)
            .Where(r => r.Partition == topic.Partition)
            .Select(r => subscriber.Handle(r.Message.Value))
            .GroupBy(o => o)
            .ToDictionary(g => g.Key, g => g.Count());

        // Then it applies each event once per model, drops the repeats and the old model's late events, and follows m1-next
        Assert.Equal(150, outcomes.GetValueOrDefault(Outcome.Applied));
        Assert.Equal(40, outcomes.GetValueOrDefault(Outcome.Repeat));
        Assert.Equal(20, outcomes.GetValueOrDefault(Outcome.OlderModel));
        Assert.Equal(1, outcomes.GetValueOrDefault(Outcome.Invalid));
        Assert.Equal([m1, m1 + "-next"], subscriber.ModelVersions);
        var upgradedUsers = real.Take(50).Select(v => EventJson.DeserializeRecommendation(v).UserId).ToHashSet();
        Assert.All(upgradedUsers, u => Assert.Equal(m1 + "-next", subscriber.Latest[u].ModelVersion));
    }
}
