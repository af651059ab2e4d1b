using System.Text;
using System.Text.Json;
using ZesRec.Data.Events;

namespace ZesRec.Data;

/// <summary>
/// A dataset as two event logs: <c>items.jsonl</c> (ItemCreated) and <c>interactions.jsonl</c>
/// (InteractionOccurred), plus <c>dataset.json</c>. The same events are what a stream replays.
/// </summary>
public sealed class EventLogDataset
{
    public const string ItemsFile = "items.jsonl";
    public const string InteractionsFile = "interactions.jsonl";

    public EventLogDataset(
        string name,
        string sourceFormat,
        IReadOnlyList<ItemCreated> items,
        IReadOnlyList<InteractionOccurred> interactions,
        DateTimeOffset? createdAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (items.Count == 0 || interactions.Count == 0)
        {
            throw new ArgumentException($"dataset '{name}' is empty: {items.Count} items, {interactions.Count} interactions");
        }

        Name = name;
        SourceFormat = sourceFormat;
        Items = items;
        Interactions = interactions;
        CreatedAt = createdAt ?? DateTimeOffset.UtcNow;
    }

    public string Name { get; }

    public string SourceFormat { get; }

    public DateTimeOffset CreatedAt { get; }

    public IReadOnlyList<ItemCreated> Items { get; }

    public IReadOnlyList<InteractionOccurred> Interactions { get; }

    public int UserCount => Interactions.Select(i => i.UserId).Distinct(StringComparer.Ordinal).Count();

    public static EventLogDataset Load(string dir)
    {
        var manifestPath = Path.Combine(dir, DatasetManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new DatasetFormatException(manifestPath, null, "missing: not a dataset folder");
        }

        DatasetManifest manifest;
        try
        {
            manifest = EventJson.DeserializeText<DatasetManifest>(File.ReadAllText(manifestPath));
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(manifestPath, null, $"invalid manifest: {e.Message}", e);
        }

        var itemsPath = Path.Combine(dir, ItemsFile);
        var items = ReadEvents(itemsPath, (ItemCreated e) => CheckItem(e));
        if (items.Count == 0)
        {
            throw new DatasetFormatException(itemsPath, null, "no items: the dataset is empty");
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (!known.Add(items[i].ItemId))
            {
                throw new DatasetFormatException(itemsPath, i + 1, $"duplicate item id '{items[i].ItemId}'");
            }
        }

        var interactionsPath = Path.Combine(dir, InteractionsFile);
        var interactions = ReadEvents(interactionsPath, (InteractionOccurred e) => CheckInteraction(e, known));
        if (interactions.Count == 0)
        {
            throw new DatasetFormatException(interactionsPath, null, "no interactions: the dataset is empty");
        }

        if (manifest.ItemCount != items.Count || manifest.InteractionCount != interactions.Count)
        {
            throw new DatasetFormatException(
                manifestPath,
                null,
                $"counts {manifest.ItemCount} items / {manifest.InteractionCount} interactions do not match the files ({items.Count} / {interactions.Count}): a file was cut short or edited");
        }

        return new EventLogDataset(manifest.Name, manifest.SourceFormat, items, interactions, manifest.CreatedAt);
    }

    /// <summary>Writes into a temporary sibling folder that replaces <paramref name="dir"/> in one rename, so a crash or an error leaves the old dataset (or none) and never a half-written one.</summary>
    public void Save(string dir) =>
        AtomicFolder.Write(
            dir,
            temp =>
            {
                WriteLines(Path.Combine(temp, ItemsFile), Items);
                WriteLines(Path.Combine(temp, InteractionsFile), Interactions);
                var manifest = new DatasetManifest(DatasetManifest.CurrentFormatVersion, Name, SourceFormat, Items.Count, Interactions.Count, UserCount, CreatedAt);
                File.WriteAllText(Path.Combine(temp, DatasetManifest.FileName), JsonSerializer.Serialize(manifest, new JsonSerializerOptions(EventJson.Options) { WriteIndented = true }) + "\n");
            },
            IsDatasetFolder,
            "dataset");

    /// <summary>Why <see cref="Save"/> would refuse <paramref name="dir"/> (a file, or a folder holding something else), or null.</summary>
    public static string? SaveRefusal(string dir) => AtomicFolder.Refusal(dir, IsDatasetFolder, "dataset");

    private static bool IsDatasetFolder(string dir) => File.Exists(Path.Combine(dir, DatasetManifest.FileName));

    private static void WriteLines<T>(string path, IReadOnlyList<T> events)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        foreach (var e in events)
        {
            writer.Write(EventJson.SerializeText(e));
            writer.Write('\n');
        }
    }

    private static List<T> ReadEvents<T>(string path, Func<T, string?> check)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, null, "missing");
        }

        var list = new List<T>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                throw new DatasetFormatException(path, lineNumber, "empty line");
            }

            T e;
            try
            {
                e = EventJson.DeserializeText<T>(line);
            }
            catch (JsonException ex)
            {
                throw new DatasetFormatException(path, lineNumber, $"invalid {typeof(T).Name} event: {ex.Message}", ex);
            }

            if (check(e) is { } problem)
            {
                throw new DatasetFormatException(path, lineNumber, problem);
            }

            list.Add(e);
        }

        return list;
    }

    private static string? CheckItem(ItemCreated e) =>
        e.Version != ItemCreated.CurrentVersion ? $"unsupported version {e.Version} (expected {ItemCreated.CurrentVersion})"
        : string.IsNullOrWhiteSpace(e.ItemId) ? "empty itemId"
        : string.IsNullOrWhiteSpace(e.Text) ? $"item '{e.ItemId}' has empty text"
        : TextRules.IdProblem(e.ItemId) is { } id ? $"itemId has {id}"
        : TextRules.TextProblem(e.Text) is { } text ? $"text of item '{e.ItemId}' has {text}"
        : null;

    private static string? CheckInteraction(InteractionOccurred e, HashSet<string> knownItems) =>
        e.Version != InteractionOccurred.CurrentVersion ? $"unsupported version {e.Version} (expected {InteractionOccurred.CurrentVersion})"
        : string.IsNullOrWhiteSpace(e.UserId) ? "empty userId"
        : string.IsNullOrWhiteSpace(e.ItemId) ? "empty itemId"
        : e.Timestamp is null && e.Position is null ? "neither timestamp nor position is set"
        : TextRules.IdProblem(e.UserId) is { } user ? $"userId has {user}"
        : !knownItems.Contains(e.ItemId) ? $"unknown item id '{e.ItemId}' (not in {ItemsFile})"
        : null;
}
