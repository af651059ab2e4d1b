using Confluent.Kafka;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Pipeline;

/// <summary>
/// What a processed micro-batch must make durable, in this order: the messages are published, then the state
/// rows and next input offsets are written in one transaction.
/// </summary>
public sealed class BatchOutcome
{
    public List<Outgoing> Messages { get; } = [];

    public List<UserStateRow> States { get; } = [];

    public List<(string Topic, int Partition, long NextOffset)> Offsets { get; } = [];

    /// <summary>The interaction batch's sequence number in this run (-1 for items); its flush lets its users be evicted.</summary>
    public long Batch { get; set; } = -1;

    /// <summary>The consumed records this outcome answers; named when a later stage fails on it.</summary>
    public List<ConsumeResult<string?, byte[]>> Inputs { get; } = [];

    /// <summary>
    /// Adds a later published outcome's rows to this one, so both are made durable in one transaction. Later rows come
    /// after earlier ones: the store keeps each user's and partition's last row. The messages are not kept, both
    /// outcomes are already published.
    /// </summary>
    public BatchOutcome Absorb(BatchOutcome later)
    {
        ArgumentNullException.ThrowIfNull(later);
        Messages.Clear();
        States.AddRange(later.States);
        Offsets.AddRange(later.Offsets);
        Inputs.AddRange(later.Inputs);
        Batch = Math.Max(Batch, later.Batch);
        Coalesced += later.Coalesced;
        return this;
    }

    /// <summary>How many published batches this outcome stands for (1, or more once absorbed).</summary>
    public int Coalesced { get; private set; } = 1;
}
