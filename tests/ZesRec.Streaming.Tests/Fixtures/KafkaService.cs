using Confluent.Kafka;
using ZesRec.Configuration;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// The Kafka service for the Kafka tests: the configured Kafka:BootstrapServers when set
/// (ZESREC_Kafka__BootstrapServers, as infra/dev/stack.sh env exports it), else the development broker
/// of infra/dev/kafka.sh (started if needed, left running).
/// </summary>
public sealed class KafkaService : IAsyncLifetime
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(20);

    public string Bootstrap { get; private set; } = "";

    public async Task InitializeAsync() =>
        Bootstrap = ZesRecConfiguration.Build()[LocalServices.KafkaBootstrapServersKey] is { Length: > 0 } configured
            ? configured
            : await ServiceScript.UpAsync("kafka.sh", LocalServices.KafkaBootstrapServersKey);

    public Task DisposeAsync() => Task.CompletedTask;

    public KafkaSettings Settings(string groupId) =>
        KafkaSettings.Create(Bootstrap).WithGroupId(groupId).WithClientId($"test-{groupId}").WithSessionTimeout(TimeSpan.FromSeconds(6));

    /// <summary>
    /// A topic no other test uses, with its partitions. The development broker has no CreateTopics
    /// API; it creates a topic on the first metadata request that names it.
    /// </summary>
    public IReadOnlyList<TopicPartition> FreshTopic(string purpose)
    {
        var topic = $"test.{purpose}.{Guid.NewGuid():N}";
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var deadline = DateTime.UtcNow + MetadataTimeout;
        while (true)
        {
            var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is { Error.IsError: false, Partitions.Count: > 0 })
            {
                return [.. metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value)];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"topic {topic} was not created: {metadata?.Error}");
            }

            Thread.Sleep(200);
        }
    }

    public static string FreshGroup(string purpose) => $"test.{purpose}.{Guid.NewGuid():N}";
}
