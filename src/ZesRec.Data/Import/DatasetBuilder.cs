using ZesRec.Data.Events;

namespace ZesRec.Data.Import;

/// <summary>
/// Collects items and interactions from source rows, rejecting bad ones with file and line; interactions
/// whose item never got a usable item record are rejected when the dataset is built.
/// </summary>
internal sealed class DatasetBuilder(string sourceFormat)
{
    private readonly List<ItemCreated> _items = [];
    private readonly HashSet<string> _itemIds = new(StringComparer.Ordinal);
    private readonly List<(InteractionOccurred Event, string File, int Line)> _interactions = [];

    public ImportReport Report { get; } = new();

    public bool HasItem(string itemId) => _itemIds.Contains(itemId);

    public void AddItem(string file, int line, string itemId, string? text, DateTimeOffset? createdAt = null)
    {
        Report.ItemsRead++;
        var trimmed = text?.Trim();
        if (string.IsNullOrWhiteSpace(itemId))
        {
            RejectItem(file, line, "empty item id");
        }
        else if (TextRules.IdProblem(itemId) is { } idProblem)
        {
            RejectItem(file, line, $"item id has {idProblem}");
        }
        else if (trimmed is not null && TextRules.TextProblem(trimmed) is { } textProblem)
        {
            RejectItem(file, line, $"text of item '{itemId}' has {textProblem}");
        }
        else if (string.IsNullOrEmpty(trimmed))
        {
            RejectItem(file, line, $"item '{itemId}' has empty text");
        }
        else if (!_itemIds.Add(itemId))
        {
            RejectItem(file, line, $"duplicate item id '{itemId}'");
        }
        else
        {
            _items.Add(new ItemCreated(ItemCreated.CurrentVersion, itemId, trimmed, createdAt));
        }
    }

    public void RejectItem(string file, int line, string reason)
    {
        Report.ItemsRejected++;
        Report.Reject(new ImportRejection(file, line, reason));
    }

    public void AddInteraction(string file, int line, string userId, string itemId, DateTimeOffset? timestamp, long? position)
    {
        Report.InteractionsRead++;
        if (string.IsNullOrWhiteSpace(userId) || string.IsNullOrWhiteSpace(itemId))
        {
            RejectInteraction(file, line, "empty user or item id");
            return;
        }

        var problem = TextRules.IdProblem(userId) is { } user ? "user id has " + user
            : TextRules.IdProblem(itemId) is { } item ? "item id has " + item
            : null;
        if (problem is not null)
        {
            RejectInteraction(file, line, problem);
            return;
        }

        _interactions.Add((new InteractionOccurred(InteractionOccurred.CurrentVersion, userId, itemId, timestamp, position), file, line));
    }

    /// <summary>An interaction at a time given in unix seconds; one outside the years 0001 to 9999 is a rejected row.</summary>
    public void AddInteractionAt(string file, int line, string userId, string itemId, long unixSeconds)
    {
        if (UnixTime.FromSeconds(unixSeconds, out var problem) is { } timestamp)
        {
            AddInteraction(file, line, userId, itemId, timestamp, null);
        }
        else
        {
            RejectInteractionRow(file, line, problem!);
        }
    }

    /// <summary>A row that yields no interaction (bad number, wrong column count) but counts as one read.</summary>
    public void RejectInteractionRow(string file, int line, string reason, int interactions = 1)
    {
        Report.InteractionsRead += interactions;
        RejectInteraction(file, line, reason, interactions);
    }

    public void Note(string note) => Report.Note(note);

    public ImportResult Build(string name, string itemsFile)
    {
        var kept = new List<InteractionOccurred>(_interactions.Count);
        foreach (var (e, file, line) in _interactions)
        {
            if (_itemIds.Contains(e.ItemId))
            {
                kept.Add(e);
            }
            else
            {
                RejectInteraction(file, line, $"item '{e.ItemId}' has no usable record in {itemsFile}");
            }
        }

        if (_items.Count == 0 || kept.Count == 0)
        {
            throw new DatasetFormatException(itemsFile, null, $"the import is empty: {_items.Count} items and {kept.Count} interactions kept");
        }

        return new ImportResult(new EventLogDataset(name, sourceFormat, _items, kept), Report);
    }

    private void RejectInteraction(string file, int line, string reason, int interactions = 1)
    {
        Report.InteractionsRejected += interactions;
        Report.Reject(new ImportRejection(file, line, reason));
    }
}
