namespace ZesRec.Streaming.Serving;

/// <summary>
/// One user's serving state: the model state row, the items seen (for exclusion), the Kafka offset of the last
/// applied interaction (replays at or below it are skipped, so restarts never apply an interaction twice), the
/// order key of the last applied interaction (a later one below it is out of order, an equal one with the same item
/// a duplicate) and the last published top-K (for online metrics).
/// </summary>
public sealed class UserSession(string userId, int partition, float[] state)
{
    public string UserId { get; } = userId;

    public int Partition { get; } = partition;

    public float[] State { get; set; } = state;

    public List<string> History { get; } = [];

    /// <summary>The order key of each item of <see cref="History"/>; null for a state loaded from before they were kept.</summary>
    public List<long>? HistoryKeys { get; set; } = [];

    public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

    public long LastOffset { get; set; } = -1;

    public long Interactions { get; set; }

    /// <summary>Event time (unix seconds) or sequence position of the last applied interaction; null before the first.</summary>
    public long? LastOrderKey { get; set; }

    /// <summary>Item ids of the last recommendation, best first; null until one was computed in this process.</summary>
    public string[]? LastRecommendation { get; set; }

    /// <summary>The last micro-batch that changed this user; the user stays in memory until that batch is flushed.</summary>
    public long ChangedInBatch { get; set; } = -1;

    public void Remember(string itemId, long orderKey, int maxHistory)
    {
        History.Add(itemId);
        HistoryKeys?.Add(orderKey);
        Seen.Add(itemId);
        if (History.Count > maxHistory)
        {
            // Exclusion keeps every item ever seen; only the persisted list is bounded.
            HistoryKeys?.RemoveRange(0, History.Count - maxHistory);
            History.RemoveRange(0, History.Count - maxHistory);
        }
    }
}
