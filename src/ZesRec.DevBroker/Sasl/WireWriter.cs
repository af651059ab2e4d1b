using System.Buffers.Binary;
using System.Text;

namespace ZesRec.DevBroker.Sasl;

/// <summary>Writes Kafka protocol primitives, the counterpart of <see cref="WireReader"/>.</summary>
internal sealed class WireWriter
{
    private readonly MemoryStream _stream = new();

    public WireWriter Int16(short value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        _stream.Write(bytes);
        return this;
    }

    public WireWriter Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        _stream.Write(bytes);
        return this;
    }

    public WireWriter Int64(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        _stream.Write(bytes);
        return this;
    }

    public WireWriter UnsignedVarint(uint value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _stream.WriteByte((byte)value);
        return this;
    }

    public WireWriter NullableString(string? value)
    {
        if (value is null)
        {
            return Int16(-1);
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        return Int16(checked((short)bytes.Length)).Raw(bytes);
    }

    public WireWriter CompactNullableString(string? value)
    {
        if (value is null)
        {
            return UnsignedVarint(0);
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        return UnsignedVarint((uint)bytes.Length + 1).Raw(bytes);
    }

    public WireWriter Bytes(ReadOnlySpan<byte> value) => Int32(value.Length).Raw(value);

    public WireWriter CompactBytes(ReadOnlySpan<byte> value) => UnsignedVarint((uint)value.Length + 1).Raw(value);

    /// <summary>An empty tagged-field section.</summary>
    public WireWriter NoTaggedFields() => UnsignedVarint(0);

    public WireWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();
}
