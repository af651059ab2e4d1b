using System.Text;
using CsCheck;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

/// <summary>The parser of zesrec.items: item-created (no type), item-updated and item-removed, by examples and by generated events.</summary>
public sealed class ItemEventParserTests
{
    private static readonly DateTimeOffset Past = new(2024, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly EventParser _parser = new();

    private static readonly Gen<string> Ids = Gen.String[Gen.Char["abcXYZ019-_./é寿"], 1, 40];

    private static readonly Gen<string> Texts = Gen.String[Gen.Char.AlphaNumeric, 1, 200].Select(t => t.Trim().Length == 0 ? "x" : t);

    private static readonly Gen<DateTimeOffset?> Times = Gen.Select(Gen.Int[0, 1_700_000_000], Gen.Int[0, 9], (s, n) => n < 3 ? null : (DateTimeOffset?)DateTimeOffset.FromUnixTimeSeconds(s));

    private static readonly Gen<IItemEvent> Events = Gen.OneOf<IItemEvent>(
        Gen.Select(Ids, Texts, Times, (id, text, at) => (IItemEvent)new ItemCreated(1, id, text, at)),
        Gen.Select(Ids, Texts, Times, (id, text, at) => (IItemEvent)new ItemUpdated(1, id, text, at)),
        Gen.Select(Ids, Times, (id, at) => (IItemEvent)new ItemRemoved(1, id, at)));

    [Fact]
    public void Parser_should_read_each_item_event_by_its_type_when_the_payload_is_valid()
    {
        // When
        var created = _parser.ParseItemEvent("""{"version":1,"itemId":"a","text":"Stapler"}"""u8);
        var updated = _parser.ParseItemEvent("""{"version":1,"type":"item-updated","itemId":"a","text":"Stapler, red","updatedAt":"2024-03-01T08:00:00Z"}"""u8);
        var removed = _parser.ParseItemEvent("""{"itemId":"a","type":"item-removed","version":1}"""u8);

        // Then
        Assert.Equal(new ItemCreated(1, "a", "Stapler"), created.Event);
        Assert.Equal(new ItemUpdated(1, "a", "Stapler, red", Past), updated.Event);
        Assert.Equal(new ItemRemoved(1, "a"), removed.Event);
    }

    [Theory]
    [InlineData("""{"version":1,"type":"item-renamed","itemId":"a"}""", ReasonCodes.WrongType, "item-renamed")]
    [InlineData("""{"version":1,"type":null,"itemId":"a","text":"t"}""", ReasonCodes.WrongType, "'type' must be a string")]
    [InlineData("""{"version":1,"type":"item-removed"}""", ReasonCodes.MissingField, "field 'itemId' is missing")]
    [InlineData("""{"version":1,"type":"item-updated","itemId":"a"}""", ReasonCodes.MissingField, "field 'text' is missing")]
    [InlineData("""{"version":1,"type":"item-removed","itemId":"a","text":"t"}""", ReasonCodes.UnknownField, "ItemRemoved v1, which has version, type, itemId and removedAt")]
    [InlineData("""{"version":1,"type":"item-removed","type":"item-removed","itemId":"a"}""", ReasonCodes.InvalidJson, "appears twice")]
    [InlineData("""{"version":2,"type":"item-moved","itemId":"a"}""", ReasonCodes.UnsupportedVersion, "version is 2")]
    [InlineData("""{"version":1,"type":"item-removed","itemId":"a",""", ReasonCodes.InvalidJson, "not valid JSON")]
    [InlineData("""{"version":1,"type":"item-updated","itemId":"","text":"t"}""", ReasonCodes.EmptyId, "is empty")]
    public void Parser_should_give_the_reason_when_an_item_event_is_malformed(string json, string code, string words)
    {
        // When
        var parsed = _parser.ParseItemEvent(Encoding.UTF8.GetBytes(json));

        // Then
        Assert.False(parsed.IsValid);
        Assert.Equal(code, parsed.ReasonCode);
        Assert.Contains(words, parsed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_should_give_back_every_generated_item_event_when_it_was_serialised()
    {
        Events.Sample(e =>
        {
            var json = e switch
            {
                ItemCreated c => EventJson.Serialize(c),
                ItemUpdated u => EventJson.Serialize(u),
                ItemRemoved r => EventJson.Serialize(r),
                _ => throw new InvalidOperationException(),
            };
            var parsed = _parser.ParseItemEvent(json);
            return parsed.IsValid && parsed.Event.Equals(e)
                && (e is not ItemCreated || _parser.ParseItem(json).Event!.Equals(e));
        });
    }

    [Fact]
    public void Parser_should_refuse_with_a_known_reason_and_never_throw_when_a_field_is_dropped_added_or_the_payload_cut()
    {
        var mutated = Gen.Select(Events.Where(e => e is not ItemCreated), Gen.Int[0, 3], Gen.Int[1, 200]);
        mutated.Sample((e, how, cut) =>
        {
            var json = Encoding.UTF8.GetString(e is ItemUpdated u ? EventJson.Serialize(u) : EventJson.Serialize((ItemRemoved)e));
            var (broken, expected) = how switch
            {
                0 => (json.Replace("\"itemId\":", "\"item\":", StringComparison.Ordinal), ReasonCodes.UnknownField),
                1 => (json.Replace("\"version\":1", "\"version\":1,\"weight\":2", StringComparison.Ordinal), ReasonCodes.UnknownField),
                2 => (json.Replace("\"type\":\"item-", "\"type\":\"thing-", StringComparison.Ordinal), ReasonCodes.WrongType),
                _ => (json[..Math.Min(cut, json.Length - 1)], ReasonCodes.InvalidJson),
            };
            var parsed = _parser.ParseItemEvent(Encoding.UTF8.GetBytes(broken));
            return !parsed.IsValid && parsed.ReasonCode == expected && ReasonCodes.All.Contains(parsed.ReasonCode) && parsed.Reason.Length > 0;
        });
    }
}
