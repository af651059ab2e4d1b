namespace ZesRec.Streaming.Storage;

/// <summary>
/// A state flush refused because another member took one of its partitions over after this member loaded it (the
/// partition's epoch moved on): this member's states of that partition are stale, and writing them would undo the new
/// owner's. Nothing of the flush was written.
/// </summary>
public sealed class PartitionFencedException(string topic, IReadOnlyList<int> partitions)
    : Exception($"partition {string.Join(", ", partitions)} of {topic} was taken over by another member since this one loaded it; its flush is refused and the member rejoins the group"), IStoreRefusal
{
    public string Topic => topic;

    public IReadOnlyList<int> Partitions => partitions;
}
