using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

public static class KafkaSource
{
    /// <summary>
    /// A source of the records of <paramref name="topics"/> for one member of the consumer group.
    /// Where each assigned partition starts is the <paramref name="handler"/>'s answer, not Kafka's
    /// committed offset: the offsets of record are stored with the state in PostgreSQL.
    /// Records arrive in offset order per partition; at most <see cref="KafkaSettings.BufferSize"/> records wait
    /// ahead of demand in the stage, plus librdkafka's prefetch queue (at most 16 MiB).
    /// When the buffer stays full for two seconds the partitions are paused, so that the consumer keeps polling.
    /// </summary>
    public static Source<ConsumeResult<string?, byte[]>, KafkaConsumerControl> Create(
        KafkaSettings settings,
        IReadOnlyList<string> topics,
        IPartitionAssignmentHandler handler)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handler);
        if (topics is not { Count: > 0 })
        {
            throw new ArgumentException("At least one topic is required.", nameof(topics));
        }

        _ = settings.ToConsumerConfig(); // fails here, not on materialization, when the group id is missing
        return Source.FromGraph(new KafkaSourceStage(settings, [.. topics], handler));
    }
}
