using Confluent.Kafka;
using ZesRec.Streaming.Events;
using ZesRec.Streaming.Observability;
using EventJson = ZesRec.Streaming.Events.EventJson;

namespace ZesRec.Streaming.Pipeline;

internal static class DeadLetters
{
    /// <summary>The dead-letter message for a consumed record, keyed like the original so it sorts with it.</summary>
    public static Outgoing For(ConsumeResult<string?, byte[]> record, string reasonCode, string reason, string deadLetterTopic, DateTimeOffset now)
    {
        ZesRecMetrics.DeadLetters.WithLabels(reasonCode).Inc();
        var letter = DeadLetter.For(record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value ?? [], reasonCode, reason, now);
        return new Outgoing(deadLetterTopic, record.Message.Key, EventJson.Serialize(letter));
    }
}
