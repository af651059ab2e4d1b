using System.Text;
using Confluent.Kafka;
using ZesRec.Data.Events;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Pipeline;

internal static class DeadLetters
{
    /// <summary>Bytes of a Kafka record besides its key and value (batch header, record framing), generously.</summary>
    private const int RecordOverhead = 1024;

    /// <summary>
    /// The dead-letter message for a consumed record, keyed like the original so it sorts with it; key and value
    /// together fit in the settings' MaxMessageBytes, so the dead-letter topic always accepts it.
    /// </summary>
    public static Outgoing For(ConsumeResult<string?, byte[]> record, string reasonCode, string reason, PipelineSettings settings, DateTimeOffset now)
    {
        ZesRecMetrics.DeadLetters.WithLabels(reasonCode).Inc();
        // The message key is the letter's key, cut like it: at most 3 UTF-8 bytes per UTF-16 character.
        var keyBytes = record.Message.Key is { } key ? Math.Min(Encoding.UTF8.GetByteCount(key), 3 * DeadLetter.MaxKeyLength) : 0;
        var budget = settings.MaxMessageBytes - RecordOverhead - keyBytes;
        var letter = DeadLetter.For(record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value ?? [], reasonCode, reason, now, budget);
        return new Outgoing(settings.DeadLetterTopic, letter.Key, EventJson.Serialize(letter));
    }
}
