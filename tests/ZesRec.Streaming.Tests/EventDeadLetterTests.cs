using System.Text;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

public sealed class EventDeadLetterTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.FromHours(2));

    [Fact]
    public void DeadLetter_should_keep_the_payload_as_base64_when_it_is_not_utf8()
    {
        // Given: every byte value, many of them invalid UTF-8
        var payload = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var parsed = new EventParser().ParseItem(payload);

        // When
        var letter = DeadLetter.For("zesrec.items", 4, 99, "item-7", payload, parsed.ReasonCode!, parsed.Reason!, Now);
        var read = EventJson.DeserializeDeadLetter(EventJson.Serialize(letter));

        // Then
        Assert.Equal(ReasonCodes.InvalidUtf8, read.ReasonCode);
        Assert.True(read.PayloadIsBase64);
        Assert.Equal(payload, Convert.FromBase64String(read.Payload));
        Assert.Equal(payload, read.PayloadBytes());
        Assert.Empty(SchemaFiles.Violations("dead-letter", EventJson.Serialize(letter)));
    }

    [Fact]
    public void DeadLetter_should_keep_the_payload_as_text_when_it_is_utf8()
    {
        // Given
        var payload = Encoding.UTF8.GetBytes("""{"version":1,"itemId":"a","text":"café 🍣","price":3}""");
        var parsed = new EventParser().ParseItem(payload);

        // When
        var letter = DeadLetter.For("zesrec.items", 0, 5, null, payload, parsed.ReasonCode!, parsed.Reason!, Now);
        var read = EventJson.DeserializeDeadLetter(EventJson.Serialize(letter));

        // Then
        Assert.Equal(letter, read);
        Assert.False(read.PayloadIsBase64);
        Assert.Equal(Encoding.UTF8.GetString(payload), read.Payload);
        Assert.Equal(payload, read.PayloadBytes());
        Assert.Null(read.Key);
        Assert.Equal(ReasonCodes.UnknownField, read.ReasonCode);
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 10, 0, 0, TimeSpan.Zero), read.FailedAt);
        Assert.Equal(TimeSpan.Zero, read.FailedAt.Offset);
    }

    [Fact]
    public void DeadLetter_should_cut_the_key_and_say_so_when_the_key_is_over_its_limit()
    {
        // Given
        var key = new string('k', DeadLetter.MaxKeyLength + 10);

        // When
        var letter = DeadLetter.For("zesrec.interactions", 1, 2, key, "{}"u8, ReasonCodes.MissingField, "field 'version' is missing", Now);

        // Then
        Assert.Equal(DeadLetter.MaxKeyLength, letter.Key!.Length);
        Assert.Contains("key of 4106 characters cut to 4096", letter.Reason, StringComparison.Ordinal);
        Assert.Empty(SchemaFiles.Violations("dead-letter", EventJson.Serialize(letter)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DeadLetter_should_cut_the_payload_to_fit_and_keep_size_and_hash_when_the_message_is_too_large(bool binary)
    {
        // Given: 1 MiB, Kafka's default largest message; as text, quotes and control characters that JSON escapes
        var payload = binary
            ? Enumerable.Repeat((byte)0xFF, 1024 * 1024).ToArray()
            : Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":\"\u0001\"}", 1024 * 1024 / 12)));
        const int limit = 500_000;

        // When
        var letter = DeadLetter.For("zesrec.items", 0, 0, "k", payload, ReasonCodes.TooLarge, "the payload is 1048576 bytes, over the limit of 65536", Now, limit);
        var json = EventJson.Serialize(letter);

        // Then the letter fits, says what was cut, and identifies the whole original
        Assert.InRange(json.Length, limit / 2, limit);
        Assert.True(letter.PayloadTruncated);
        Assert.Equal(payload.Length, letter.PayloadSize);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload)), letter.PayloadSha256);
        Assert.Equal(payload[..letter.PayloadBytes().Length], letter.PayloadBytes());
        Assert.Contains("cut to its first", letter.Reason, StringComparison.Ordinal);
        Assert.Empty(SchemaFiles.Violations("dead-letter", json));
    }

    [Fact]
    public void DeadLetter_should_keep_the_whole_payload_when_it_fits()
    {
        // Given
        var payload = "{\"version\":1}"u8.ToArray();

        // When
        var letter = DeadLetter.For("zesrec.items", 0, 0, "k", payload, ReasonCodes.MissingField, "field 'itemId' is missing", Now);

        // Then
        Assert.False(letter.PayloadTruncated);
        Assert.Equal(payload, letter.PayloadBytes());
        Assert.Equal(payload.Length, letter.PayloadSize);
    }
}
