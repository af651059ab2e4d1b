using Confluent.Kafka;
using ZesRec.Streaming.Hosting;

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

    /// <summary>
    /// A processor's options on fresh topics, a fresh consumer group and the given schema, metrics on a free port;
    /// <paramref name="processing"/> says how it scores.
    /// </summary>
    public static ServeOptions FreshServeOptions(string modelDir, string bootstrap, string connectionString, string schema, ProcessingOptions processing) => new()
    {
        ModelDir = modelDir,
        Kafka = new KafkaOptions
        {
            BootstrapServers = bootstrap,
            GroupId = $"bench.{Guid.NewGuid():N}",
            InstanceId = "bench",
            ItemsTopic = Fresh(bootstrap, "items")[0].Topic,
            InteractionsTopic = Fresh(bootstrap, "interactions")[0].Topic,
            RecommendationsTopic = Fresh(bootstrap, "recs")[0].Topic,
            DeadLetterTopic = Fresh(bootstrap, "dead")[0].Topic,
        },
        Postgres = new PostgresOptions { ConnectionString = connectionString, Schema = schema },
        Metrics = new MetricsOptions { Port = 0 },
        Processing = processing,
    };
}
