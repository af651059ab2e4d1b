using Confluent.Kafka;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A stand-in for the processor's PostgreSQL store shared by several group members: each applied
/// record and its next offset are written together, and only by the member that owns the partition.
/// </summary>
internal sealed class InMemoryOffsetStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, long> _next = [];
    private readonly List<(TopicPartition Partition, long Offset, string Member)> _applied = [];
    private readonly Dictionary<TopicPartition, string> _owner = [];

    public int AppliedCount
    {
        get
        {
            lock (_lock)
            {
                return _applied.Count;
            }
        }
    }

    public IReadOnlyList<(TopicPartition Partition, long Offset, string Member)> Applied
    {
        get
        {
            lock (_lock)
            {
                return [.. _applied];
            }
        }
    }

    public IPartitionAssignmentHandler HandlerFor(string member) => new MemberHandler(this, member);

    /// <summary>Applies the record unless its partition has left this member (it is in flight after a revocation).</summary>
    public void Apply(string member, ConsumeResult<string?, byte[]> record)
    {
        lock (_lock)
        {
            if (_owner.TryGetValue(record.TopicPartition, out var owner) && owner == member)
            {
                _applied.Add((record.TopicPartition, record.Offset.Value, member));
                _next[record.TopicPartition] = record.Offset.Value + 1;
            }
        }
    }

    private sealed class MemberHandler(InMemoryOffsetStore store, string member) : IPartitionAssignmentHandler
    {
        public IReadOnlyDictionary<TopicPartition, Offset> OnAssigned(IReadOnlyList<TopicPartition> partitions)
        {
            lock (store._lock)
            {
                var starts = new Dictionary<TopicPartition, Offset>();
                foreach (var partition in partitions)
                {
                    store._owner[partition] = member;
                    if (store._next.TryGetValue(partition, out var next))
                    {
                        starts[partition] = new Offset(next);
                    }
                }

                return starts;
            }
        }

        public void OnRevoked(IReadOnlyList<TopicPartition> partitions)
        {
            lock (store._lock)
            {
                foreach (var partition in partitions)
                {
                    if (store._owner.TryGetValue(partition, out var owner) && owner == member)
                    {
                        store._owner.Remove(partition);
                    }
                }
            }
        }
    }
}
