using Prometheus;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Pipeline;

/// <summary>
/// Writes a published batch's user states and next input offsets in one transaction. Holding the sessions' flush gate
/// while it runs means a rebalance waits for it, and rows of partitions revoked meanwhile are left to their new
/// owner, who resumes from the last offset stored with them.
/// </summary>
public sealed class BatchPersister(StateStore store, UserSessions? sessions, PoisonGuard? guard = null)
{
    public async Task<BatchOutcome> PersistAsync(BatchOutcome outcome)
    {
        try
        {
            await PersistOnceAsync(outcome);
        }
        catch (Exception e)
        {
            throw new BatchFailedException(outcome.Inputs, e);
        }

        EventTrace.Record(outcome.Inputs, TraceStage.Persisted);
        guard?.Cleared(outcome.Inputs);
        sessions?.Flushed(outcome.Batch);
        return outcome;
    }

    private async Task PersistOnceAsync(BatchOutcome outcome)
    {
        if (outcome.States.Count == 0 && outcome.Offsets.Count == 0)
        {
            return;
        }

        if (sessions is null)
        {
            await FlushAsync(outcome.States, outcome.Offsets, "offsets", outcome.Coalesced);
            return;
        }

        await sessions.FlushGate.WaitAsync();
        try
        {
            List<UserStateRow> states = [.. outcome.States.Where(s => sessions.Owns(s.Partition))];
            List<(string, int Partition, long)> offsets = [.. outcome.Offsets.Where(o => sessions.Owns(o.Partition))];
            await FlushAsync(states, offsets, "states", outcome.Coalesced, sessions.Fence(states.Select(s => s.Partition).Concat(offsets.Select(o => o.Partition))));
        }
        finally
        {
            sessions.FlushGate.Release();
        }
    }

    private async Task FlushAsync(IReadOnlyList<UserStateRow> states, IReadOnlyList<(string, int, long)> offsets, string kind, int batches, PartitionFence? fence = null)
    {
        ZesRecMetrics.FlushBatches.WithLabels(kind).Observe(batches);
        using var timer = ZesRecMetrics.StoreSeconds.WithLabels(kind).NewTimer();
        try
        {
            await store.FlushAsync(states, offsets, fence: fence);
        }
        catch (PartitionFencedException)
        {
            // A zombie's flush (it was paused past the session timeout): its streams fail and restart, which rejoins
            // the group and reloads whatever partitions it is given from the new owner's states.
            ZesRecMetrics.FencedFlushes.Inc();
            throw;
        }
    }
}
