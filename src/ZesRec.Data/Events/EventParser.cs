using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace ZesRec.Data.Events;

/// <summary>
/// Turns message values of zesrec.items and zesrec.interactions into events, or into the reason they go
/// to the dead-letter topic. It accepts exactly what schemas/events/*.v1.json accept, plus the checks a
/// schema cannot express (timestamps too far in the future, repeated fields); the fields of each event are
/// read by its table in <see cref="EventContracts"/>. Thread-safe.
/// </summary>
public sealed class EventParser
{
    private const string LoneSurrogate =
        "the payload escapes half of a surrogate pair (\\uD800 to \\uDFFF) on its own, which is no Unicode character";

    private readonly EventLimits _limits;
    private readonly TimeProvider _clock;

    public EventParser(EventLimits? limits = null, TimeProvider? clock = null)
    {
        _limits = limits ?? new EventLimits();
        _limits.Validate();
        _clock = clock ?? TimeProvider.System;
    }

    public ParseResult<ItemCreated> ParseItem(ReadOnlySpan<byte> utf8) => Parse(utf8, EventContracts.Item);

    /// <summary>
    /// Any event of zesrec.items: a payload with <c>"type": "item-updated"</c> or <c>"item-removed"</c> is read by
    /// that event's table, one without a <c>type</c> as <see cref="ItemCreated"/>.
    /// </summary>
    public ParseResult<IItemEvent> ParseItemEvent(ReadOnlySpan<byte> utf8)
    {
        // An oversized payload is refused by size before any reading, whatever its type.
        var (found, type) = utf8.Length > _limits.MaxPayloadBytes ? (false, null) : FindType(utf8);
        if (!found)
        {
            return Widen(Parse(utf8, EventContracts.Item));
        }

        switch (type)
        {
            case ItemUpdated.TypeName or null:
                // A type that is not a string is reported by the reader as the wrong type of field 'type'.
                return Widen(Parse(utf8, EventContracts.ItemUpdate));
            case ItemRemoved.TypeName:
                return Widen(Parse(utf8, EventContracts.ItemRemoval));
            default:
                // Broken JSON, a wrong size or an unsupported version still outrank an unknown type.
                var asCreated = Parse(utf8, EventContracts.Item);
                return asCreated.ReasonCode is ReasonCodes.UnsupportedVersion or ReasonCodes.InvalidJson or ReasonCodes.InvalidUtf8 or ReasonCodes.TooLarge
                    ? Widen(asCreated)
                    : ParseResult<IItemEvent>.Fail(
                        ReasonCodes.WrongType,
                        $"field 'type' is \"{EventText.Shorten(type)}\"; zesrec.items takes \"{ItemUpdated.TypeName}\", \"{ItemRemoved.TypeName}\" or no type (an item-created event)");
        }
    }

    public ParseResult<InteractionOccurred> ParseInteraction(ReadOnlySpan<byte> utf8) => Parse(utf8, EventContracts.Interaction);

    private ParseResult<T> Parse<T>(ReadOnlySpan<byte> utf8, EventContract<T> contract)
        where T : class
    {
        if (RejectPayload(utf8) is var (payloadCode, payloadReason))
        {
            return ParseResult<T>.Fail(payloadCode, payloadReason);
        }

        var json = new EventReader(utf8, _limits, _clock.GetUtcNow());
        var values = new object?[contract.Fields.Count];
        try
        {
            if (json.StartObject())
            {
                var seen = 0;
                while (json.NextProperty())
                {
                    var i = json.FieldIndex(contract.Fields);
                    if (i < 0)
                    {
                        json.Unknown(contract.EventName, contract.KnownFields);
                    }
                    else if (json.FirstTime(ref seen, 1 << i, contract.Fields[i].Name))
                    {
                        values[i] = json.Value(contract.Fields[i]);
                    }
                }
            }

            json.End();
        }
        catch (JsonException e)
        {
            return ParseResult<T>.Fail(ReasonCodes.InvalidJson, $"the payload is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            return ParseResult<T>.Fail(ReasonCodes.InvalidUtf8, LoneSurrogate);
        }

        if (json.Rejected(out var code, out var reason))
        {
            return ParseResult<T>.Fail(code, reason);
        }

        return contract.Missing(values) is { } missing
            ? ParseResult<T>.Fail(ReasonCodes.MissingField, missing)
            : ParseResult<T>.Ok(contract.Create(values));
    }

    private static ParseResult<IItemEvent> Widen<T>(ParseResult<T> result)
        where T : class, IItemEvent =>
        result.IsValid ? ParseResult<IItemEvent>.Ok(result.Event) : ParseResult<IItemEvent>.Fail(result.ReasonCode, result.Reason);

    /// <summary>
    /// The top-level <c>type</c> field, looked up before the real read so that the right field table reads the event:
    /// (false, null) when there is none or the payload is no readable JSON object (the real read then says why), (true, null)
    /// when its value is not a string.
    /// </summary>
    private static (bool Found, string? Type) FindType(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (false, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType)
                {
                    return (true, reader.TokenType == JsonTokenType.String ? reader.GetString() : null);
                }

                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Broken JSON or a lone surrogate: the read by the item-created table reports it.
        }

        return (false, null);
    }

    // Both checks run before the JSON reader: the size so a huge message costs nothing, the encoding
    // (vectorised) so the reader never meets a broken byte sequence.
    private (string Code, string Reason)? RejectPayload(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _limits.MaxPayloadBytes)
        {
            return (ReasonCodes.TooLarge, $"the payload is {utf8.Length} bytes, over the limit of {_limits.MaxPayloadBytes}");
        }

        if (Utf8.IsValid(utf8))
        {
            return null;
        }

        var chars = ArrayPool<char>.Shared.Rent(utf8.Length);
        Utf8.ToUtf16(utf8, chars, out var validBytes, out _, replaceInvalidSequences: false);
        ArrayPool<char>.Shared.Return(chars);
        return (ReasonCodes.InvalidUtf8, $"the payload is not valid UTF-8: byte {validBytes} (0x{utf8[validBytes]:X2}) starts no valid character; send text as UTF-8");
    }
}
