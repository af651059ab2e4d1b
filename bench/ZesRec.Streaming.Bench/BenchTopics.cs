using Confluent.Kafka;

namespace ZesRec.Streaming.Bench;

/// <summary>Fresh topics for one run, so nothing of an earlier run is read again.</summary>
public static class BenchTopics
{
    // The development broker has no CreateTopics API; it creates a topic (4 partitions) on the first metadata request naming it.
    public static IReadOnlyList<TopicPartition> Fresh(string bootstrap, string purpose)
    {
        var topic = $"bench.{purpose}.{Guid.NewGuid():N}";
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(20)).Topics.SingleOrDefault(t => t.Topic == topic);
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
}
