using System.IO.Hashing;
using System.Text;
using ZesRec.Data.Events;

namespace ZesRec.Data;

/// <summary>
/// Merges several datasets into one training source, so that a model learns item-text similarity from many
/// domains at once. Users are kept apart (their ids get the dataset's name as prefix); items keep their ids, so
/// that pairing the result with a target still finds shared items by id; an item whose text an earlier dataset
/// already holds becomes that item, and an id an earlier dataset used for another text gets the dataset's name as
/// prefix. Items of an excluded dataset (the target), by id or by text, are
/// dropped with their interactions, so the target stays unseen.
/// </summary>
public static class DatasetCombiner
{
    public static CombineResult Combine(
        string name,
        IReadOnlyList<EventLogDataset> inputs,
        EventLogDataset? exclude = null,
        int? maxUsersPerInput = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("no datasets to combine");
        }

        if (maxUsersPerInput is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxUsersPerInput), maxUsersPerInput, "at most N users per dataset needs N >= 1");
        }

        var duplicateNames = inputs.GroupBy(d => d.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicateNames.Count > 0)
        {
            throw new ArgumentException($"two datasets are named '{duplicateNames[0]}': user ids are prefixed by dataset name, so names must differ");
        }

        var excludedIds = new HashSet<string>(exclude?.Items.Select(i => i.ItemId) ?? [], StringComparer.Ordinal);
        var excludedTexts = new HashSet<string>(exclude?.Items.Select(i => Key(i.Text)) ?? [], StringComparer.Ordinal);
        var idByText = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = new List<ItemCreated>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        var interactions = new List<InteractionOccurred>();
        var parts = new List<CombinedPart>();
        foreach (var input in inputs)
        {
            // Where this dataset's item ids point in the result; missing: excluded.
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            var merged = 0;
            var excludedItems = 0;
            foreach (var item in input.Items)
            {
                var text = Key(item.Text);
                if (excludedIds.Contains(item.ItemId) || excludedTexts.Contains(text))
                {
                    excludedItems++;
                    continue;
                }

                if (idByText.TryGetValue(text, out var same))
                {
                    map[item.ItemId] = same;
                    merged++;
                    continue;
                }

                // The same id with another text is another item (MovieLens' "1" is not Games' "1").
                var id = known.Contains(item.ItemId) ? input.Name + "/" + item.ItemId : item.ItemId;
                if (!known.Add(id))
                {
                    throw new ArgumentException($"item '{item.ItemId}' of dataset '{input.Name}' collides with item '{id}' of an earlier dataset");
                }

                map[item.ItemId] = id;
                idByText[text] = id;
                items.Add(item with { ItemId = id });
            }

            var users = KeptUsers(input, maxUsersPerInput);
            var kept = 0;
            var dropped = 0;
            foreach (var i in input.Interactions)
            {
                if (!users.Contains(i.UserId))
                {
                    continue;
                }

                if (!map.TryGetValue(i.ItemId, out var id))
                {
                    dropped++;
                    continue;
                }

                interactions.Add(i with { UserId = input.Name + "/" + i.UserId, ItemId = id });
                kept++;
            }

            parts.Add(new CombinedPart(input.Name, users.Count, kept, dropped, merged, excludedItems));
        }

        // Items no kept user touched would only widen the softmax (a subsample leaves many).
        var used = new HashSet<string>(interactions.Select(i => i.ItemId), StringComparer.Ordinal);
        items.RemoveAll(i => !used.Contains(i.ItemId));
        var dataset = new EventLogDataset(name, "combined:" + string.Join('+', inputs.Select(d => d.Name)), items, interactions);
        return new CombineResult(dataset, parts);
    }

    // Texts that differ only in case or spacing are the same item to the text encoder's tokenizer.
    private static string Key(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    // A subsample that does not depend on the file's order: the users with the smallest hash of their id.
    private static HashSet<string> KeptUsers(EventLogDataset input, int? max)
    {
        var users = input.Interactions.Select(i => i.UserId).Distinct(StringComparer.Ordinal);
        if (max is { } n)
        {
            users = users.OrderBy(u => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(u))).ThenBy(u => u, StringComparer.Ordinal).Take(n);
        }

        return new HashSet<string>(users, StringComparer.Ordinal);
    }
}

/// <summary>The combined dataset and what each input contributed.</summary>
public sealed record CombineResult(EventLogDataset Dataset, IReadOnlyList<CombinedPart> Parts);

/// <summary>
/// One input's share: users and interactions kept, interactions dropped with an excluded item, items merged into
/// an earlier dataset's item (same id or text) and items excluded.
/// </summary>
public sealed record CombinedPart(string Name, int Users, int Interactions, int DroppedInteractions, int MergedItems, int ExcludedItems);
