using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// Mirrors the offsets of record (stored in PostgreSQL with the state) into Kafka after each flush,
/// so that lag tools see the group's progress. Best-effort: a failed commit changes nothing the
/// processor relies on, so it is counted and otherwise ignored.
/// </summary>
public sealed class KafkaCommitter(KafkaConsumerControl control)
{
    private long _failures;

    public long Failures => Interlocked.Read(ref _failures);

    /// <returns>The offsets committed (partitions no longer assigned are skipped); empty when the commit failed.</returns>
    public async Task<IReadOnlyList<TopicPartitionOffset>> CommitAsync(IEnumerable<(string Topic, int Partition, long NextOffset)> nextOffsets)
    {
        ArgumentNullException.ThrowIfNull(nextOffsets);
        var offsets = nextOffsets
            .Select(o => new TopicPartitionOffset(o.Topic, new Partition(o.Partition), new Offset(o.NextOffset)))
            .ToList();
        if (offsets.Count == 0)
        {
            return [];
        }

        try
        {
            return await control.CommitAsync(offsets).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            Interlocked.Increment(ref _failures);
            return [];
        }
    }
}
