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
}
