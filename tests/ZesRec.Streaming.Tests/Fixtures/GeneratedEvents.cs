using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// CsCheck generators of hostile item and interaction messages: arbitrary JSON shapes and sizes, strings with
/// control characters and lone surrogates, bytes that are not UTF-8, keys that disagree with the payload, timestamps
/// and positions at the edges. Generated users and items have ids of their own ("fuzz-…"), so whatever becomes of
/// them, the valid users' states cannot change; the one kind aimed at valid users (a wrong key) must be refused.
/// </summary>
public static class GeneratedEvents
{
    /// <summary>One message to publish; <see cref="Topic"/> is "items" or "interactions".</summary>
    public sealed record Message(string Topic, string? Key, byte[] Value, string Kind);

    private static readonly Gen<string> Plain = Gen.String[Gen.Char.AlphaNumeric, 1, 12];

    /// <summary>Any UTF-16 unit: controls, lone surrogates, non-characters; JSON escapes what it must.</summary>
    private static readonly Gen<string> Wild = Gen.String[Gen.Char, 0, 24];

    private static readonly Gen<string> Control = Gen.String[Gen.Char['\u0000', '\u001F'], 1, 3];

    private static readonly Gen<string> FuzzString = Gen.Frequency(
        (5, Plain),
        (2, Wild),
        (2, Gen.Select(Plain, Control, Plain, (a, c, b) => a + c + b)),
        (1, Gen.Int[250, 300].Select(n => new string('l', n))),
        (1, Gen.Const(" \t ")));

    private static readonly Gen<string> EdgeTimestamp = Gen.OneOf(
        Gen.OneOf(
            "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00",
            "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2016-12-31T23:59:60Z", "2018-02-30T00:00:00Z",
            "2018-01-01T00:00:00.123456789Z", "2018-01-01T00:00:00+24:00", "2018-01-01t00:00:00z", "2018-01-01 00:00:00Z",
            "+002018-01-01T00:00:00Z", "2018-01-01T00:00:00", "", "2018-01-01T00:00:00\u0000Z"),
        Gen.Int[-3650, 3650].Select(days => DateTimeOffset.UtcNow.AddDays(days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));

    private static readonly Gen<JsonNode?> EdgePosition = Gen.OneOf(
        Gen.OneOf<JsonNode?>(0, 1, -1, long.MaxValue, long.MinValue, 1.5, 1e300, "3", true, null),
        Gen.Long[0, 1_000_000].Select(p => (JsonNode?)p));

    private static readonly Gen<JsonNode?> Leaf = Gen.Frequency(
        (3, FuzzString.Select(s => (JsonNode?)s)),
        (2, Gen.Long.Select(l => (JsonNode?)l)),
        (1, Gen.Bool.Select(b => (JsonNode?)b)),
        (1, Gen.Const<JsonNode?>(() => null)));

    private static readonly Gen<string> FieldName = Gen.Frequency(
        (3, Gen.OneOf("version", "userId", "itemId", "timestamp", "position", "text", "createdAt")),
        (2, FuzzString));

    // After the fields it is built from: static fields are initialised in the order they are written.
    private static readonly Gen<JsonNode?> AnyJson = Json(3);

    /// <summary>
    /// <paramref name="count"/> generated messages of both topics, drawn with <paramref name="pcg"/>; the
    /// <paramref name="validInteractions"/> give the users a wrong key is aimed at, the <paramref name="itemIds"/> the
    /// items generated interactions mostly name.
    /// </summary>
    public static List<Message> Draw(PCG pcg, int count, IReadOnlyList<InteractionOccurred> validInteractions, IReadOnlyList<string> itemIds)
    {
        var item = Gen.Int[0, itemIds.Count - 1].Select(i => itemIds[i]);
        var valid = Gen.Int[0, validInteractions.Count - 1].Select(i => validInteractions[i]);
        // A generated user id may spell a valid one (they are small integers): such an event is a valid interaction
        // of that user, not a hostile one, so it is moved to an id of its own.
        var validUsers = validInteractions.Select(v => v.UserId).ToHashSet(StringComparer.Ordinal);
        var user = Gen.Frequency((9, Gen.Int[0, 400].Select(u => $"fuzz-user-{u}")), (1, FuzzString))
            .Select(u => validUsers.Contains(u) ? "fuzz-user-" + u : u);
        var message = Gen.Frequency(
            (6, Interaction(user, item)),
            (2, Item()),
            (1, WrongKey(valid)),
            (1, ArbitraryJson()),
            (1, Gen.Select(Interaction(user, item), Gen.Int[0, 1_000_000], Gen.OneOf<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80]), Corrupt)));
        return [.. Enumerable.Range(0, count).Select(_ => message.Generate(pcg, null, out Size _))];
    }

    private static Gen<JsonNode?> Json(int depth) => depth == 0
        ? Leaf
        : Gen.Frequency(
            (4, Leaf),
            (1, Json(depth - 1).Array[0, 4].Select(a => (JsonNode?)new JsonArray([.. a.Select(x => x?.DeepClone())]))),
            (1, Gen.Select(FieldName, Json(depth - 1)).Array[0, 5].Select(Object)));

    private static JsonNode? Object((string Name, JsonNode? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (name, value) in fields)
        {
            // Generators may hand out one node twice; a node can have one parent only.
            o[name] = value?.DeepClone();
        }

        return o;
    }

    private static Gen<Message> Interaction(Gen<string> user, Gen<string> item) =>
        Gen.Select(
            user,
            Gen.Frequency((8, item), (1, FuzzString), (1, Gen.Int[0, 50].Select(i => $"fuzz-item-{i}"))),
            Gen.Frequency((6, Gen.Int[-200, 200].Select(m => (JsonNode?)DateTimeOffset.UtcNow.AddDays(-30).AddMinutes(m).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))), (3, EdgeTimestamp.Select(t => (JsonNode?)t)), (1, EdgePosition)),
            Gen.Frequency((18, Gen.Const<JsonNode?>(1)), (1, Gen.Long.Select(v => (JsonNode?)v)), (1, Leaf)),
            // Just over the 64 KiB limit: the development broker keeps only about 5 MiB per partition of the dead-letter topic.
            Gen.Frequency((16, Gen.Const(0)), (2, Gen.Int[1, 200]), (1, Gen.Int[65_600, 70_000])),
            Gen.Frequency((8, Gen.Const(true)), (2, Gen.Const(false))),
            (user, itemId, when, version, padding, keyed) =>
            {
                var o = new JsonObject { ["version"] = version?.DeepClone(), ["userId"] = user, ["itemId"] = itemId };
                o[when is JsonValue v && v.TryGetValue<string>(out _) ? "timestamp" : "position"] = when?.DeepClone();
                if (padding > 0)
                {
                    o["pad"] = new string('p', padding);
                }

                return new Message("interactions", keyed ? user : $"other-{user}", Encoding.UTF8.GetBytes(o.ToJsonString()), "interaction");
            });

    private static Gen<Message> Item() =>
        Gen.Select(
            Gen.Frequency((9, Gen.Int[0, 100_000].Select(i => $"fuzz-item-{i}")), (1, FuzzString)),
            Gen.Frequency((5, FuzzString), (1, Gen.Int[8_000, 9_000].Select(n => new string('t', n))), (1, Gen.Const("stapler\u0000"))),
            Gen.Frequency((3, EdgeTimestamp.Select(t => (JsonNode?)t)), (1, Gen.Const<JsonNode?>(() => null))),
            Gen.Frequency((8, Gen.Const(true)), (2, Gen.Const(false))),
            (id, text, createdAt, keyed) =>
            {
                var o = new JsonObject { ["version"] = 1, ["itemId"] = id, ["text"] = text };
                if (createdAt is not null)
                {
                    o["createdAt"] = createdAt.DeepClone();
                }

                return new Message("items", keyed ? id : $"other-{id}", Encoding.UTF8.GetBytes(o.ToJsonString()), "item");
            });

    /// <summary>A valid user's valid interaction under another key: it must be refused, or it would move that user.</summary>
    private static Gen<Message> WrongKey(Gen<InteractionOccurred> valid) =>
        Gen.Select(valid, Plain, (e, k) => new Message("interactions", $"{k}-{e.UserId}", EventJson.Serialize(e), "wrong key"));

    private static Gen<Message> ArbitraryJson() =>
        Gen.Select(AnyJson, Gen.Bool, (json, items) =>
            new Message(items ? "items" : "interactions", null, Encoding.UTF8.GetBytes(json?.ToJsonString() ?? "null"), "arbitrary JSON"));

    private static Message Corrupt(Message m, int at, byte[] bad)
    {
        var position = at % (m.Value.Length + 1);
        return m with { Value = [.. m.Value[..position], .. bad, .. m.Value[position..]], Kind = "not UTF-8" };
    }
}
