namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// The SASL part of a broker connection, which librdkafka's mock cluster lacks: before a client has authenticated,
/// the gate reads its requests itself. ApiVersions goes to the mock and comes back advertising SaslHandshake and
/// SaslAuthenticate; SaslHandshake and SaslAuthenticate are answered here against <see cref="SaslUsers"/>; anything
/// else, and a failed authentication, closes the connection, as a Kafka broker's SASL listener does. Once
/// authenticated, the connection is the mock's, byte for byte.
/// </summary>
internal sealed class SaslGate(SaslUsers users, Action<string>? log = null)
{
    /// <summary>ApiVersions responses are a few hundred bytes; anything near this is not one.</summary>
    private const int MaxBrokerResponse = 1 << 20;

    /// <summary>
    /// Kafka's connection.failed.authentication.delay.ms: the refusal is answered, then the connection stays open this
    /// long, so the client reads the reason before it sees the connection close (and reports the reason, not a
    /// transport failure).
    /// </summary>
    public static readonly TimeSpan FailedAuthenticationCloseDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The authenticated user, or null when the connection must be closed.</summary>
    public async Task<string?> AuthenticateAsync(Stream client, Stream broker, CancellationToken token)
    {
        ISaslServer? server = null;
        var mechanism = "";
        while (true)
        {
            var frame = await KafkaFrames.ReadAsync(client, KafkaFrames.MaxUnauthenticatedFrame, token).ConfigureAwait(false);
            if (frame is null)
            {
                return null;
            }

            var header = RequestHeader.Parse(frame);
            var body = frame[header.BodyOffset..];
            switch (header.ApiKey)
            {
                case ApiKeys.ApiVersions:
                    await KafkaFrames.WriteAsync(broker, frame, token).ConfigureAwait(false);
                    var versions = await KafkaFrames.ReadAsync(broker, MaxBrokerResponse, token).ConfigureAwait(false);
                    if (versions is null)
                    {
                        return null;
                    }

                    await KafkaFrames.WriteAsync(client, ApiVersionsRewriter.AddSasl(header.ApiVersion, versions), token).ConfigureAwait(false);
                    break;

                case ApiKeys.SaslHandshake:
                    if (server is not null || header.ApiVersion != 1)
                    {
                        // Version 0 would carry the tokens without Kafka framing; only SaslHandshake v1 is advertised.
                        var error = server is not null ? ApiKeys.IllegalSaslState : ApiKeys.UnsupportedVersion;
                        await RespondAsync(client, header, SaslMessages.HandshakeResponse(error, users.Mechanisms), token).ConfigureAwait(false);
                        return await RefusedAfterDelayAsync(header, $"SaslHandshake v{header.ApiVersion} {(server is not null ? "repeated" : "is not served")}", token).ConfigureAwait(false);
                    }

                    mechanism = SaslMessages.ReadHandshakeMechanism(body);
                    server = users.ServerFor(mechanism);
                    var code = server is null ? ApiKeys.UnsupportedSaslMechanism : ApiKeys.NoError;
                    await RespondAsync(client, header, SaslMessages.HandshakeResponse(code, users.Mechanisms), token).ConfigureAwait(false);
                    if (server is null)
                    {
                        return await RefusedAfterDelayAsync(header, $"mechanism '{mechanism}' is not enabled (enabled: {string.Join(", ", users.Mechanisms)})", token).ConfigureAwait(false);
                    }

                    break;

                case ApiKeys.SaslAuthenticate:
                    var version = Math.Min(header.ApiVersion, ApiKeys.SaslAuthenticateMaxVersion);
                    if (server is null || header.ApiVersion > ApiKeys.SaslAuthenticateMaxVersion)
                    {
                        var (error, why) = server is null
                            ? (ApiKeys.IllegalSaslState, "SaslAuthenticate came before SaslHandshake")
                            : (ApiKeys.UnsupportedVersion, $"SaslAuthenticate v{header.ApiVersion} is not served");
                        await RespondAsync(client, header, SaslMessages.AuthenticateResponse(version, error, why, []), token).ConfigureAwait(false);
                        return await RefusedAfterDelayAsync(header, why, token).ConfigureAwait(false);
                    }

                    var step = server.Evaluate(SaslMessages.ReadAuthenticateBytes(version, body));
                    var failed = step.Outcome == SaslOutcome.Failure;
                    var response = SaslMessages.AuthenticateResponse(
                        version, failed ? ApiKeys.SaslAuthenticationFailed : ApiKeys.NoError, step.Error, step.Challenge);
                    await RespondAsync(client, header, response, token).ConfigureAwait(false);
                    if (failed)
                    {
                        return await RefusedAfterDelayAsync(header, $"{mechanism}: {step.Error}", token).ConfigureAwait(false);
                    }

                    if (step.Outcome == SaslOutcome.Success)
                    {
                        return step.User;
                    }

                    break;

                default:
                    return Refused(header, $"API key {header.ApiKey} sent before authenticating (is the client set to security.protocol=SASL_*?)");
            }
        }
    }

    private static Task RespondAsync(Stream client, RequestHeader header, byte[] body, CancellationToken token) =>
        KafkaFrames.WriteAsync(client, header.Response(body), token);

    private async Task<string?> RefusedAfterDelayAsync(RequestHeader header, string why, CancellationToken token)
    {
        await Task.Delay(FailedAuthenticationCloseDelay, token).ConfigureAwait(false);
        return Refused(header, why);
    }

    private string? Refused(RequestHeader header, string why)
    {
        log?.Invoke($"SASL: closed a connection of client '{header.ClientId}': {why}");
        return null;
    }
}
