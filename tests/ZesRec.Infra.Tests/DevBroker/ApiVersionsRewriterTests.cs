using ZesRec.DevBroker.Sasl;

namespace ZesRec.Infra.Tests.DevBroker;

public sealed class ApiVersionsRewriterTests
{
    private static readonly (short Key, short Min, short Max)[] MockApis = [(0, 0, 10), (3, 0, 12), (17, 0, 0), (18, 0, 2)];

    [Fact]
    public void Classic_response_should_advertise_SASL_and_keep_every_other_field_when_rewritten()
    {
        // Given a v2 response as the mock writes it (int32 array count, no tagged fields), with a stale SaslHandshake v0
        var writer = new WireWriter().Int32(42).Int16(0).Int32(MockApis.Length);
        foreach (var (key, min, max) in MockApis)
        {
            writer.Int16(key).Int16(min).Int16(max);
        }

        var response = writer.Int32(0).ToArray();

        // When it is rewritten
        var reader = new WireReader(ApiVersionsRewriter.AddSasl(2, response));

        // Then SaslHandshake is v1 only, SaslAuthenticate v0-2, in key order, and the rest is untouched
        Assert.Equal(42, reader.Int32());
        Assert.Equal(0, reader.Int16());
        var count = reader.Int32();
        var apis = new List<(int, int, int)>();
        for (var i = 0; i < count; i++)
        {
            apis.Add((reader.Int16(), reader.Int16(), reader.Int16()));
        }

        Assert.Equal([(0, 0, 10), (3, 0, 12), (17, 1, 1), (18, 0, 2), (36, 0, 2)], apis);
        Assert.Equal(0, reader.Int32());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Flexible_response_should_keep_tagged_fields_when_rewritten()
    {
        // Given a v3 response: compact array, a tagged field on one entry, throttle time, and top-level tagged fields
        var response = new WireWriter().Int32(7).Int16(0).UnsignedVarint(4)
            .Int16(0).Int16(0).Int16(10).UnsignedVarint(1).UnsignedVarint(5).UnsignedVarint(1).Raw([9])
            .Int16(17).Int16(0).Int16(0).NoTaggedFields()
            .Int16(18).Int16(0).Int16(3).NoTaggedFields()
            .Int32(0).UnsignedVarint(1).UnsignedVarint(0).UnsignedVarint(1).Raw([4])
            .ToArray();

        var reader = new WireReader(ApiVersionsRewriter.AddSasl(3, response));

        Assert.Equal(7, reader.Int32());
        Assert.Equal(0, reader.Int16());
        Assert.Equal(4u + 1, reader.UnsignedVarint());
        Assert.Equal((0, 0, 10), (reader.Int16(), reader.Int16(), reader.Int16()));
        Assert.Equal(new byte[] { 1, 5, 1, 9 }, reader.Take(4).ToArray());
        Assert.Equal((17, 1, 1), (reader.Int16(), reader.Int16(), reader.Int16()));
        reader.SkipTaggedFields();
        Assert.Equal((18, 0, 3), (reader.Int16(), reader.Int16(), reader.Int16()));
        reader.SkipTaggedFields();
        Assert.Equal((36, 0, 2), (reader.Int16(), reader.Int16(), reader.Int16()));
        reader.SkipTaggedFields();
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 0, 1, 4 }, reader.Rest().ToArray());
    }

    [Fact]
    public void Error_response_should_pass_unchanged()
    {
        // UNSUPPORTED_VERSION may come in version 0 layout whatever was asked; the client retries lower.
        var response = new WireWriter().Int32(1).Int16(ApiKeys.UnsupportedVersion).Int32(1).Int16(18).Int16(0).Int16(2).ToArray();

        Assert.Same(response, ApiVersionsRewriter.AddSasl(3, response));
    }
}
