using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ZesRec.Text;

/// <summary>SHA-256 of a text's UTF-8 bytes, held as two 128-bit halves so it is a cheap dictionary key.</summary>
internal readonly record struct TextKey(UInt128 High, UInt128 Low)
{
    public const int Size = 32;

    public static TextKey Of(string text)
    {
        Span<byte> hash = stackalloc byte[Size];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        var large = maxBytes <= 1024 ? null : new byte[maxBytes];
        Span<byte> utf8 = large ?? stackalloc byte[1024];
        var written = Encoding.UTF8.GetBytes(text, utf8);
        SHA256.HashData(utf8[..written], hash);
        return Read(hash);
    }

    public static TextKey Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(bytes), BinaryPrimitives.ReadUInt128BigEndian(bytes[16..]));

    public void Write(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt128BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt128BigEndian(bytes[16..], Low);
    }
}
