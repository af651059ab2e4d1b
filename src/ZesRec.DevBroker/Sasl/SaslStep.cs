namespace ZesRec.DevBroker.Sasl;

internal enum SaslOutcome
{
    /// <summary>Send <see cref="SaslStep.Challenge"/> and wait for the client's next token.</summary>
    Continue,

    /// <summary>Authenticated; send <see cref="SaslStep.Challenge"/> (may be empty) and hand the connection on.</summary>
    Success,

    /// <summary>Refused; send <see cref="SaslStep.Error"/> with SASL_AUTHENTICATION_FAILED and close.</summary>
    Failure,
}

/// <summary>One answer of a server-side SASL mechanism to a client token.</summary>
internal sealed record SaslStep(SaslOutcome Outcome, byte[] Challenge, string? Error = null, string? User = null)
{
    public static SaslStep Fail(string error) => new(SaslOutcome.Failure, [], error);
}

/// <summary>The server side of one SASL mechanism, for one connection.</summary>
internal interface ISaslServer
{
    SaslStep Evaluate(ReadOnlySpan<byte> token);
}
