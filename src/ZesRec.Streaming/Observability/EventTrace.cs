using Confluent.Kafka;

namespace ZesRec.Streaming.Observability;

/// <summary>Points an interaction record passes in the processor, in order.</summary>
public enum TraceStage : byte
{
    /// <summary>librdkafka handed the record to the consumer thread (Consume returned it).</summary>
    Fetched,

    /// <summary>The Kafka source stage pushed it into the stream.</summary>
    Emitted,

    /// <summary>Its micro-batch was closed (by size or time).</summary>
    Batched,

    /// <summary>Its batch entered the processing step (waiting for the process gate included).</summary>
    ProcessStart,

    /// <summary>Its batch's states were stepped and scored; the recommendations exist.</summary>
    ProcessEnd,

    /// <summary>Its batch's messages were handed to the producer.</summary>
    PublishStart,

    /// <summary>The broker acknowledged every message of its batch.</summary>
    PublishAcked,

    /// <summary>Its batch's states and offsets were committed to PostgreSQL.</summary>
    Persisted,
}

/// <summary>
/// Per-record timestamps through the processor, for the latency benchmark's breakdown of the tail. Off unless a
/// benchmark calls <see cref="Start"/>: then each hook costs one array write, and a hook that is off one branch.
/// Records of one topic only, so item events do not fill it. Wall-clock times (UTC ticks) so they line up with
/// Kafka's message timestamps.
/// </summary>
public static class EventTrace
{
    private static Entry[] _entries = [];
    private static int _next;
    private static volatile string? _topic;

    public readonly record struct Entry(int Partition, long Offset, TraceStage Stage, long UtcTicks);

    /// <summary>Starts recording the records of <paramref name="topic"/>, room for <paramref name="capacity"/> entries.</summary>
    public static void Start(string topic, int capacity)
    {
        _entries = new Entry[capacity];
        _next = 0;
        _topic = topic;
    }

    /// <summary>Stops recording and returns what was recorded (entries past the capacity are dropped), once.</summary>
    public static Entry[] Stop()
    {
        _topic = null;
        var entries = _entries;
        var count = Math.Min(Volatile.Read(ref _next), entries.Length);
        _entries = [];
        return entries[..count];
    }

    public static void Record(ConsumeResult<string?, byte[]> record, TraceStage stage)
    {
        if (_topic is { } topic && string.Equals(record.Topic, topic, StringComparison.Ordinal))
        {
            Add(record, stage, DateTime.UtcNow.Ticks);
        }
    }

    public static void Record(IEnumerable<ConsumeResult<string?, byte[]>> records, TraceStage stage)
    {
        if (_topic is not { } topic)
        {
            return;
        }

        var now = DateTime.UtcNow.Ticks;
        foreach (var record in records)
        {
            if (string.Equals(record.Topic, topic, StringComparison.Ordinal))
            {
                Add(record, stage, now);
            }
        }
    }

    private static void Add(ConsumeResult<string?, byte[]> record, TraceStage stage, long ticks)
    {
        var entries = _entries;
        var i = Interlocked.Increment(ref _next) - 1;
        if (i < entries.Length)
        {
            entries[i] = new Entry(record.Partition.Value, record.Offset.Value, stage, ticks);
        }
    }
}
