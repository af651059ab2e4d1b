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

    public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

    public long LastOffset { get; set; } = -1;

    public long Interactions { get; set; }

    /// <summary>Event time (unix seconds) or sequence position of the last applied interaction; null before the first.</summary>
    public long? LastKey { get; set; }

    /// <summary>Item ids of the last recommendation, best first; null until one was computed in this process.</summary>
    public string[]? LastRecommendation { get; set; }

    public void Remember(string itemId, int maxHistory)
    {
        History.Add(itemId);
        Seen.Add(itemId);
        if (History.Count > maxHistory)
        {
            // Exclusion keeps every item ever seen; only the persisted list is bounded.
            History.RemoveRange(0, History.Count - maxHistory);
        }
    }
}
