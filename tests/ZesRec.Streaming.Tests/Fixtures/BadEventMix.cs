using System.Text;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A valid stream with bad events mixed in, each bad one labelled with the reason code it must be dead-lettered
/// with. Interactions keep their users' order; a bad interaction is keyed by the user of the valid one it
/// follows, so duplicates and late events land in that user's partition right behind the event they imitate.
/// </summary>
public sealed class BadEventMix
{
    private readonly Random random;
    private readonly IReadOnlyList<string> itemIds;
    private readonly DateTimeOffset now;
    private int serial;

    private BadEventMix(int seed, IReadOnlyList<string> itemIds, DateTimeOffset now)
    {
        random = new Random(seed);
        this.itemIds = itemIds;
        this.now = now;
    }

    /// <summary>The items topic: every valid item, with bad item events between them.</summary>
    public List<Planned> Items { get; } = [];

    /// <summary>The interactions topic: every valid interaction in order, with bad events between them.</summary>
    public List<Planned> Interactions { get; } = [];

    public int BadCount => Items.Count(p => p.ExpectedCode is not null) + Interactions.Count(p => p.ExpectedCode is not null);

    /// <summary>
    /// Mixes <paramref name="badItems"/> bad item events and <paramref name="badInteractions"/> bad interaction
    /// events into the given valid ones. Item texts over <paramref name="maxTextLength"/> count as bad.
    /// </summary>
    public static BadEventMix Build(
        IReadOnlyList<ItemCreated> items,
        IReadOnlyList<InteractionOccurred> interactions,
        int badItems,
        int badInteractions,
        int maxTextLength,
        int seed)
    {
        var mix = new BadEventMix(seed, [.. items.Select(i => i.ItemId)], DateTimeOffset.UtcNow);
        mix.Interleave(mix.Items, items.Select(i => new Planned(i.ItemId, EventJson.Serialize(i), null, i)).ToList(), badItems, _ => mix.BadItem(maxTextLength));
        mix.Interleave(mix.Interactions, interactions.Select(i => new Planned(i.UserId, EventJson.Serialize(i), null, i)).ToList(), badInteractions, mix.BadInteraction);
        return mix;
    }

    private void Interleave(List<Planned> into, List<Planned> valid, int bad, Func<Planned, Planned> makeBad)
    {
        // Bad event k goes after valid event floor(k * n / bad): spread evenly, none before the first valid one.
        var k = 0;
        for (var v = 0; v < valid.Count; v++)
        {
            into.Add(valid[v]);
            while (k < bad && (long)k * valid.Count / bad <= v)
            {
                into.Add(makeBad(valid[v]));
                k++;
            }
        }
    }

    private Planned BadItem(int maxTextLength)
    {
        var id = $"bad-item-{serial++}";
        var good = Encoding.UTF8.GetString(EventJson.Serialize(new ItemCreated(1, id, "A perfectly ordinary stapler", now.AddDays(-1))));
        return (random.Next(6)) switch
        {
            0 => Bad(id, Encoding.UTF8.GetString(EventJson.Serialize(new ItemCreated(1, id, "", null))), "empty_text"),
            1 => Bad(id, Encoding.UTF8.GetString(EventJson.Serialize(new ItemCreated(1, id, new string('x', maxTextLength + 1 + random.Next(500)), null))), "too_large"),
            2 => Bad(id, good[..(good.Length / 2)], "invalid_json"),
            3 => Bad(id, $"{{\"version\":1,\"itemId\":\"{id}\"}}", "missing_field"),
            4 => Bad(id, good.Replace("\"version\":1", "\"version\":\"1\"", StringComparison.Ordinal), "wrong_type"),
            _ => Bad(id, "{\"color\":\"red\"," + good[1..], "unknown_field"),
        };
    }

    private Planned BadInteraction(Planned after)
    {
        var previous = (InteractionOccurred)after.Valid!;
        var user = previous.UserId;
        var time = previous.Timestamp ?? throw new InvalidOperationException("the mix needs interactions with timestamps");
        string Json(InteractionOccurred e) => Encoding.UTF8.GetString(EventJson.Serialize(e));
        var someItem = itemIds[random.Next(itemIds.Count)];
        var good = Json(previous with { ItemId = someItem });
        return random.Next(100) switch
        {
            < 10 => new Planned(user, after.Value, "duplicate", null),
            < 20 => Bad(user, Json(previous with { ItemId = someItem, Timestamp = time.AddDays(-30 - random.Next(300)) }), "out_of_order"),
            < 28 => Bad(user, Json(previous with { ItemId = $"never-published-{serial++}" }), "unknown_item"),
            < 36 => Bad(user, Json(previous with { ItemId = someItem, Timestamp = now.AddDays(1 + random.Next(400)) }), "future_timestamp"),
            < 44 => Bad(user, good[..random.Next(1, good.Length - 1)], "invalid_json"),
            < 52 => new Planned(user, [.. Encoding.UTF8.GetBytes(good[..^2]), 0xC3, 0x28, (byte)'"', (byte)'}'], "invalid_utf8", null),
            < 60 => Bad(user, good.Replace($"\"userId\":\"{user}\"", "\"userId\":12345", StringComparison.Ordinal), "wrong_type"),
            < 68 => Bad(user, good.Replace($",\"itemId\":\"{someItem}\"", "", StringComparison.Ordinal), "missing_field"),
            < 76 => Bad(user, "{\"rating\":5," + good[1..], "unknown_field"),
            < 84 => Bad(user, good.Replace("\"version\":1", $"\"version\":{2 + random.Next(5)}", StringComparison.Ordinal), "unsupported_version"),
            < 92 => Bad(user, good.Replace($"\"userId\":\"{user}\"", "\"userId\":\"\"", StringComparison.Ordinal), "empty_id"),
            < 93 => Bad(user, good.Replace("{", "{\"padding\":\"" + new string('p', 70_000) + "\",", StringComparison.Ordinal), "too_large"),
            _ => Bad(user, good.Replace("\"timestamp\":\"", "\"timestamp\":\"yesterday ", StringComparison.Ordinal), "wrong_type"),
        };
    }

    private static Planned Bad(string key, string json, string code) => new(key, Encoding.UTF8.GetBytes(json), code, null);

    /// <summary>One message to publish: a valid event (<see cref="Valid"/> set) or a bad one with its expected reason code.</summary>
    public sealed record Planned(string Key, byte[] Value, string? ExpectedCode, object? Valid);
}
