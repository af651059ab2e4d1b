using Akka;
using Akka.Streams.Dsl;

namespace ZesRec.Streaming.Kafka;

public static class Committer
{
    /// <summary>
    /// Passes each element on after committing the next offsets it carries (e.g. a completed flush),
    /// one commit at a time so that commits reach Kafka in order.
    /// </summary>
    public static Flow<T, T, NotUsed> Flow<T>(KafkaCommitter committer, Func<T, IEnumerable<(string Topic, int Partition, long NextOffset)>> nextOffsetsOf)
    {
        ArgumentNullException.ThrowIfNull(committer);
        ArgumentNullException.ThrowIfNull(nextOffsetsOf);
        return Akka.Streams.Dsl.Flow.Create<T>()
            .SelectAsync(1, async element =>
            {
                await committer.CommitAsync(nextOffsetsOf(element)).ConfigureAwait(false);
                return element;
            })
            .Named("KafkaCommitter");
    }

    public static Sink<T, Task<Done>> Sink<T>(KafkaCommitter committer, Func<T, IEnumerable<(string Topic, int Partition, long NextOffset)>> nextOffsetsOf) =>
        Flow(committer, nextOffsetsOf).ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<T>(), Keep.Right);
}
