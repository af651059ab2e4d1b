using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ZesRec.Data;

/// <summary>
/// A dataset prepared as in the ZESRec paper: implicit feedback, per-user sequences in time order without
/// consecutive repeats, users with fewer than two interactions dropped, leave-last-out split, and a seeded
/// share of users kept for validation. Items nobody interacted with stay in the catalogue: they can still
/// be recommended, which is the point of a zero-shot model.
/// </summary>
public sealed class PreparedDomain
{
    private PreparedDomain(
        string name,
        string fingerprint,
        string[] itemIds,
        string[] itemTexts,
        Dictionary<string, int> itemIndex,
        UserSequence[] train,
        UserSequence[] validation,
        UserSequence[] test)
    {
        Name = name;
        Fingerprint = fingerprint;
        ItemIds = itemIds;
        ItemTexts = itemTexts;
        ItemIndex = itemIndex;
        Train = train;
        Validation = validation;
        Test = test;
    }

    public string Name { get; }

    /// <summary>SHA-256 (hex) of the items, the interactions and the preparation options: equal fingerprints mean equal splits.</summary>
    public string Fingerprint { get; }

    public IReadOnlyList<string> ItemIds { get; }

    public IReadOnlyList<string> ItemTexts { get; }

    public int ItemCount => ItemIds.Count;

    public IReadOnlyDictionary<string, int> ItemIndex { get; }

    /// <summary>Non-validation users, each sequence without its last (test) item.</summary>
    public IReadOnlyList<UserSequence> Train { get; }

    /// <summary>Validation users, each sequence without its last (test) item: the new last item is the validation target.</summary>
    public IReadOnlyList<UserSequence> Validation { get; }

    /// <summary>Every user with the full sequence: the last item is the test target, the rest its history.</summary>
    public IReadOnlyList<UserSequence> Test { get; }

    public static PreparedDomain Prepare(EventLogDataset ds, PreparationOptions? options = null)
    {
        options ??= new PreparationOptions();
        if (options.ValidationFraction is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ValidationFraction must be in [0, 1), was {options.ValidationFraction}");
        }

        var itemIds = ds.Items.Select(i => i.ItemId).ToArray();
        var itemTexts = ds.Items.Select(i => i.Text).ToArray();
        var itemIndex = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < itemIds.Length; i++)
        {
            itemIndex.Add(itemIds[i], i);
        }

        var sequences = BuildSequences(ds, itemIndex, Math.Max(2, options.MinInteractions));
        var validationUsers = PickValidationUsers(sequences.Length, options);
        var train = new List<UserSequence>();
        var validation = new List<UserSequence>();
        for (var u = 0; u < sequences.Length; u++)
        {
            var s = sequences[u];
            var prefix = new UserSequence(s.UserId, s.Items[..^1], s.Times[..^1]);
            (validationUsers.Contains(u) ? validation : train).Add(prefix);
        }

        return new PreparedDomain(ds.Name, ComputeFingerprint(ds, options), itemIds, itemTexts, itemIndex, [.. train], [.. validation], sequences);
    }

    private static UserSequence[] BuildSequences(EventLogDataset ds, Dictionary<string, int> itemIndex, int minInteractions)
    {
        var byUser = new Dictionary<string, List<(int Item, long Key)>>(StringComparer.Ordinal);
        var userOrder = new List<string>();
        foreach (var e in ds.Interactions)
        {
            if (!byUser.TryGetValue(e.UserId, out var list))
            {
                byUser[e.UserId] = list = [];
                userOrder.Add(e.UserId);
            }

            list.Add((itemIndex[e.ItemId], e.OrderKey));
        }

        var result = new List<UserSequence>(userOrder.Count);
        foreach (var user in userOrder)
        {
            // OrderBy is stable: equal keys (same day, same second) keep the order of the event log.
            var ordered = byUser[user].OrderBy(x => x.Key).ToList();
            var items = new List<int>(ordered.Count);
            var times = new List<long>(ordered.Count);
            foreach (var (item, key) in ordered)
            {
                if (items.Count > 0 && items[^1] == item)
                {
                    continue;
                }

                items.Add(item);
                times.Add(key);
            }

            if (items.Count >= minInteractions)
            {
                result.Add(new UserSequence(user, [.. items], [.. times]));
            }
        }

        return [.. result];
    }

    private static HashSet<int> PickValidationUsers(int userCount, PreparationOptions options)
    {
        // A seeded System.Random uses the legacy generator, so the same seed picks the same users on every machine.
        var order = Enumerable.Range(0, userCount).ToArray();
        new Random(options.Seed).Shuffle(order);
        var count = (int)Math.Round(options.ValidationFraction * userCount, MidpointRounding.AwayFromZero);
        return [.. order.Take(count)];
    }

    private static string ComputeFingerprint(EventLogDataset ds, PreparationOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        Add(string.Create(CultureInfo.InvariantCulture, $"prepare v1 {options.ValidationFraction:R} {options.Seed} {options.MinInteractions}"));
        foreach (var item in ds.Items)
        {
            Add(item.ItemId);
            Add(item.Text);
        }

        foreach (var e in ds.Interactions)
        {
            Add(e.UserId);
            Add(e.ItemId);
            Add(e.OrderKey.ToString(CultureInfo.InvariantCulture));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
