using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace ZesRec.Data.Import;

/// <summary>
/// Decompresses a gzip file and, at its end, checks the CRC-32 and length of what came out against the file's
/// gzip trailer. .NET's <see cref="GZipStream"/> ends quietly when a file is cut short, so without this check a
/// truncated download would import whatever it held. Files of several concatenated gzip members are not
/// supported (the trailer then covers only the last member).
/// </summary>
internal sealed class CheckedGzipStream : Stream
{
    private const int MinimumGzipSize = 18;

    private readonly GZipStream _inner;
    private readonly Crc32 _crc = new();
    private readonly uint _expectedCrc;
    private readonly uint _expectedLength;
    private long _length;
    private bool _checked;

    public CheckedGzipStream(FileStream file)
    {
        if (file.Length < MinimumGzipSize)
        {
            throw new InvalidDataException($"{file.Length} bytes is too short for a gzip file (at least {MinimumGzipSize})");
        }

        Span<byte> trailer = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(trailer);
        file.Seek(0, SeekOrigin.Begin);
        _expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        _expectedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        _inner = new GZipStream(file, CompressionMode.Decompress);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        if (n > 0)
        {
            _crc.Append(buffer[..n]);
            _length += n;
        }
        else if (buffer.Length > 0 && !_checked)
        {
            _checked = true;
            var crc = _crc.GetCurrentHashAsUInt32();
            if (crc != _expectedCrc || (uint)_length != _expectedLength)
            {
                throw new InvalidDataException(
                    $"truncated or corrupt: the {_length:N0} decompressed bytes (CRC-32 {crc:x8}) do not match the gzip trailer ({_expectedLength:N0} bytes mod 2^32, CRC-32 {_expectedCrc:x8})");
            }
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
