using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Pipeline;

/// <summary>
/// Blueprints of the two streams; only the host materialises them. Each is: Kafka source → micro-batches by size
/// and time → process → publish (awaits acks) → persist → mirror the stored offsets to the consumer group (not
/// awaited, see <see cref="OffsetMirror"/>). Every stage takes one batch at a time. While a flush runs, the batches
/// published behind it are coalesced into the next flush (at most <see cref="FlushBatches"/> of them), so a slow
/// flush does not hold back publishing and each flush's fixed cost is shared; past that bound back-pressure reaches
/// from the database to the Kafka source, which pauses its partitions when its buffer is full.
/// </summary>
public static class ProcessorGraph
{
    /// <summary>The most published batches one flush makes durable together.</summary>
    public const int FlushBatches = 8;

    /// <summary>
    /// Coalesces the outcomes published while the stage below is busy: their states and offsets are written by one
    /// flush, whose inputs are all of theirs (a failed flush names every record it stood for).
    /// </summary>
    public static Flow<BatchOutcome, BatchOutcome, NotUsed> Coalesce(int maxBatches = FlushBatches) =>
        Flow.Create<BatchOutcome>().Batch(maxBatches, first => first, (merged, next) => merged.Absorb(next));

    /// <summary>One asynchronous processing step, one batch at a time.</summary>
    public static Flow<IReadOnlyList<ConsumeResult<string?, byte[]>>, BatchOutcome, NotUsed> Step(Func<IReadOnlyList<ConsumeResult<string?, byte[]>>, Task<BatchOutcome>> process) =>
        Flow.Create<IReadOnlyList<ConsumeResult<string?, byte[]>>>().SelectAsync(1, process);

    /// <summary>Two steps; the second of one batch overlaps the first of the next (encoding while storing).</summary>
    public static Flow<IReadOnlyList<ConsumeResult<string?, byte[]>>, BatchOutcome, NotUsed> Steps<T>(
        Func<IReadOnlyList<ConsumeResult<string?, byte[]>>, Task<T>> first, Func<T, Task<BatchOutcome>> second) =>
        Flow.Create<IReadOnlyList<ConsumeResult<string?, byte[]>>>().SelectAsync(1, first).SelectAsync(1, second);

    /// <summary>
    /// Micro-batches by size and time. Records that failed in a batch before are applied one per batch, to find the
    /// one at fault. With <paramref name="tick"/>, an empty batch every tick lets waiting interactions time out even
    /// when no new record arrives; the flow still completes with its upstream.
    /// </summary>
    public static Flow<ConsumeResult<string?, byte[]>, IReadOnlyList<ConsumeResult<string?, byte[]>>, NotUsed> Batches(
        int batchSize, TimeSpan batchWindow, PoisonGuard guard, TimeSpan? tick = null)
    {
        var batches = Flow.Create<ConsumeResult<string?, byte[]>>()
            .GroupedWithin(batchSize, batchWindow)
            .SelectMany(b => guard.Split([.. b]));
        if (tick is not { } every)
        {
            return batches;
        }

        var ticks = Source.Tick(every, every, (IReadOnlyList<ConsumeResult<string?, byte[]>>)[]).MapMaterializedValue(_ => NotUsed.Instance);
        return batches.Merge(ticks, eagerComplete: true);
    }

    public static IRunnableGraph<(KafkaConsumerControl, Task<Done>)> Build(
        Source<ConsumeResult<string?, byte[]>, KafkaConsumerControl> source,
        string stream,
        int batchSize,
        TimeSpan batchWindow,
        Flow<IReadOnlyList<ConsumeResult<string?, byte[]>>, BatchOutcome, NotUsed> process,
        BatchPublisher publisher,
        BatchPersister persister,
        PoisonGuard guard,
        TimeSpan? tick = null)
    {
        var mirror = new OffsetMirror();
        var batches = source
            .MapMaterializedValue(mirror.Attach)
            .Via(Batches(batchSize, batchWindow, guard, tick));
        return batches
            .Select(b =>
            {
                if (b.Count > 0)
                {
                    ZesRecMetrics.BatchSize.WithLabels(stream).Observe(b.Count);
                    EventTrace.Record(b, TraceStage.Batched);
                }

                return b;
            })
            .Via(process)
            .SelectAsync(1, publisher.PublishAsync)
            .Via(Coalesce())
            .SelectAsync(1, persister.PersistAsync)
            .Select(mirror.Mirror)
            .ToMaterialized(Sink.Ignore<BatchOutcome>(), Keep.Both);
    }
}
