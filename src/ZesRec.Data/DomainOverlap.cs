namespace ZesRec.Data;

/// <summary>
/// Zero-shot evaluation claims the target domain is unseen; an item or user present in both domains would
/// leak training signal into the test, so they are removed from one side before pairing two datasets.
/// </summary>
public static class DomainOverlap
{
    public static DomainOverlapResult Check(EventLogDataset source, EventLogDataset target, OverlapOptions? options = null)
    {
        options ??= new OverlapOptions();
        var sharedItems = source.Items.Select(i => i.ItemId)
            .Intersect(target.Items.Select(i => i.ItemId), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var sharedUsers = options.CompareUsers
            ? source.Interactions.Select(i => i.UserId)
                .Intersect(target.Interactions.Select(i => i.UserId), StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

        var side = options.DropFrom == OverlapSide.Target ? target : source;
        var items = new HashSet<string>(sharedItems, StringComparer.Ordinal);
        var users = new HashSet<string>(sharedUsers, StringComparer.Ordinal);
        var keptItems = side.Items.Where(i => !items.Contains(i.ItemId)).ToList();
        var keptInteractions = side.Interactions.Where(i => !items.Contains(i.ItemId) && !users.Contains(i.UserId)).ToList();
        var removed = side.Interactions.Count - keptInteractions.Count;

        if (options.Log is { } log)
        {
            log.WriteLine($"{source.Name} / {target.Name}: {sharedItems.Count} shared items, {sharedUsers.Count} shared users; removed from {side.Name}: {side.Items.Count - keptItems.Count} items, {removed} interactions");
            if (sharedItems.Count > 0)
            {
                log.WriteLine($"  items: {string.Join(' ', sharedItems)}");
            }

            if (sharedUsers.Count > 0)
            {
                log.WriteLine($"  users: {string.Join(' ', sharedUsers.Take(50))}{(sharedUsers.Count > 50 ? " ..." : "")}");
            }
        }

        var cleaned = new EventLogDataset(side.Name, side.SourceFormat, keptItems, keptInteractions, side.CreatedAt);
        return new DomainOverlapResult(sharedItems, sharedUsers, options.DropFrom, cleaned, removed);
    }
}
