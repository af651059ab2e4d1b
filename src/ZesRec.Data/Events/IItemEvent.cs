namespace ZesRec.Data.Events;

/// <summary>
/// An event of zesrec.items: <see cref="ItemCreated"/> (no <c>type</c> field), <see cref="ItemUpdated"/> or
/// <see cref="ItemRemoved"/>. All are keyed by item id, so one item's events stay in order on one partition.
/// </summary>
public interface IItemEvent
{
    string ItemId { get; }
}
