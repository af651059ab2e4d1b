using System.Globalization;

namespace ZesRec.Data.Events;

/// <summary>A user's top items, computed right after one of their interactions (the source message) was processed.</summary>
public sealed record RecommendationPublished(
    int Version,
    string EventId,
    string UserId,
    IReadOnlyList<RecommendedItem> Items,
    string ModelVersion,
    string SourceTopic,
    int SourcePartition,
    long SourceOffset,
    DateTimeOffset ProducedAt)
{
    public const int CurrentVersion = 1;

    /// <summary>
    /// "{topic}-{partition}-{offset}" of the triggering message. Kafka coordinates are unique, and a message
    /// processed again after a restart (at-least-once) gets the same id, so subscribers drop repeats by it.
    /// Readable rather than hashed so an operator can go from a recommendation to its interaction. Topic names
    /// may contain '-', but the last two parts are always the partition and the offset.
    /// </summary>
    public static string EventIdFor(string topic, int partition, long offset)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return string.Create(CultureInfo.InvariantCulture, $"{topic}-{partition}-{offset}");
    }
}
