using Confluent.Kafka;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>Reads whole topics back, for tests that compare what deployments published.</summary>
public static class TopicReader
{
    /// <summary>
    /// Every recommendation id on <paramref name="topic"/>, read until at least <paramref name="atLeast"/> came and
    /// each of its <paramref name="partitions"/> reported its end (so repeats past the count are read too).
    /// </summary>
    public static List<string> RecommendationIds(string bootstrap, string topic, int atLeast, int partitions = 4) =>
        [.. Recommendations(bootstrap, topic, atLeast, partitions).Select(r => r.EventId)];

    /// <summary>Every recommendation on <paramref name="topic"/>, read as <see cref="RecommendationIds"/> reads them.</summary>
    public static List<RecommendationPublished> Recommendations(string bootstrap, string topic, int atLeast, int partitions = 4)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = KafkaService.FreshGroup("read-all"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var ids = new List<RecommendationPublished>();
        var ended = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && (ids.Count < atLeast || ended.Count < partitions))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null)
            {
                continue;
            }

            if (r.IsPartitionEOF)
            {
                ended.Add(r.Partition.Value);
                continue;
            }

            ended.Remove(r.Partition.Value);
            ids.Add(EventJson.DeserializeRecommendation(r.Message.Value));
        }

        consumer.Close();
        return ids;
    }

    /// <summary>
    /// Asserts that every recommendation id of the <paramref name="reference"/> deployment (ids name the source
    /// topic, so they are mapped to <paramref name="other"/>'s) was published by <paramref name="other"/> at least
    /// once; returns how many <paramref name="other"/> published and how many of those were repeats.
    /// </summary>
    public static (int Published, int Repeated) AssertEveryRecommendationPublished(string bootstrap, Topics reference, Topics other, int count)
    {
        var referenceIds = RecommendationIds(bootstrap, reference.Recommendations, count);
        var otherIds = RecommendationIds(bootstrap, other.Recommendations, count);
        var expected = referenceIds.Select(id => id.Replace(reference.Interactions, other.Interactions, StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(count, expected.Count);
        Assert.Empty(expected.Except(otherIds));
        return (otherIds.Count, otherIds.Count - otherIds.Distinct().Count());
    }
}
