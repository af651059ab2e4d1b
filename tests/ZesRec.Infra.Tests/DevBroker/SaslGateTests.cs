using System.Text;
using ZesRec.DevBroker.Sasl;

namespace ZesRec.Infra.Tests.DevBroker;

/// <summary>The connection-level SASL exchange, with both peers scripted: what a Java client (flexible versions) sends too.</summary>
public sealed class SaslGateTests
{
    private static readonly SaslUsers Users = new(new Dictionary<string, string> { ["alice"] = "pw" }, ["PLAIN", "SCRAM-SHA-256"]);

    [Fact]
    public async Task Gate_should_forward_ApiVersions_and_authenticate_when_a_flexible_client_sends_the_right_password()
    {
        // Given a client sending ApiVersions v3, SaslHandshake v1 and SaslAuthenticate v2, and a broker's ApiVersions answer
        var client = Frames(
            Request(ApiKeys.ApiVersions, 3, 1, w => w.CompactNullableString("test").CompactNullableString("1").NoTaggedFields()),
            Request(ApiKeys.SaslHandshake, 1, 2, w => w.NullableString("PLAIN")),
            Request(ApiKeys.SaslAuthenticate, 2, 3, w => w.CompactBytes(Encoding.UTF8.GetBytes("\0alice\0pw")).NoTaggedFields()));
        var broker = Frames(new WireWriter().Int32(1).Int16(0).UnsignedVarint(2).Int16(18).Int16(0).Int16(3).NoTaggedFields().Int32(0).NoTaggedFields().ToArray());
        using var clientSide = new ScriptedStream(client);
        using var brokerSide = new ScriptedStream(broker);

        // When the gate runs the exchange
        var user = await new SaslGate(Users).AuthenticateAsync(clientSide, brokerSide, CancellationToken.None);

        // Then alice is in; only ApiVersions reached the broker; the client got three answers
        Assert.Equal("alice", user);
        var forwarded = ReadFrames(brokerSide.Written.ToArray());
        Assert.Equal(ApiKeys.ApiVersions, RequestHeader.Parse(Assert.Single(forwarded)).ApiKey);
        var answers = ReadFrames(clientSide.Written.ToArray());
        Assert.Equal(3, answers.Count);
        var authenticate = new WireReader(answers[2]);
        Assert.Equal(3, authenticate.Int32());
        authenticate.SkipTaggedFields();
        Assert.Equal(ApiKeys.NoError, authenticate.Int16());
        Assert.Null(authenticate.CompactNullableString());
    }

    [Fact]
    public async Task Gate_should_answer_SASL_AUTHENTICATION_FAILED_and_close_when_the_password_is_wrong()
    {
        var client = Frames(
            Request(ApiKeys.SaslHandshake, 1, 1, w => w.NullableString("PLAIN")),
            Request(ApiKeys.SaslAuthenticate, 0, 2, w => w.Bytes(Encoding.UTF8.GetBytes("\0alice\0nope"))));
        using var clientSide = new ScriptedStream(client);
        using var brokerSide = new ScriptedStream([]);

        var user = await new SaslGate(Users).AuthenticateAsync(clientSide, brokerSide, CancellationToken.None);

        Assert.Null(user);
        var answer = new WireReader(ReadFrames(clientSide.Written.ToArray())[1]);
        Assert.Equal(2, answer.Int32());
        Assert.Equal(ApiKeys.SaslAuthenticationFailed, answer.Int16());
        Assert.Equal(PlainServer.InvalidCredentials, answer.NullableString());
        Assert.Equal(0, brokerSide.Written.Length);
    }

    [Fact]
    public async Task Gate_should_list_its_mechanisms_and_close_when_the_client_asks_for_another()
    {
        using var clientSide = new ScriptedStream(Frames(Request(ApiKeys.SaslHandshake, 1, 1, w => w.NullableString("SCRAM-SHA-512"))));
        using var brokerSide = new ScriptedStream([]);

        Assert.Null(await new SaslGate(Users).AuthenticateAsync(clientSide, brokerSide, CancellationToken.None));

        var answer = new WireReader(Assert.Single(ReadFrames(clientSide.Written.ToArray())));
        answer.Int32();
        Assert.Equal(ApiKeys.UnsupportedSaslMechanism, answer.Int16());
        Assert.Equal(2, answer.Int32());
        Assert.Equal("PLAIN", answer.NullableString());
        Assert.Equal("SCRAM-SHA-256", answer.NullableString());
    }

    [Fact]
    public async Task Gate_should_close_without_forwarding_when_a_client_skips_authentication()
    {
        // Metadata (API key 3) straight away: a client set to PLAINTEXT against a SASL port
        var logged = new List<string>();
        using var clientSide = new ScriptedStream(Frames(Request(3, 12, 1, w => w.UnsignedVarint(0).NoTaggedFields())));
        using var brokerSide = new ScriptedStream([]);

        Assert.Null(await new SaslGate(Users, logged.Add).AuthenticateAsync(clientSide, brokerSide, CancellationToken.None));

        Assert.Equal(0, brokerSide.Written.Length);
        Assert.Equal(0, clientSide.Written.Length);
        Assert.Contains("API key 3 sent before authenticating", Assert.Single(logged), StringComparison.Ordinal);
    }

    private static byte[] Request(short apiKey, short version, int correlationId, Action<WireWriter> body)
    {
        var writer = new WireWriter().Int16(apiKey).Int16(version).Int32(correlationId).NullableString("test-client");
        if (ApiKeys.IsFlexible(apiKey, version))
        {
            writer.NoTaggedFields();
        }

        body(writer);
        return writer.ToArray();
    }

    private static byte[] Frames(params byte[][] payloads)
    {
        var writer = new WireWriter();
        foreach (var payload in payloads)
        {
            writer.Int32(payload.Length).Raw(payload);
        }

        return writer.ToArray();
    }

    private static List<byte[]> ReadFrames(byte[] bytes)
    {
        var frames = new List<byte[]>();
        var reader = new WireReader(bytes);
        while (reader.Remaining > 0)
        {
            frames.Add(reader.Take(reader.Int32()).ToArray());
        }

        return frames;
    }
}
