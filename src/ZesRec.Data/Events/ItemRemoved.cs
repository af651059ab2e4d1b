using System.Text.Json.Serialization;

namespace ZesRec.Data.Events;

/// <summary>
/// An item left the catalogue (a pulled story): it is never recommended again, unless an item-created event for
/// the same id brings it back. Its vector is kept for the states of users who interact with it later.
/// </summary>
public sealed record ItemRemoved(int Version, string ItemId, DateTimeOffset? RemovedAt = null) : IItemEvent
{
    public const int CurrentVersion = 1;

    /// <summary>The value of the <c>type</c> field that tells this event from an item-created one.</summary>
    public const string TypeName = "item-removed";

    [JsonPropertyOrder(-1)]
    public string Type => TypeName;
}
