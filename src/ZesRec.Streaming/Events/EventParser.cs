using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Events;

/// <summary>
/// Turns message values of zesrec.items and zesrec.interactions into events, or into the reason they go
/// to the dead-letter topic. It accepts exactly what schemas/events/*.v1.json accept, plus the checks a
/// schema cannot express (timestamps too far in the future, repeated fields). Thread-safe.
/// </summary>
public sealed class EventParser
{
    private const string ItemFields = "version, itemId, text and createdAt";
    private const string InteractionFields = "version, userId, itemId, timestamp and position";

    private readonly EventLimits _limits;
    private readonly TimeProvider _clock;

    public EventParser(EventLimits? limits = null, TimeProvider? clock = null)
    {
        _limits = limits ?? new EventLimits();
        _limits.Validate();
        _clock = clock ?? TimeProvider.System;
    }

    public ParseResult<ItemCreated> ParseItem(ReadOnlySpan<byte> utf8)
    {
        if (RejectPayload(utf8) is var (payloadCode, payloadReason))
        {
            return ParseResult<ItemCreated>.Fail(payloadCode, payloadReason);
        }

        var json = new EventReader(utf8, _limits, _clock.GetUtcNow());
        int? version = null;
        string? itemId = null, text = null;
        DateTimeOffset? createdAt = null;
        try
        {
            if (json.StartObject())
            {
                var seen = 0;
                while (json.NextProperty())
                {
                    if (json.Is("version"u8))
                    {
                        version = json.FirstTime(ref seen, 1, "version") ? json.Version() : version;
                    }
                    else if (json.Is("itemId"u8))
                    {
                        itemId = json.FirstTime(ref seen, 2, "itemId") ? json.Id("itemId") : itemId;
                    }
                    else if (json.Is("text"u8))
                    {
                        text = json.FirstTime(ref seen, 4, "text") ? json.Text("text") : text;
                    }
                    else if (json.Is("createdAt"u8))
                    {
                        createdAt = json.FirstTime(ref seen, 8, "createdAt") ? json.Timestamp("createdAt") : createdAt;
                    }
                    else
                    {
                        json.Unknown(nameof(ItemCreated), ItemFields);
                    }
                }
            }

            json.End();
        }
        catch (JsonException e)
        {
            return ParseResult<ItemCreated>.Fail(ReasonCodes.InvalidJson, NotJson(e));
        }
        catch (InvalidOperationException)
        {
            return ParseResult<ItemCreated>.Fail(ReasonCodes.InvalidUtf8, LoneSurrogate);
        }

        if (json.Rejected(out var code, out var reason))
        {
            return ParseResult<ItemCreated>.Fail(code, reason);
        }

        if (version is null || itemId is null || text is null)
        {
            return ParseResult<ItemCreated>.Fail(ReasonCodes.MissingField, Missing(version is null ? "version" : itemId is null ? "itemId" : "text"));
        }

        return ParseResult<ItemCreated>.Ok(new ItemCreated(version.Value, itemId, text, createdAt));
    }

    public ParseResult<InteractionOccurred> ParseInteraction(ReadOnlySpan<byte> utf8)
    {
        if (RejectPayload(utf8) is var (payloadCode, payloadReason))
        {
            return ParseResult<InteractionOccurred>.Fail(payloadCode, payloadReason);
        }

        var json = new EventReader(utf8, _limits, _clock.GetUtcNow());
        int? version = null;
        string? userId = null, itemId = null;
        DateTimeOffset? timestamp = null;
        long? position = null;
        try
        {
            if (json.StartObject())
            {
                var seen = 0;
                while (json.NextProperty())
                {
                    if (json.Is("version"u8))
                    {
                        version = json.FirstTime(ref seen, 1, "version") ? json.Version() : version;
                    }
                    else if (json.Is("userId"u8))
                    {
                        userId = json.FirstTime(ref seen, 2, "userId") ? json.Id("userId") : userId;
                    }
                    else if (json.Is("itemId"u8))
                    {
                        itemId = json.FirstTime(ref seen, 4, "itemId") ? json.Id("itemId") : itemId;
                    }
                    else if (json.Is("timestamp"u8))
                    {
                        timestamp = json.FirstTime(ref seen, 8, "timestamp") ? json.Timestamp("timestamp") : timestamp;
                    }
                    else if (json.Is("position"u8))
                    {
                        position = json.FirstTime(ref seen, 16, "position") ? json.Position("position") : position;
                    }
                    else
                    {
                        json.Unknown(nameof(InteractionOccurred), InteractionFields);
                    }
                }
            }

            json.End();
        }
        catch (JsonException e)
        {
            return ParseResult<InteractionOccurred>.Fail(ReasonCodes.InvalidJson, NotJson(e));
        }
        catch (InvalidOperationException)
        {
            return ParseResult<InteractionOccurred>.Fail(ReasonCodes.InvalidUtf8, LoneSurrogate);
        }

        if (json.Rejected(out var code, out var reason))
        {
            return ParseResult<InteractionOccurred>.Fail(code, reason);
        }

        if (version is null || userId is null || itemId is null)
        {
            return ParseResult<InteractionOccurred>.Fail(ReasonCodes.MissingField, Missing(version is null ? "version" : userId is null ? "userId" : "itemId"));
        }

        if (timestamp is null && position is null)
        {
            return ParseResult<InteractionOccurred>.Fail(
                ReasonCodes.MissingField,
                "neither 'timestamp' nor 'position' is set; an interaction needs one of them to take its place in the user's history");
        }

        return ParseResult<InteractionOccurred>.Ok(new InteractionOccurred(version.Value, userId, itemId, timestamp, position));
    }

    private const string LoneSurrogate =
        "the payload escapes half of a surrogate pair (\\uD800 to \\uDFFF) on its own, which is no Unicode character";

    private static string Missing(string field) => $"field '{field}' is missing";

    private static string NotJson(JsonException e) => $"the payload is not valid JSON: {e.Message}";

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
