namespace ZesRec.Data.Events;

/// <summary>The field tables of the events consumers read: zesrec.items (created, updated, removed) and zesrec.interactions.</summary>
internal static class EventContracts
{
    public static readonly EventContract<ItemCreated> Item = new(
        nameof(ItemCreated),
        [
            new("version", FieldKind.Version, Required: true),
            new("itemId", FieldKind.Id, Required: true),
            new("text", FieldKind.Text, Required: true),
            new("createdAt", FieldKind.Timestamp),
        ],
        v => new ItemCreated((int)v[0]!, (string)v[1]!, (string)v[2]!, (DateTimeOffset?)v[3]));

    public static readonly EventContract<ItemUpdated> ItemUpdate = new(
        nameof(ItemUpdated),
        [
            new("version", FieldKind.Version, Required: true),
            new("type", FieldKind.Type, Required: true),
            new("itemId", FieldKind.Id, Required: true),
            new("text", FieldKind.Text, Required: true),
            new("updatedAt", FieldKind.Timestamp),
        ],
        v => new ItemUpdated((int)v[0]!, (string)v[2]!, (string)v[3]!, (DateTimeOffset?)v[4]));

    public static readonly EventContract<ItemRemoved> ItemRemoval = new(
        nameof(ItemRemoved),
        [
            new("version", FieldKind.Version, Required: true),
            new("type", FieldKind.Type, Required: true),
            new("itemId", FieldKind.Id, Required: true),
            new("removedAt", FieldKind.Timestamp),
        ],
        v => new ItemRemoved((int)v[0]!, (string)v[2]!, (DateTimeOffset?)v[3]));

    public static readonly EventContract<InteractionOccurred> Interaction = new(
        nameof(InteractionOccurred),
        [
            new("version", FieldKind.Version, Required: true),
            new("userId", FieldKind.Id, Required: true),
            new("itemId", FieldKind.Id, Required: true),
            new("timestamp", FieldKind.Timestamp),
            new("position", FieldKind.Position),
        ],
        v => new InteractionOccurred((int)v[0]!, (string)v[1]!, (string)v[2]!, (DateTimeOffset?)v[3], (long?)v[4]),
        v => v[3] is null && v[4] is null
            ? "neither 'timestamp' nor 'position' is set; an interaction needs one of them to take its place in the user's history"
            : null);
}
