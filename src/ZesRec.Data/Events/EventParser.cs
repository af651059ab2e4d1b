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
