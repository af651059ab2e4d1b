using Confluent.Kafka;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// The users of the interaction partitions this process owns. On assignment the partition's next offset comes from
/// PostgreSQL (the source seeks there), with its users' states when memory is unbounded; on revocation they are
/// dropped after any flush in progress has finished, so the next owner never loads a state older than one this
/// process is still writing. With <paramref name="maxUsers"/> above 0, at most that many users stay in memory besides
/// those changed by batches not yet flushed: the least recently active ones whose state is already stored are
/// dropped after each batch, and a returning user's state is read back, in one query per batch, before the batch is
/// applied (<see cref="LoadMissingAsync"/>). When <paramref name="recommender"/>'s model rebuilds states from the last
/// inputs (TCN), the flushed rows carry no state vector and the states of users read back are rebuilt from their
/// histories (<see cref="Recommender.Restore"/>).
/// </summary>
public sealed class UserSessions(StateStore store, string topic, int maxUsers = 0, string owner = "", Recommender? recommender = null) : IPartitionAssignmentHandler
{
    private const int RestoreBatch = 1_024;

    private readonly bool statesFromHistory = recommender?.StatesFromHistory == true;

    private readonly Dictionary<string, LinkedListNode<UserSession>> sessions = new(StringComparer.Ordinal);

    // Least recently active first. Users changed by a batch are moved to the end, so the ones at the front are idle.
    private readonly LinkedList<UserSession> recency = new();
    private readonly HashSet<int> owned = [];
    private readonly Dictionary<int, long> epochs = [];

    // The last batch whose states are committed: a user changed in it or before may be dropped and read back later.
    private long flushedBatch = -1;

    /// <summary>Held while a batch of interactions is applied; a rebalance waits for it.</summary>
    public SemaphoreSlim ProcessGate { get; } = new(1, 1);

    /// <summary>
    /// Held while a batch's states are flushed; a rebalance waits for it too. Separate from
    /// <see cref="ProcessGate"/>, so the next batch is applied while the previous one is written (the flushed rows
    /// are copies).
    /// </summary>
    public SemaphoreSlim FlushGate { get; } = new(1, 1);

    public int Count => sessions.Count;

    /// <summary>The cap on users held between batches; 0: every user of the owned partitions stays.</summary>
    public int MaxUsers => maxUsers;

    public bool Owns(int partition) => owned.Contains(partition);

    /// <summary>The epochs this member claimed for <paramref name="partitions"/>, which a flush of them must still hold.</summary>
    public PartitionFence Fence(IEnumerable<int> partitions) =>
        new(topic, partitions.Distinct().Where(epochs.ContainsKey).ToDictionary(p => p, p => epochs[p]));

    public UserSession? Find(string userId) => sessions.TryGetValue(userId, out var node) ? node.Value : null;

    public void Add(UserSession session)
    {
        if (sessions.Remove(session.UserId, out var old))
        {
            recency.Remove(old);
        }

        sessions[session.UserId] = recency.AddLast(session);
    }

    /// <summary>Records that <paramref name="session"/> was changed by batch <paramref name="batch"/>: it is the most recently active and is kept until that batch is flushed.</summary>
    public void Changed(UserSession session, long batch)
    {
        session.ChangedInBatch = batch;
        if (sessions.TryGetValue(session.UserId, out var node) && node != recency.Last)
        {
            recency.Remove(node);
            recency.AddLast(node);
        }
    }

    /// <summary>Batch <paramref name="batch"/> and every one before it are committed (batches are flushed in order).</summary>
    public void Flushed(long batch)
    {
        if (batch > Volatile.Read(ref flushedBatch))
        {
            Volatile.Write(ref flushedBatch, batch);
        }
    }

    /// <summary>
    /// Drops the least recently active users until at most <see cref="MaxUsers"/> remain, but only users whose latest
    /// state is committed: one changed by a batch still being published or flushed stays (that is the overhead over the
    /// cap). Runs between batches, under <see cref="ProcessGate"/>. Returns how many were dropped.
    /// </summary>
    public int EvictIdle()
    {
        if (maxUsers <= 0)
        {
            return 0;
        }

        var flushed = Volatile.Read(ref flushedBatch);
        var evicted = 0;
        while (sessions.Count > maxUsers && recency.First is { } oldest && oldest.Value.ChangedInBatch <= flushed)
        {
            recency.RemoveFirst();
            sessions.Remove(oldest.Value.UserId);
            evicted++;
        }

        if (evicted > 0)
        {
            ZesRecMetrics.UsersEvicted.Inc(evicted);
        }

        ZesRecMetrics.UsersInMemory.Set(sessions.Count);
        return evicted;
    }

    /// <summary>
    /// Reads the stored states of <paramref name="userIds"/> (users not in memory) in one query: those of owned
    /// partitions are returning users and are held again; the partitions of the others (another owner's users) are
    /// returned, so an interaction on the wrong partition is seen. Users without a stored state are new.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> LoadMissingAsync(IReadOnlyCollection<string> userIds)
    {
        var elsewhere = new Dictionary<string, int>(StringComparer.Ordinal);
        if (userIds.Count == 0)
        {
            return elsewhere;
        }

        var returning = new List<UserStateRow>();
        foreach (var row in await store.LoadUsersAsync(userIds))
        {
            if (Owns(row.Partition))
            {
                returning.Add(row);
            }
            else
            {
                elsewhere[row.UserId] = row.Partition;
            }
        }

        var loaded = 0;
        foreach (var row in WithStates(returning))
        {
            Add(FromRow(row));
            loaded++;
        }

        if (loaded > 0)
        {
            ZesRecMetrics.UsersLoaded.Inc(loaded);
        }

        return elsewhere;
    }

    public IReadOnlyDictionary<TopicPartition, Offset> OnAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        // Both gates, always in this order: no batch is being applied or flushed while ownership changes.
        ProcessGate.Wait();
        FlushGate.Wait();
        try
        {
            var numbers = partitions.Select(p => p.Partition.Value).ToArray();
            // Claimed before loading: a flush of a former owner still running finishes first (and is loaded), a later one is refused.
            foreach (var (partition, epoch) in store.ClaimAsync(topic, numbers, owner).GetAwaiter().GetResult())
            {
                epochs[partition] = epoch;
            }

            IReadOnlyDictionary<int, long?> nextOffsets;
            if (maxUsers > 0)
            {
                // Bounded: users are read back when they return, not all at once.
                nextOffsets = store.LoadOffsetsAsync(topic, numbers).GetAwaiter().GetResult();
            }
            else
            {
                var stored = store.LoadAsync(topic, numbers).GetAwaiter().GetResult();
                foreach (var row in WithStates(stored.States))
                {
                    Add(FromRow(row));
                }

                nextOffsets = stored.NextOffsets;
            }

            foreach (var n in numbers)
            {
                owned.Add(n);
            }

            ZesRecMetrics.UsersInMemory.Set(sessions.Count);
            return partitions
                .Where(p => nextOffsets.GetValueOrDefault(p.Partition.Value) is not null)
                .ToDictionary(p => p, p => new Offset(nextOffsets[p.Partition.Value]!.Value));
        }
        finally
        {
            FlushGate.Release();
            ProcessGate.Release();
        }
    }

    public void OnRevoked(IReadOnlyList<TopicPartition> partitions)
    {
        // Both gates, always in this order: no batch is being applied or flushed while ownership changes.
        ProcessGate.Wait();
        FlushGate.Wait();
        try
        {
            var gone = partitions.Select(p => p.Partition.Value).ToHashSet();
            owned.ExceptWith(gone);
            foreach (var partition in gone)
            {
                epochs.Remove(partition);
            }

            foreach (var node in sessions.Values.Where(n => gone.Contains(n.Value.Partition)).ToList())
            {
                sessions.Remove(node.Value.UserId);
                recency.Remove(node);
            }

            ZesRecMetrics.UsersInMemory.Set(sessions.Count);
        }
        finally
        {
            FlushGate.Release();
            ProcessGate.Release();
        }
    }

    /// <summary>The row a flush writes: a copy, since the session changes on while the flush runs; no state vector when it is rebuilt from the history.</summary>
    public UserStateRow ToRow(UserSession s) =>
        new(s.UserId, s.Partition, statesFromHistory ? [] : (float[])s.State.Clone(), [.. s.History], s.LastOffset, s.Interactions, s.LastOrderKey, s.HistoryKeys is { } keys ? [.. keys] : null);

    /// <summary>Rows stored without a state vector get theirs rebuilt from their histories, all in one batched run.</summary>
    private IReadOnlyList<UserStateRow> WithStates(IReadOnlyList<UserStateRow> rows)
    {
        var bare = rows.Where(r => r.State.Length == 0).ToList();
        if (bare.Count == 0)
        {
            return rows;
        }

        if (recommender is null)
        {
            throw new InvalidOperationException($"the stored states of {bare.Count} users hold no state vector, and this processor has no model to rebuild them from their histories");
        }

        // In pieces: a partition's users loaded on assignment would otherwise be one tensor of them all.
        var byUser = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var piece in bare.Chunk(RestoreBatch))
        {
            var rebuilt = recommender.Restore(piece);
            for (var i = 0; i < piece.Length; i++)
            {
                byUser[piece[i].UserId] = rebuilt[i];
            }
        }

        ZesRecMetrics.StatesRebuilt.Inc(bare.Count);
        return [.. rows.Select(r => r.State.Length == 0 ? r with { State = byUser[r.UserId] } : r)];
    }

    private static UserSession FromRow(UserStateRow row)
    {
        var session = new UserSession(row.UserId, row.Partition, row.State)
        {
            LastOffset = row.LastOffset,
            Interactions = row.Interactions,
            LastOrderKey = row.LastOrderKey,
            HistoryKeys = row.HistoryKeys is { } keys && keys.Length == row.History.Length ? [.. keys] : null,
        };
        foreach (var item in row.History)
        {
            session.History.Add(item);
            session.Seen.Add(item);
        }

        return session;
    }
}
