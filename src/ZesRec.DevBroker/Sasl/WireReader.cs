using System.Buffers.Binary;
using System.Text;

namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// Reads Kafka protocol primitives (big-endian integers, unsigned varints, classic and compact strings and bytes,
/// tagged fields) from one frame. A frame that ends early or holds an impossible length throws
/// <see cref="FormatException"/>: the connection is then closed, as a Kafka broker closes it on a malformed request.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;

    public int Position { get; private set; }

    public readonly int Remaining => _buffer.Length - Position;

    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>An unsigned varint (protobuf style, at most 5 bytes for a 32-bit value).</summary>
    public uint UnsignedVarint()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1)[0];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("A varint is longer than 5 bytes.");
    }

    /// <summary>STRING or NULLABLE_STRING: int16 length (-1 for null), then UTF-8.</summary>
    public string? NullableString()
    {
        var length = Int16();
        return length switch
        {
            -1 => null,
            < 0 => throw new FormatException($"A string has length {length}."),
            _ => Encoding.UTF8.GetString(Take(length)),
        };
    }

    /// <summary>COMPACT_NULLABLE_STRING: unsigned varint length + 1 (0 for null), then UTF-8.</summary>
    public string? CompactNullableString()
    {
        var lengthPlusOne = UnsignedVarint();
        return lengthPlusOne == 0 ? null : Encoding.UTF8.GetString(Take(Length(lengthPlusOne - 1)));
    }

    /// <summary>BYTES: int32 length, then the bytes (null, -1, is read as empty).</summary>
    public ReadOnlySpan<byte> Bytes()
    {
        var length = Int32();
        return length == -1 ? [] : Take(Length((uint)length));
    }

    /// <summary>COMPACT_BYTES: unsigned varint length + 1, then the bytes.</summary>
    public ReadOnlySpan<byte> CompactBytes()
    {
        var lengthPlusOne = UnsignedVarint();
        return lengthPlusOne == 0 ? [] : Take(Length(lengthPlusOne - 1));
    }

    /// <summary>Skips a tagged-field section of a flexible version: a count, then (tag, size, data) for each.</summary>
    public void SkipTaggedFields()
    {
        var count = UnsignedVarint();
        for (var i = 0u; i < count; i++)
        {
            UnsignedVarint();
            Take(Length(UnsignedVarint()));
        }
    }

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new FormatException($"The frame ends after {_buffer.Length} bytes; {count} more were expected at byte {Position}.");
        }

        var slice = _buffer.Slice(Position, count);
        Position += count;
        return slice;
    }

    public ReadOnlySpan<byte> Rest() => Take(Remaining);

    private readonly int Length(uint length) =>
        length <= (uint)Remaining ? (int)length : throw new FormatException($"A length of {length} runs past the frame's end ({Remaining} bytes left).");
}
