using ZesRec.Data.Events;
using ZesRec.Streaming.Serving;

namespace ZesRec.Streaming.Pipeline;

/// <summary>What one batch does to one item: its final text (null: unchanged), age and removal.</summary>
/// <param name="TextFrom">The index of the event whose text (and vector) is stored; -1 when the text is unchanged.</param>
public sealed record ItemChange(string ItemId, string? Text, int TextFrom, DateTimeOffset? CreatedAt, bool Removed, DateTimeOffset? RemovedAt);

/// <summary>
/// Folds one batch's item events, in their order, over what the catalogue knows. The rules, per item:
/// item-created adds it or replaces it (text, creation time) and brings a removed item back; item-updated replaces
/// the text of a known item and keeps its creation time and removal (a removed item stays removed); item-removed
/// hides a known item, and again on a removed one is a no-op, so a batch read twice after a crash ends the same.
/// Updating or removing an item never created is refused (unknown_item). Pure: no I/O, so it is tested alone.
/// </summary>
public sealed class ItemChanges
{
    private ItemChanges(List<ItemChange> changes, List<(int Event, string Reason)> refused, int updated, int removed)
    {
        Changes = changes;
        Refused = refused;
        Updated = updated;
        Removed = removed;
    }

    /// <summary>One entry per item touched, in the order of each item's first event.</summary>
    public IReadOnlyList<ItemChange> Changes { get; }

    /// <summary>Events refused, by index, with the sentence of their dead letter.</summary>
    public IReadOnlyList<(int Event, string Reason)> Refused { get; }

    /// <summary>item-updated events applied.</summary>
    public int Updated { get; }

    /// <summary>item-removed events that took a visible item out.</summary>
    public int Removed { get; }

    public static ItemChanges Fold(IReadOnlyList<IItemEvent> events, Func<string, CatalogState?> known, DateTimeOffset now)
    {
        var current = new Dictionary<string, int>(StringComparer.Ordinal);
        var changes = new List<ItemChange>();
        var refused = new List<(int, string)>();
        var updated = 0;
        var removed = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var id = events[i].ItemId;
            ItemChange? before = current.TryGetValue(id, out var at)
                ? changes[at]
                : known(id) is { } state ? new ItemChange(id, null, -1, state.CreatedAt, state.Removed, null) : null;
            ItemChange? after;
            switch (events[i])
            {
                case ItemCreated created:
                    after = new ItemChange(id, created.Text, i, created.CreatedAt, false, null);
                    break;
                case ItemUpdated update when before is not null:
                    after = before with { Text = update.Text, TextFrom = i };
                    updated++;
                    break;
                case ItemRemoved removal when before is not null:
                    if (before.Removed)
                    {
                        continue;
                    }

                    after = before with { Removed = true, RemovedAt = removal.RemovedAt ?? now };
                    removed++;
                    break;
                default:
                    var what = events[i] is ItemUpdated ? "item-updated" : "item-removed";
                    refused.Add((i, $"{what} names item '{EventText.Shorten(id)}', which is not in the catalogue; publish its item-created event first, with the same key"));
                    continue;
            }

            if (current.TryGetValue(id, out var index))
            {
                changes[index] = after;
            }
            else
            {
                current[id] = changes.Count;
                changes.Add(after);
            }
        }

        return new ItemChanges(changes, refused, updated, removed);
    }
}
