using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ZesRec.Text;

/// <summary>
/// Append-only record file of one encoder's vectors: a header (magic, dimension, encoder name), then records of
/// 32-byte SHA-256 of the text + Dimension little-endian float32s. A process killed mid-write leaves at most one
/// incomplete trailing record; it is cut off at open so later appends stay aligned.
/// </summary>
internal sealed class EmbeddingCacheFile : IDisposable
{
    private static readonly byte[] Magic = "ZESEMB01"u8.ToArray();

    private readonly FileStream _stream;
    private readonly int _dimension;
    private readonly byte[] _record;

    private EmbeddingCacheFile(FileStream stream, int dimension, Dictionary<TextKey, float[]> entries)
    {
        _stream = stream;
        _dimension = dimension;
        _record = new byte[RecordSize(dimension)];
        Entries = entries;
    }

    public string Path => _stream.Name;

    public Dictionary<TextKey, float[]> Entries { get; }

    public static string PathFor(string directory, string encoderName)
    {
        var safe = new string(encoderName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        var nameHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(encoderName)))[..8];
        return System.IO.Path.Combine(directory, $"{safe}-{nameHash}.emb");
    }

    public static EmbeddingCacheFile Open(string directory, string encoderName, int dimension)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The embedding cache stores little-endian floats.");
        Directory.CreateDirectory(directory);
        var path = PathFor(directory, encoderName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (IOException e)
        {
            throw new CacheInUseException(path, e);
        }

        try
        {
            var header = Header(encoderName, dimension);
            if (stream.Length < header.Length)
            {
                // New, or torn while the header itself was written: nothing worth keeping.
                stream.SetLength(0);
                stream.Write(header);
                stream.Flush();
                return new EmbeddingCacheFile(stream, dimension, []);
            }
            CheckHeader(stream, header, path, encoderName, dimension);
            var entries = ReadRecords(stream, dimension, header.Length);
            return new EmbeddingCacheFile(stream, dimension, entries);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void Append(TextKey key, ReadOnlySpan<float> vector)
    {
        if (vector.Length != _dimension) throw new ArgumentException($"Vector has {vector.Length} values, cache holds {_dimension}.", nameof(vector));
        key.Write(_record);
        MemoryMarshal.AsBytes(vector).CopyTo(_record.AsSpan(TextKey.Size));
        _stream.Write(_record);
    }

    public void Flush() => _stream.Flush();

    public void Dispose() => _stream.Dispose();

    private static int RecordSize(int dimension) => TextKey.Size + dimension * sizeof(float);

    private static byte[] Header(string encoderName, int dimension)
    {
        var name = Encoding.UTF8.GetBytes(encoderName);
        var header = new byte[Magic.Length + 8 + name.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(Magic.Length), dimension);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(Magic.Length + 4), name.Length);
        name.CopyTo(header, Magic.Length + 8);
        return header;
    }

    private static void CheckHeader(FileStream stream, byte[] expected, string path, string encoderName, int dimension)
    {
        var actual = new byte[expected.Length];
        stream.Position = 0;
        stream.ReadExactly(actual);
        if (!actual.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not an embedding cache file (bad magic).");
        }
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidDataException($"{path} holds vectors of another encoder or dimension than '{encoderName}' ({dimension}); delete it or use another cache directory.");
        }
    }

    private static Dictionary<TextKey, float[]> ReadRecords(FileStream stream, int dimension, int headerLength)
    {
        var recordSize = RecordSize(dimension);
        var count = (stream.Length - headerLength) / recordSize;
        var complete = headerLength + count * recordSize;
        if (stream.Length != complete)
        {
            stream.SetLength(complete);
        }

        var entries = new Dictionary<TextKey, float[]>((int)count);
        // Read many records per call: one syscall per record makes opening a 100k-entry cache slow.
        var perRead = Math.Max(1, (1 << 20) / recordSize);
        var block = new byte[perRead * recordSize];
        stream.Position = headerLength;
        for (long done = 0; done < count;)
        {
            var n = (int)Math.Min(perRead, count - done);
            stream.ReadExactly(block, 0, n * recordSize);
            for (var r = 0; r < n; r++)
            {
                var record = block.AsSpan(r * recordSize, recordSize);
                entries[TextKey.Read(record)] = MemoryMarshal.Cast<byte, float>(record[TextKey.Size..]).ToArray();
            }
            done += n;
        }
        stream.Position = complete;
        return entries;
    }
}
