namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// Makes the mock broker's ApiVersions response advertise SaslHandshake v1 and SaslAuthenticate v0-2, which the SASL
/// listener answers itself: clients pick their SASL exchange from this list (librdkafka uses SaslAuthenticate only
/// when the broker lists SaslHandshake v1). Every other entry and field is kept byte for byte.
/// </summary>
internal static class ApiVersionsRewriter
{
    private readonly record struct Entry(short Key, short Min, short Max, byte[] TaggedFields);

    /// <summary>
    /// The rewritten response payload (correlation id onwards). An error response is returned unchanged: its format
    /// may be version 0 whatever was asked (UNSUPPORTED_VERSION), and the client retries with a version the mock has.
    /// </summary>
    public static byte[] AddSasl(short requestVersion, byte[] response)
    {
        var flexible = requestVersion >= 3;
        var reader = new WireReader(response);
        var correlationId = reader.Int32();
        var errorCode = reader.Int16();
        if (errorCode != ApiKeys.NoError)
        {
            return response;
        }

        var count = flexible ? checked((int)reader.UnsignedVarint() - 1) : reader.Int32();
        if (count < 0)
        {
            throw new FormatException($"The ApiVersions response lists {count} APIs.");
        }

        var entries = new List<Entry>(count + 2);
        for (var i = 0; i < count; i++)
        {
            var key = reader.Int16();
            var min = reader.Int16();
            var max = reader.Int16();
            var tagsStart = reader.Position;
            if (flexible)
            {
                reader.SkipTaggedFields();
            }

            entries.Add(new Entry(key, min, max, response[tagsStart..reader.Position]));
        }

        var rest = reader.Rest().ToArray();
        byte[] noTags = flexible ? [0] : [];
        entries.RemoveAll(e => e.Key is ApiKeys.SaslHandshake or ApiKeys.SaslAuthenticate);
        entries.Add(new Entry(ApiKeys.SaslHandshake, 1, 1, noTags));
        entries.Add(new Entry(ApiKeys.SaslAuthenticate, 0, ApiKeys.SaslAuthenticateMaxVersion, noTags));
        entries.Sort((a, b) => a.Key.CompareTo(b.Key));

        var writer = new WireWriter().Int32(correlationId).Int16(errorCode);
        if (flexible)
        {
            writer.UnsignedVarint((uint)entries.Count + 1);
        }
        else
        {
            writer.Int32(entries.Count);
        }

        foreach (var entry in entries)
        {
            writer.Int16(entry.Key).Int16(entry.Min).Int16(entry.Max).Raw(entry.TaggedFields);
        }

        return writer.Raw(rest).ToArray();
    }
}
