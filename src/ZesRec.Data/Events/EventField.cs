using System.Text;

namespace ZesRec.Data.Events;

/// <summary>How the parser reads and checks one field's value.</summary>
internal enum FieldKind
{
    /// <summary>An integer; any version but the supported one rejects the event.</summary>
    Version,

    /// <summary>A non-empty string without control characters, at most the id length.</summary>
    Id,

    /// <summary>A non-empty string without U+0000, at most the text length.</summary>
    Text,

    /// <summary>An RFC 3339 instant, not too far ahead of the consumer's clock.</summary>
    Timestamp,

    /// <summary>A whole number of 0 or more.</summary>
    Position,

    /// <summary>The event's type name; the parser has chosen the table by it already.</summary>
    Type,
}

/// <summary>One field of an event as schemas/events/*.v1.json define it.</summary>
internal sealed record EventField(string Name, FieldKind Kind, bool Required = false)
{
    public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(Name);
}
