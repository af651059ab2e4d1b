using System.Text.Json.Serialization;

namespace ZesRec.Data.Events;

/// <summary>
/// An item's text changed (a corrected headline): the item keeps its id and its age, and is encoded again from the
/// new text. Only for an item that was created before.
/// </summary>
public sealed record ItemUpdated(int Version, string ItemId, string Text, DateTimeOffset? UpdatedAt = null) : IItemEvent
{
    public const int CurrentVersion = 1;

    /// <summary>The value of the <c>type</c> field that tells this event from an item-created one.</summary>
    public const string TypeName = "item-updated";

    [JsonPropertyOrder(-1)]
    public string Type => TypeName;
}
