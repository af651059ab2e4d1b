using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ZesRec.Data.Events;

/// <summary>
/// Reads one event object with <see cref="Utf8JsonReader"/> and remembers the first problem in document order.
/// It keeps reading after a problem so that a payload that is also broken JSON is reported as invalid_json,
/// the more useful diagnosis. An unsupported version outranks every other problem: a newer producer's
/// fields are expected to look wrong to this reader.
/// </summary>
internal ref struct EventReader
{
    private const int MaxShownLength = 64;

    private readonly EventLimits _limits;
    private readonly DateTimeOffset _now;
    private Utf8JsonReader _reader;
    private string? _code;
    private string? _reason;
    private string? _versionReason;

    public EventReader(ReadOnlySpan<byte> utf8, EventLimits limits, DateTimeOffset now)
    {
        _reader = new Utf8JsonReader(utf8);
        _limits = limits;
        _now = now;
    }

    /// <summary>False when the payload is not an object; the rest of it is still read for syntax.</summary>
    public bool StartObject()
    {
        _reader.Read();
        if (_reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        Report(ReasonCodes.WrongType, $"the payload must be a JSON object, not {Describe(_reader.TokenType)}");
        _reader.Skip();
        return false;
    }

    /// <summary>Moves to the next property name; false at the end of the object.</summary>
    public bool NextProperty()
    {
        _reader.Read();
        return _reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>The index of the current property in <paramref name="fields"/>; -1 when the event has no such field.</summary>
    public readonly int FieldIndex(IReadOnlyList<EventField> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (_reader.ValueTextEquals(fields[i].Utf8Name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads the current property's value as its field's kind; null (with the problem noted) when it is wrong.</summary>
    public object? Value(EventField field) => field.Kind switch
    {
        FieldKind.Version => Version(),
        FieldKind.Id => Id(field.Name),
        FieldKind.Text => Text(field.Name),
        FieldKind.Timestamp => Timestamp(field.Name),
        FieldKind.Position => Position(field.Name),
        FieldKind.Type => TypeName(field.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field.Kind, "unknown field kind"),
    };

    /// <summary>Throws <see cref="JsonException"/> when anything but whitespace follows the object.</summary>
    public void End() => _reader.Read();

    /// <summary>False for a repeated field, whose value is skipped: two values for one field are ambiguous.</summary>
    public bool FirstTime(ref int seen, int bit, string field)
    {
        if ((seen & bit) == 0)
        {
            seen |= bit;
            return true;
        }

        Report(ReasonCodes.InvalidJson, $"field '{field}' appears twice; give it once");
        SkipValue();
        return false;
    }

    public void Unknown(string eventName, string knownFields)
    {
        Report(ReasonCodes.UnknownField, $"field '{Shorten(_reader.GetString()!)}' is not part of {eventName} v1, which has {knownFields}");
        SkipValue();
    }

    public int? Version()
    {
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.Number || !TryGetInteger(out var version))
        {
            WrongType("version", "an integer");
            return null;
        }

        if (version != _limits.SupportedVersion)
        {
            _versionReason ??= $"version is {version}; this consumer reads version {_limits.SupportedVersion} only";
        }

        return (int)Math.Clamp(version, int.MinValue, int.MaxValue);
    }

    /// <summary>Ids become Kafka keys, log lines and PostgreSQL text: no control character of any kind.</summary>
    public string? Id(string field) => BoundedString(field, _limits.MaxIdLength, ReasonCodes.EmptyId, idCharacters: true);

    /// <summary>Text may hold line breaks and tabs; only U+0000, which PostgreSQL text cannot store, is refused.</summary>
    public string? Text(string field) => BoundedString(field, _limits.MaxTextLength, ReasonCodes.EmptyText, idCharacters: false);

    public DateTimeOffset? Timestamp(string field)
    {
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.String)
        {
            WrongType(field, "a timestamp string such as \"2018-01-01T00:00:00Z\"");
            return null;
        }

        var raw = _reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(_reader.GetString()!) : _reader.ValueSpan;
        if (!Rfc3339.HasShape(raw) || !_reader.TryGetDateTimeOffset(out var value))
        {
            Report(
                ReasonCodes.WrongType,
                $"field '{field}' is \"{Shorten(_reader.GetString()!)}\", not a timestamp with a date, a time and an offset such as \"2018-01-01T00:00:00Z\"");
            return null;
        }

        value = value.ToUniversalTime();
        var ahead = value - _now;
        if (ahead > _limits.MaxFutureSkew)
        {
            Report(
                ReasonCodes.FutureTimestamp,
                $"{field} {value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} is {Duration(ahead)} ahead of this consumer's clock, "
                + $"more than the {Duration(_limits.MaxFutureSkew)} allowed; check the producer's clock or its data");
        }

        return value;
    }

    public string? TypeName(string field)
    {
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.String)
        {
            WrongType(field, "a string");
            return null;
        }

        return _reader.GetString();
    }

    public long? Position(string field)
    {
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.Number || !TryGetInteger(out var position) || position < 0)
        {
            WrongType(field, "a whole number of 0 or more");
            return null;
        }

        return position;
    }

    public readonly bool Rejected(out string code, out string reason)
    {
        if (_versionReason is not null)
        {
            (code, reason) = (ReasonCodes.UnsupportedVersion, _versionReason);
            return true;
        }

        (code, reason) = (_code ?? string.Empty, _reason ?? string.Empty);
        return _code is not null;
    }

    private string? BoundedString(string field, int maxLength, string emptyCode, bool idCharacters)
    {
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.String)
        {
            WrongType(field, "a string");
            return null;
        }

        var value = _reader.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            Report(emptyCode, value.Length == 0 ? $"field '{field}' is empty" : $"field '{field}' is only whitespace");
            return null;
        }

        // A code point takes at least one byte of JSON, so short raw values need no counting.
        if (_reader.ValueSpan.Length > maxLength)
        {
            var length = CodePoints(value);
            if (length > maxLength)
            {
                Report(ReasonCodes.TooLarge, $"{field} is {length} characters, over the limit of {maxLength}");
                return null;
            }
        }

        // Only an escaped value can hold a control character: the reader refuses raw ones as invalid JSON.
        if (_reader.ValueIsEscaped && ForbiddenAt(value, idCharacters) is var at and >= 0)
        {
            Report(
                ReasonCodes.ForbiddenCharacter,
                idCharacters
                    ? $"field '{field}' holds the control character U+{(int)value[at]:X4} at position {at}; ids may not hold control characters"
                    : $"field '{field}' holds U+0000 at position {at}, which PostgreSQL cannot store; remove it from the text");
            return null;
        }

        return value;
    }

    private static int ForbiddenAt(string value, bool idCharacters)
    {
        if (!idCharacters)
        {
            return value.IndexOf('\0', StringComparison.Ordinal);
        }

        for (var i = 0; i < value.Length; i++)
        {
            // U+0000 to U+001F and U+007F to U+009F.
            if (char.IsControl(value[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // JSON Schema's maxLength counts code points; a surrogate pair is one.
    private static int CodePoints(string value)
    {
        var count = value.Length;
        foreach (var c in value)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    private bool TryGetInteger(out long value)
    {
        if (_reader.TryGetInt64(out value))
        {
            return true;
        }

        // JSON Schema counts 1.0 and 1e0 as integers too.
        if (_reader.TryGetDecimal(out var d) && decimal.Truncate(d) == d && d is >= long.MinValue and <= long.MaxValue)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    private void WrongType(string field, string expected)
    {
        var actual = _reader.TokenType == JsonTokenType.Number ? $"the number {Shorten(Encoding.UTF8.GetString(_reader.ValueSpan))}" : Describe(_reader.TokenType);
        Report(ReasonCodes.WrongType, $"field '{field}' must be {expected}, not {actual}");
        _reader.Skip();
    }

    private void SkipValue()
    {
        _reader.Read();
        _reader.Skip();
    }

    private void Report(string code, string reason)
    {
        if (_code is null)
        {
            (_code, _reason) = (code, reason);
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Shorten(string value) => value.Length <= MaxShownLength ? value : string.Concat(value.AsSpan(0, MaxShownLength), "…");

    private static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.#} days"),
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} hours"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} minutes"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} seconds"),
    };
}
