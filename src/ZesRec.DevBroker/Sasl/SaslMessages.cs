namespace ZesRec.DevBroker.Sasl;

/// <summary>Bodies of the SaslHandshake (v0-1) and SaslAuthenticate (v0-2) requests and responses (KIP-43, KIP-152).</summary>
internal static class SaslMessages
{
    public static string ReadHandshakeMechanism(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        return reader.NullableString() ?? throw new FormatException("SaslHandshake names no mechanism.");
    }

    public static byte[] HandshakeResponse(short errorCode, IReadOnlyList<string> mechanisms)
    {
        var writer = new WireWriter().Int16(errorCode).Int32(mechanisms.Count);
        foreach (var mechanism in mechanisms)
        {
            writer.NullableString(mechanism);
        }

        return writer.ToArray();
    }

    public static byte[] ReadAuthenticateBytes(short version, ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        return (version >= 2 ? reader.CompactBytes() : reader.Bytes()).ToArray();
    }

    /// <param name="sessionLifetimeMs">0: the session never has to re-authenticate (KIP-368), sent from v1.</param>
    public static byte[] AuthenticateResponse(short version, short errorCode, string? errorMessage, ReadOnlySpan<byte> authBytes, long sessionLifetimeMs = 0)
    {
        var writer = new WireWriter().Int16(errorCode);
        if (version >= 2)
        {
            writer.CompactNullableString(errorMessage).CompactBytes(authBytes);
        }
        else
        {
            writer.NullableString(errorMessage).Bytes(authBytes);
        }

        if (version >= 1)
        {
            writer.Int64(sessionLifetimeMs);
        }

        if (version >= 2)
        {
            writer.NoTaggedFields();
        }

        return writer.ToArray();
    }
}
