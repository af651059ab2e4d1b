using CsCheck;
using ZesRec.DevBroker.Sasl;

namespace ZesRec.Infra.Tests.DevBroker;

public sealed class KafkaFramingTests
{
    [Fact]
    public void Header_should_read_back_what_was_written_when_the_version_is_classic_or_flexible()
    {
        Gen.Select(Gen.Short[0, 40], Gen.Short[0, 5], Gen.Int, Gen.String[Gen.Char['!', '~'], 0, 30].Null(), Gen.Byte.Array[0, 20]).Sample((key, version, correlation, clientId, body) =>
        {
            // Given a request as a client writes it: header v1, or header v2 (with a tagged field) for flexible versions
            var flexible = ApiKeys.IsFlexible(key, version);
            var writer = new WireWriter().Int16(key).Int16(version).Int32(correlation).NullableString(clientId);
            if (flexible)
            {
                writer.UnsignedVarint(1).UnsignedVarint(0).UnsignedVarint(3).Raw([1, 2, 3]);
            }

            var frame = writer.Raw(body).ToArray();

            // When its header is parsed
            var header = RequestHeader.Parse(frame);

            // Then every field is back and the body starts where it was written
            Assert.Equal((key, version, correlation, clientId), (header.ApiKey, header.ApiVersion, header.CorrelationId, header.ClientId));
            Assert.Equal(body, frame[header.BodyOffset..]);
        });
    }

    [Fact]
    public void Header_should_be_refused_with_a_format_error_when_the_frame_is_cut_or_garbage()
    {
        Gen.Byte.Array[0, 40].Sample(bytes =>
        {
            try
            {
                var header = RequestHeader.Parse(bytes);
                Assert.InRange(header.BodyOffset, 8, bytes.Length);
            }
            catch (FormatException)
            {
                // The only way a malformed frame may fail: the connection is then closed, the broker keeps running.
            }
        });
    }

    [Fact]
    public void Varint_should_round_trip_when_any_value_is_written()
    {
        Gen.UInt.Sample(value =>
        {
            var reader = new WireReader(new WireWriter().UnsignedVarint(value).ToArray());
            Assert.Equal(value, reader.UnsignedVarint());
            Assert.Equal(0, reader.Remaining);
        });
    }

    [Fact]
    public void Response_header_should_carry_tagged_fields_only_for_flexible_versions_other_than_ApiVersions()
    {
        byte[] body = [9];
        Assert.Equal(new byte[] { 0, 0, 0, 7, 9 }, new RequestHeader(ApiKeys.SaslAuthenticate, 1, 7, null, 0).Response(body));
        Assert.Equal(new byte[] { 0, 0, 0, 7, 0, 9 }, new RequestHeader(ApiKeys.SaslAuthenticate, 2, 7, null, 0).Response(body));
        Assert.Equal(new byte[] { 0, 0, 0, 7, 9 }, new RequestHeader(ApiKeys.ApiVersions, 3, 7, null, 0).Response(body));
    }

    [Fact]
    public void Authenticate_response_should_follow_the_protocols_layout_when_written_at_each_version()
    {
        // v0: error_code, error_message (int16-length string), auth_bytes (int32-length bytes)
        Assert.Equal(
            new byte[] { 0, 58, 0, 1, (byte)'x', 0, 0, 0, 1, 5 },
            SaslMessages.AuthenticateResponse(0, ApiKeys.SaslAuthenticationFailed, "x", [5]));
        // v1: then session_lifetime_ms (int64)
        Assert.Equal(
            new byte[] { 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
            SaslMessages.AuthenticateResponse(1, ApiKeys.NoError, null, []));
        // v2: compact string and bytes (length + 1 as a varint), then an empty tagged-field section
        Assert.Equal(
            new byte[] { 0, 0, 0, 3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
            SaslMessages.AuthenticateResponse(2, ApiKeys.NoError, null, [1, 2]));
    }

    [Fact]
    public void Authenticate_request_bytes_should_be_read_when_classic_or_compact()
    {
        Assert.Equal(new byte[] { 7, 8 }, SaslMessages.ReadAuthenticateBytes(0, new WireWriter().Bytes([7, 8]).ToArray()));
        Assert.Equal(new byte[] { 7, 8 }, SaslMessages.ReadAuthenticateBytes(2, new WireWriter().CompactBytes([7, 8]).NoTaggedFields().ToArray()));
    }

    [Fact]
    public void Handshake_should_round_trip_its_mechanism_and_list()
    {
        Assert.Equal("SCRAM-SHA-512", SaslMessages.ReadHandshakeMechanism(new WireWriter().NullableString("SCRAM-SHA-512").ToArray()));
        var reader = new WireReader(SaslMessages.HandshakeResponse(ApiKeys.UnsupportedSaslMechanism, ["PLAIN", "SCRAM-SHA-256"]));
        Assert.Equal(ApiKeys.UnsupportedSaslMechanism, reader.Int16());
        Assert.Equal(2, reader.Int32());
        Assert.Equal("PLAIN", reader.NullableString());
        Assert.Equal("SCRAM-SHA-256", reader.NullableString());
    }

    [Fact]
    public async Task Frames_should_round_trip_and_refuse_oversized_lengths()
    {
        using var stream = new MemoryStream();
        await KafkaFrames.WriteAsync(stream, [1, 2, 3], CancellationToken.None);
        await KafkaFrames.WriteAsync(stream, [], CancellationToken.None);
        stream.Position = 0;

        Assert.Equal(new byte[] { 1, 2, 3 }, await KafkaFrames.ReadAsync(stream, 10, CancellationToken.None));
        Assert.Equal(Array.Empty<byte>(), await KafkaFrames.ReadAsync(stream, 10, CancellationToken.None));
        Assert.Null(await KafkaFrames.ReadAsync(stream, 10, CancellationToken.None));

        // A TLS ClientHello read as a length: 0x16030100.. is hundreds of megabytes, far over the limit
        using var hello = new MemoryStream([0x16, 0x03, 0x01, 0x00, 0xA5]);
        await Assert.ThrowsAsync<FormatException>(() => KafkaFrames.ReadAsync(hello, KafkaFrames.MaxUnauthenticatedFrame, CancellationToken.None));
        using var cut = new MemoryStream([0, 0, 0, 5, 1]);
        await Assert.ThrowsAsync<EndOfStreamException>(() => KafkaFrames.ReadAsync(cut, 10, CancellationToken.None));
    }
}
