using System.Text.Json.Serialization;

namespace ZesRec.Data.Events;

/// <summary>A user interacted with an item (implicit feedback). At least one of Timestamp and Position is set.</summary>
public sealed record InteractionOccurred(
    int Version,
    string UserId,
    string ItemId,
    DateTimeOffset? Timestamp = null,
    long? Position = null)
{
    public const int CurrentVersion = 1;

    /// <summary>
    /// Sort key within one user's history: unix seconds when the source has times, else the position
    /// in the user's sequence (sources such as RecBole keep only the order).
    /// </summary>
    [JsonIgnore]
    public long OrderKey =>
        Timestamp?.ToUnixTimeSeconds()
        ?? Position
        ?? throw new InvalidOperationException($"interaction of user '{UserId}' with item '{ItemId}' has neither timestamp nor position");
}
