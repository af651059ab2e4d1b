namespace ZesRec.DevBroker.Sasl;

/// <summary>The Kafka API keys and error codes the SASL listener deals with itself.</summary>
internal static class ApiKeys
{
    public const short SaslHandshake = 17;
    public const short ApiVersions = 18;
    public const short SaslAuthenticate = 36;

    /// <summary>Highest SaslAuthenticate version served; version 2 is the flexible one (KIP-482).</summary>
    public const short SaslAuthenticateMaxVersion = 2;

    public const short NoError = 0;
    public const short UnsupportedSaslMechanism = 33;
    public const short IllegalSaslState = 34;
    public const short UnsupportedVersion = 35;
    public const short SaslAuthenticationFailed = 58;

    /// <summary>Whether the request (and its header) of this API version uses the flexible encoding.</summary>
    public static bool IsFlexible(short apiKey, short apiVersion) => apiKey switch
    {
        ApiVersions => apiVersion >= 3,
        SaslAuthenticate => apiVersion >= 2,
        _ => false,
    };
}
