namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// A Kafka request header: api_key, api_version, correlation_id, client_id (always a classic nullable string), and
/// for flexible versions (header v2) a tagged-field section. <see cref="BodyOffset"/> is where the request body starts.
/// </summary>
internal sealed record RequestHeader(short ApiKey, short ApiVersion, int CorrelationId, string? ClientId, int BodyOffset)
{
    public bool IsFlexible => ApiKeys.IsFlexible(ApiKey, ApiVersion);

    /// <summary>Reads the header of one request frame (the bytes after its length prefix).</summary>
    public static RequestHeader Parse(ReadOnlySpan<byte> frame)
    {
        var reader = new WireReader(frame);
        var apiKey = reader.Int16();
        var apiVersion = reader.Int16();
        var correlationId = reader.Int32();
        var clientId = reader.NullableString();
        if (ApiKeys.IsFlexible(apiKey, apiVersion))
        {
            reader.SkipTaggedFields();
        }

        return new RequestHeader(apiKey, apiVersion, correlationId, clientId, reader.Position);
    }

    /// <summary>
    /// A response frame's payload: correlation id, a tagged-field section for flexible versions (response header v1;
    /// ApiVersions keeps header v0 at every version so that any client can read its error), then the body.
    /// </summary>
    public byte[] Response(byte[] body)
    {
        var writer = new WireWriter().Int32(CorrelationId);
        if (IsFlexible && ApiKey != ApiKeys.ApiVersions)
        {
            writer.NoTaggedFields();
        }

        return writer.Raw(body).ToArray();
    }
}
