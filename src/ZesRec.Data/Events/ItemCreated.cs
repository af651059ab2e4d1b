namespace ZesRec.Data.Events;

/// <summary>An item entered the catalogue with the text the item encoder reads.</summary>
public sealed record ItemCreated(int Version, string ItemId, string Text, DateTimeOffset? CreatedAt = null) : IItemEvent
{
    public const int CurrentVersion = 1;
}
