using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// The processor's say in a rebalance. Both methods run on the consumer's poll thread, which
/// waits for them, so no record of a partition is fetched before its start offset is known and
/// no partition leaves before the processor has flushed its state.
/// </summary>
public interface IPartitionAssignmentHandler
{
    /// <summary>
    /// Returns where to start reading each newly assigned partition: the next offset stored with the
    /// user states. A partition left out of the result starts at the beginning.
    /// </summary>
    IReadOnlyDictionary<TopicPartition, Offset> OnAssigned(IReadOnlyList<TopicPartition> partitions);

    /// <summary>
    /// Called before the partitions go to another member (or are lost). Records of these partitions
    /// that the source still buffers are dropped; the next owner re-reads them from the stored offset.
    /// </summary>
    void OnRevoked(IReadOnlyList<TopicPartition> partitions);
}
