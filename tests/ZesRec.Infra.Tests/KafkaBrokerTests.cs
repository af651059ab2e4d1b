using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;

namespace ZesRec.Infra.Tests;

[Collection(KafkaCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class KafkaBrokerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Development_broker_should_deliver_to_a_consumer_group_in_another_process_when_a_message_is_produced()
    {
        // Given
        var topic = KafkaFixture.FreshTopic("handover");
        var payload = $"item-{Guid.NewGuid():N}";
        using (var producer = new ProducerBuilder<Null, string>(ProducerConfig()).Build())
        {
            await producer.ProduceAsync(topic, new Message<Null, string> { Value = payload });
        }

        // When
        var consumer = await kafka.RunProbeAsync("consume", "--topic", topic, "--group", KafkaFixture.FreshGroup("handover"), "--max", "1");

        // Then
        Assert.True(consumer.ExitCode == 0, consumer.ToString());
        var message = Assert.Single(KafkaProbeOutput.Messages(consumer));
        Assert.Equal(payload, message.Value);
    }

    [Fact]
    public async Task Consumer_group_should_resume_from_its_committed_offset_when_its_process_restarts()
    {
        // Given 100 numbered messages on one partition, so their order is total
        var topic = KafkaFixture.FreshTopic("resume");
        var group = KafkaFixture.FreshGroup("resume");
        using (var producer = new ProducerBuilder<Null, string>(ProducerConfig()).Build())
        {
            for (var i = 0; i < 100; i++)
            {
                producer.Produce(new TopicPartition(topic, 0), new Message<Null, string> { Value = i.ToString(CultureInfo.InvariantCulture) });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        // When process A consumes 40, commits and exits, and process B of the same group reads to the end
        var first = await kafka.RunProbeAsync("consume", "--topic", topic, "--group", group, "--max", "40");
        var second = await kafka.RunProbeAsync("consume", "--topic", topic, "--group", group);

        // Then A saw 0..39 and B exactly 40..99: nothing lost, nothing repeated
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(Numbers(0, 40), KafkaProbeOutput.Messages(first).Select(m => m.Value));
        Assert.Equal(Numbers(40, 60), KafkaProbeOutput.Messages(second).Select(m => m.Value));
    }

    [Fact]
    public void Development_broker_should_serve_the_project_topics_when_started()
    {
        // Given
        var expected = ProjectTopics(Path.Combine(kafka.RepoRoot, "infra", "kafka", "topics.json"));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.Bootstrap }).Build();

        // When
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(20));

        // Then every topic exists with its partition count, and the broker advertises the fixed port
        Assert.NotEmpty(expected);
        foreach (var (name, partitions) in expected)
        {
            var topic = metadata.Topics.SingleOrDefault(t => t.Topic == name);
            Assert.True(topic is not null, $"topic {name} is missing");
            Assert.Equal(partitions, topic.Partitions.Count);
        }

        var port = int.Parse(kafka.Bootstrap[(kafka.Bootstrap.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        Assert.Contains(metadata.Brokers, b => b.Port == port);
    }

    private ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = kafka.Bootstrap,
        EnableIdempotence = true,
        Acks = Acks.All,
    };

    private static IEnumerable<string> Numbers(int start, int count) =>
        Enumerable.Range(start, count).Select(i => i.ToString(CultureInfo.InvariantCulture));

    private static List<(string Name, int Partitions)> ProjectTopics(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("partitions").GetInt32()))];
    }
}
