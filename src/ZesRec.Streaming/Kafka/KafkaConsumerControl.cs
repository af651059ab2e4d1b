using System.Collections.Immutable;
using Akka.Streams;
using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// The materialized value of <see cref="KafkaSource"/>: stops the source, tells when the consumer
/// has left the group, commits (advisory) offsets and reports the lag of the partitions it holds.
/// </summary>
public sealed class KafkaConsumerControl : IKillSwitch
{
    private readonly TaskCompletionSource<Exception?> _shutdownRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ConsumerWorker? _worker;

    /// <summary>Completes once the consumer is closed (faulted when the source failed).</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>High watermark minus the next offset the source emits, per assigned partition; refreshed every second.</summary>
    public IReadOnlyDictionary<TopicPartition, long> Lag => _worker?.Lag ?? ImmutableDictionary<TopicPartition, long>.Empty;

    public IReadOnlyList<TopicPartition> Assignment => _worker?.Assignment ?? [];

    /// <summary>
    /// Why the consumer cannot reach the brokers (e.g. "Kafka unreachable: ..."); null while it can. librdkafka
    /// retries by itself meanwhile, so the source does not fail: it resumes once a broker answers.
    /// </summary>
    public string? BrokerProblem => _worker?.BrokerProblem;

    internal Task<Exception?> ShutdownRequested => _shutdownRequested.Task;

    /// <summary>Completes the source; the consumer then revokes its partitions through the handler and leaves the group.</summary>
    public void Shutdown() => _shutdownRequested.TrySetResult(null);

    public void Abort(Exception cause) => _shutdownRequested.TrySetResult(cause);

    /// <summary>
    /// Commits the given next offsets on the poll thread. Partitions no longer assigned are skipped;
    /// the task returns the offsets that were committed.
    /// </summary>
    public Task<IReadOnlyList<TopicPartitionOffset>> CommitAsync(IReadOnlyList<TopicPartitionOffset> nextOffsets) =>
        _worker is { } worker
            ? worker.CommitAsync(nextOffsets)
            : Task.FromException<IReadOnlyList<TopicPartitionOffset>>(new InvalidOperationException("The Kafka source has not started."));

    internal void Attach(ConsumerWorker worker)
    {
        _worker = worker;
        worker.Finished.ContinueWith(
            t =>
            {
                if (t.Exception is { } e)
                {
                    _stopped.TrySetException(e.InnerExceptions);
                }
                else
                {
                    _stopped.TrySetResult();
                }
            },
            TaskScheduler.Default);
    }
}
