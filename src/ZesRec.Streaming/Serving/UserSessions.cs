using Confluent.Kafka;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// The users of the interaction partitions this process owns. On assignment their states and the partition's
/// next offset come from PostgreSQL (the source seeks there); on revocation they are dropped after any flush in
/// progress has finished, so the next owner never loads a state older than one this process is still writing.
/// </summary>
public sealed class UserSessions(StateStore store, string topic, string owner = "") : IPartitionAssignmentHandler
{
    private readonly Dictionary<string, UserSession> sessions = new(StringComparer.Ordinal);
    private readonly HashSet<int> owned = [];
    private readonly Dictionary<int, long> epochs = [];

    /// <summary>Held while a batch of interactions is applied; a rebalance waits for it.</summary>
    public SemaphoreSlim ProcessGate { get; } = new(1, 1);

    /// <summary>
    /// Held while a batch's states are flushed; a rebalance waits for it too. Separate from
    /// <see cref="ProcessGate"/>, so the next batch is applied while the previous one is written (the flushed rows
    /// are copies).
    /// </summary>
    public SemaphoreSlim FlushGate { get; } = new(1, 1);

    public int Count => sessions.Count;

    public bool Owns(int partition) => owned.Contains(partition);

    /// <summary>The epochs this member claimed for <paramref name="partitions"/>, which a flush of them must still hold.</summary>
    public PartitionFence Fence(IEnumerable<int> partitions) =>
        new(topic, partitions.Distinct().Where(epochs.ContainsKey).ToDictionary(p => p, p => epochs[p]));

    public UserSession? Find(string userId) => sessions.GetValueOrDefault(userId);

    public void Add(UserSession session) => sessions[session.UserId] = session;

    /// <summary>The partitions of users with a stored state that this process has not loaded (another owner's users).</summary>
    public Task<IReadOnlyDictionary<string, int>> StoredPartitionsAsync(IReadOnlyCollection<string> userIds) => store.PartitionsOfAsync(userIds);

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

            var stored = store.LoadAsync(topic, numbers).GetAwaiter().GetResult();
            foreach (var row in stored.States)
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

                sessions[row.UserId] = session;
            }

            foreach (var n in numbers)
            {
                owned.Add(n);
            }

            ZesRecMetrics.UsersInMemory.Set(sessions.Count);
            return partitions
                .Where(p => stored.NextOffsets.GetValueOrDefault(p.Partition.Value) is not null)
                .ToDictionary(p => p, p => new Offset(stored.NextOffsets[p.Partition.Value]!.Value));
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
            foreach (var user in sessions.Values.Where(s => gone.Contains(s.Partition)).Select(s => s.UserId).ToList())
            {
                sessions.Remove(user);
            }

            ZesRecMetrics.UsersInMemory.Set(sessions.Count);
        }
        finally
        {
            FlushGate.Release();
            ProcessGate.Release();
        }
    }

    public static UserStateRow ToRow(UserSession s) =>
        new(s.UserId, s.Partition, (float[])s.State.Clone(), [.. s.History], s.LastOffset, s.Interactions, s.LastOrderKey, s.HistoryKeys is { } keys ? [.. keys] : null);
}
