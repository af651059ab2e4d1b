using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests;

/// <summary>Every topic the processor writes accepts the largest message its producer sends, in every stack.</summary>
public sealed class TopicLimitsTests
{
    [Fact]
    public void Topic_specs_should_accept_the_largest_message_the_processor_sends_when_read_from_topics_json()
    {
        // Given the development broker's topic specs
        using var specs = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "kafka", "topics.json")));

        // Then every topic has a max.message.bytes above the producer's message.max.bytes, which a dead letter fits
        Assert.All(specs.RootElement.EnumerateArray(), t =>
            Assert.True(t.GetProperty("maxMessageBytes").GetInt32() >= KafkaSettings.ProducerMessageMaxBytes, t.GetProperty("name").GetString()));
        Assert.True(DeadLetter.MaxMessageBytes <= KafkaSettings.ProducerMessageMaxBytes);
    }

    [Fact]
    public void Compose_topics_should_accept_the_largest_message_the_processor_sends_when_created_by_the_stack()
    {
        // Given the topic creation of docker-compose.yml
        var compose = File.ReadAllText(Path.Combine(RepoPaths.Root, "docker-compose.yml"));
        var limit = Regex.Match(compose, @"--config max\.message\.bytes=(\d+)");

        // Then it sets a max.message.bytes above the producer's message.max.bytes
        Assert.True(limit.Success, "docker-compose.yml creates its topics without max.message.bytes");
        Assert.True(int.Parse(limit.Groups[1].Value, CultureInfo.InvariantCulture) >= KafkaSettings.ProducerMessageMaxBytes);
    }
}
