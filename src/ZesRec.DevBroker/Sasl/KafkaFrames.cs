using System.Buffers.Binary;

namespace ZesRec.DevBroker.Sasl;

/// <summary>Kafka's framing: every request and response is an int32 big-endian length followed by that many bytes.</summary>
internal static class KafkaFrames
{
    /// <summary>
    /// The largest frame accepted before a client has authenticated, Kafka's own
    /// sasl.server.max.receive.size: a garbage length (e.g. a TLS hello sent to a plaintext port) must not make the
    /// broker allocate gigabytes.
    /// </summary>
    public const int MaxUnauthenticatedFrame = 524_288;

    /// <summary>The next frame's payload, or null when the peer closed the connection between frames.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxSize, CancellationToken token)
    {
        var prefix = new byte[4];
        if (!await FillAsync(stream, prefix, token).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0 || length > maxSize)
        {
            throw new FormatException($"A frame of {length} bytes is outside 0..{maxSize}.");
        }

        var payload = new byte[length];
        if (!await FillAsync(stream, payload, token).ConfigureAwait(false))
        {
            throw new EndOfStreamException($"The connection closed inside a frame of {length} bytes.");
        }

        return payload;
    }

    public static async Task WriteAsync(Stream stream, byte[] payload, CancellationToken token)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        await stream.WriteAsync(frame, token).ConfigureAwait(false);
        await stream.FlushAsync(token).ConfigureAwait(false);
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the stream ended before its first byte.</summary>
    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken token)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), token).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException($"The connection closed after {read} of {buffer.Length} bytes.");
            }

            read += n;
        }

        return true;
    }
}
