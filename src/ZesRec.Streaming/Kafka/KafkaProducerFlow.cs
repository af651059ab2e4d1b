using Akka;
using Akka.Streams.Dsl;

namespace ZesRec.Streaming.Kafka;

public static class KafkaProducerFlow
{
    /// <summary>
    /// Sends each message and emits it once the broker acknowledged it, in input order; at most
    /// <paramref name="parallelism"/> sends are in flight. A failed send fails the stream.
    /// </summary>
    public static Flow<ProducerMessage<TPassThrough>, ProducerResult<TPassThrough>, NotUsed> Create<TPassThrough>(
        KafkaProducer producer,
        int parallelism = 100)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        return Flow.Create<ProducerMessage<TPassThrough>>()
            .SelectAsync(parallelism, async message =>
            {
                var delivery = await producer.ProduceAsync(message.Topic, message.Key, message.Value, message.Headers).ConfigureAwait(false);
                return new ProducerResult<TPassThrough>(delivery.TopicPartitionOffset, message.PassThrough);
            })
            .Named("KafkaProducerFlow");
    }

    /// <summary>Like <see cref="Create{TPassThrough}"/>; the task completes when every message was acknowledged.</summary>
    public static Sink<ProducerMessage<TPassThrough>, Task<Done>> Sink<TPassThrough>(KafkaProducer producer, int parallelism = 100) =>
        Create<TPassThrough>(producer, parallelism).ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<ProducerResult<TPassThrough>>(), Keep.Right);
}
