using Confluent.Kafka;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Pipeline;

/// <summary>
/// After each persisted flush, commits the same next offsets to the stream's Kafka consumer group, so that
/// kafka-consumer-groups and lag exporters see the processor's progress. PostgreSQL stays the source of truth: the
/// source seeks to the stored offsets on assignment and never reads the committed ones.
/// The stream does not wait for a commit: the consumer serves commits on its poll thread between polls, which would
/// add up to a poll timeout to every batch. While one commit is in flight the next offsets are merged (the highest
/// per partition wins) and sent together when it completes, so no partition's progress is dropped.
/// </summary>
public sealed class OffsetMirror
{
    private readonly Lock gate = new();
    private readonly Dictionary<TopicPartition, long> pending = [];
    private KafkaCommitter? committer;
    private bool inFlight;

    /// <summary>Binds the mirror to the consumer of the stream once it is materialised.</summary>
    public KafkaConsumerControl Attach(KafkaConsumerControl control)
    {
        committer = new KafkaCommitter(control);
        return control;
    }

    /// <summary>Queues the batch's offsets for the group and passes the batch on at once.</summary>
    public BatchOutcome Mirror(BatchOutcome outcome)
    {
        if (outcome.Offsets.Count == 0 || committer is null)
        {
            return outcome;
        }

        lock (gate)
        {
            foreach (var (stored, partition, next) in outcome.Offsets)
            {
                var key = new TopicPartition(KafkaTopic(stored), partition);
                pending[key] = Math.Max(next, pending.GetValueOrDefault(key));
            }

            if (inFlight)
            {
                return outcome;
            }

            inFlight = true;
        }

        _ = CommitPendingAsync(committer);
        return outcome;
    }

    /// <summary>
    /// Item offsets are stored per process as <c>topic@instance</c> (<see cref="PipelineSettings.ItemOffsetsKey"/>);
    /// Kafka topic names cannot hold '@', so what precedes it is the topic.
    /// </summary>
    private static string KafkaTopic(string stored) => stored.Split('@')[0];

    private async Task CommitPendingAsync(KafkaCommitter to)
    {
        while (true)
        {
            List<(string, int, long)> batch;
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    inFlight = false;
                    return;
                }

                batch = [.. pending.Select(p => (p.Key.Topic, p.Key.Partition.Value, p.Value))];
                pending.Clear();
            }

            var failuresBefore = to.Failures;
            try
            {
                await to.CommitAsync(batch).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Nothing here may end the loop with inFlight still set: later flushes would then never commit.
                ZesRecMetrics.OffsetCommitFailures.Inc();
                continue;
            }

            if (to.Failures > failuresBefore)
            {
                // Best effort: the next flush commits newer offsets anyway; the counter tells an operator that lag
                // tools may be behind.
                ZesRecMetrics.OffsetCommitFailures.Inc();
            }
        }
    }
}
