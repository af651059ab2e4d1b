using System.Collections.Concurrent;
using Confluent.Kafka;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>Starts each partition where a table says (the rest from the beginning) and records the calls.</summary>
internal sealed class RecordingAssignmentHandler(IReadOnlyDictionary<TopicPartition, Offset> starts) : IPartitionAssignmentHandler
{
    public ConcurrentQueue<TopicPartition> Assigned { get; } = new();

    public ConcurrentQueue<TopicPartition> Revoked { get; } = new();

    public IReadOnlyDictionary<TopicPartition, Offset> OnAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            Assigned.Enqueue(partition);
        }

        return starts;
    }

    public void OnRevoked(IReadOnlyList<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            Revoked.Enqueue(partition);
        }
    }
}
