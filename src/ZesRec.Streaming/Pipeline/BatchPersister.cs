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
            await FlushAsync(outcome.States, outcome.Offsets, "offsets");
            return;
        }

        await sessions.FlushGate.WaitAsync();
        try
        {
            await FlushAsync(
                [.. outcome.States.Where(s => sessions.Owns(s.Partition))],
                [.. outcome.Offsets.Where(o => sessions.Owns(o.Partition))],
                "states");
        }
        finally
        {
            sessions.FlushGate.Release();
        }
    }

    private async Task FlushAsync(IReadOnlyList<UserStateRow> states, IReadOnlyList<(string, int, long)> offsets, string kind)
    {
        using var timer = ZesRecMetrics.StoreSeconds.WithLabels(kind).NewTimer();
        await store.FlushAsync(states, offsets);
    }
}
