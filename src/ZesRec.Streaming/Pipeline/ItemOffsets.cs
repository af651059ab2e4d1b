using Confluent.Kafka;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Pipeline;

/// <summary>
/// Item partitions resume at the offsets stored with the items themselves: the catalogue is loaded from
/// PostgreSQL at start, so only items after the stored offset need encoding again.
/// </summary>
public sealed class ItemOffsets(StateStore store, string topic) : IPartitionAssignmentHandler
{
    public IReadOnlyDictionary<TopicPartition, Offset> OnAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        var stored = store.LoadOffsetsAsync(topic, [.. partitions.Select(p => p.Partition.Value)]).GetAwaiter().GetResult();
        return partitions.Where(p => stored.GetValueOrDefault(p.Partition.Value) is not null)
            .ToDictionary(p => p, p => new Offset(stored[p.Partition.Value]!.Value));
    }

    public void OnRevoked(IReadOnlyList<TopicPartition> partitions)
    {
    }
}
