using Npgsql;
using ZesRec.Model.Training;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// The target interactions a model version has consumed, as the store keeps them (each user's history with its
/// order keys, up to <c>Processing:MaxHistory</c> items), split by time: the most recent fraction is held out to
/// validate a candidate, everything before it is what the candidate trains on.
/// </summary>
public sealed class AdaptationData
{
    private AdaptationData(IReadOnlyList<string> itemIds, IReadOnlyList<string> texts, List<TrainingSequence> train, List<HeldOutSequence> heldOut)
    {
        ItemIds = itemIds;
        Texts = texts;
        Train = train;
        HeldOut = heldOut;
    }

    /// <summary>Stored item ids, in the order of <see cref="Texts"/> and of the dense indices in the sequences.</summary>
    public IReadOnlyList<string> ItemIds { get; }

    public IReadOnlyList<string> Texts { get; }

    /// <summary>Each user's interactions before the held-out slice (users with none are left out).</summary>
    public IReadOnlyList<TrainingSequence> Train { get; }

    /// <summary>Users with held-out interactions: the whole sequence and where the held-out suffix starts.</summary>
    public IReadOnlyList<HeldOutSequence> HeldOut { get; }

    public long TrainInteractions => Train.Sum(s => (long)s.Items.Length);

    public long HeldOutInteractions => HeldOut.Sum(s => (long)(s.Sequence.Items.Length - s.From));

    /// <summary>
    /// Reads the items and user histories of <paramref name="modelVersion"/> and holds out the last
    /// <paramref name="heldOutFraction"/> of the interactions by order key (ties broken by user id, then position).
    /// History items no longer stored are dropped.
    /// </summary>
    public static async Task<AdaptationData> LoadAsync(NpgsqlDataSource dataSource, string modelVersion, double heldOutFraction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heldOutFraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(heldOutFraction, 1);
        var ids = new List<string>();
        var texts = new List<string>();
        await using (var command = dataSource.CreateCommand("SELECT item_id, text FROM items WHERE model_version = $1 ORDER BY item_id"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
                texts.Add(reader.GetString(1));
            }
        }

        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var users = new List<(string User, int[] Items, long[] Keys)>();
        await using (var command = dataSource.CreateCommand(
            "SELECT user_id, history, history_keys, last_order_key FROM user_states WHERE model_version = $1 ORDER BY user_id"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var history = reader.GetFieldValue<string[]>(1);
                var keys = reader.IsDBNull(2) ? null : reader.GetFieldValue<long[]>(2);
                var last = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
                var items = new List<int>(history.Length);
                var itemKeys = new List<long>(history.Length);
                for (var i = 0; i < history.Length; i++)
                {
                    if (index.TryGetValue(history[i], out var at))
                    {
                        items.Add(at);
                        itemKeys.Add(keys is not null && keys.Length == history.Length ? keys[i] : last);
                    }
                }

                if (items.Count > 0)
                {
                    users.Add((reader.GetString(0), [.. items], [.. itemKeys]));
                }
            }
        }

        return Split(ids, texts, users, heldOutFraction);
    }

    /// <summary>The split on histories already read (users in user id order); see <see cref="LoadAsync"/>.</summary>
    public static AdaptationData Split(
        IReadOnlyList<string> itemIds, IReadOnlyList<string> texts, IReadOnlyList<(string User, int[] Items, long[] Keys)> users, double heldOutFraction)
    {
        ArgumentNullException.ThrowIfNull(users);
        // Every interaction as (key, user rank, position): a total order in time, the same on every run.
        var events = new List<(long Key, int User, int Position)>();
        for (var u = 0; u < users.Count; u++)
        {
            for (var p = 0; p < users[u].Items.Length; p++)
            {
                events.Add((users[u].Keys[p], u, p));
            }
        }

        events.Sort();
        var held = (int)Math.Ceiling(events.Count * heldOutFraction);
        var threshold = events.Count == 0 ? default : events[events.Count - held];
        var train = new List<TrainingSequence>();
        var heldOut = new List<HeldOutSequence>();
        for (var u = 0; u < users.Count; u++)
        {
            var (_, items, keys) = users[u];
            // A user's held-out part is the suffix from the first interaction at or after the threshold.
            var from = Enumerable.Range(0, items.Length).FirstOrDefault(p => (keys[p], u, p).CompareTo(threshold) >= 0, items.Length);
            if (from > 0)
            {
                train.Add(new TrainingSequence(items[..from], keys[..from]));
            }

            if (from < items.Length)
            {
                heldOut.Add(new HeldOutSequence(new TrainingSequence(items, keys), from));
            }
        }

        return new AdaptationData(itemIds, texts, train, heldOut);
    }
}

/// <summary>A user's whole sequence; the interactions from <paramref name="From"/> on are held out.</summary>
public sealed record HeldOutSequence(TrainingSequence Sequence, int From);
