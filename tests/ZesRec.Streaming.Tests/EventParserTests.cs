using System.Globalization;
using System.Text;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

public sealed class EventParserTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly EventParser _parser = new(new EventLimits(), new FixedClock(Now));

    [Fact]
    public void ParseItem_should_return_the_same_item_when_given_a_serialised_item()
    {
        // Given
        var item = new ItemCreated(1, "B0000223SI", "PORTER-CABLE Sanding Roll, 80 grit. Café, 寿司 🍣, \"quotes\", back\\slash\n", Now.AddDays(-3));

        // When
        var result = _parser.ParseItem(EventJson.Serialize(item));

        // Then
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(item, result.Event);
    }

    [Theory]
    [InlineData("2018-01-01T00:00:00Z", null)]
    [InlineData(null, 42L)]
    [InlineData("2018-01-01T00:00:00.1234567Z", 0L)]
    public void ParseInteraction_should_return_the_same_interaction_when_given_a_serialised_interaction(string? timestamp, long? position)
    {
        // Given
        var at = timestamp is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture);
        var interaction = new InteractionOccurred(1, "ABW8NXS7SV55K", "B00TNNWMXI", at, position);

        // When
        var result = _parser.ParseInteraction(EventJson.Serialize(interaction));

        // Then
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(interaction, result.Event);
    }

    [Fact]
    public void ParseInteraction_should_convert_to_UTC_when_the_timestamp_has_an_offset()
    {
        // Given
        var utf8 = """{"version":1,"userId":"u","itemId":"a","timestamp":"2018-01-01T02:00:00+02:00"}"""u8;

        // When
        var result = _parser.ParseInteraction(utf8);

        // Then
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero), result.Event.Timestamp);
        Assert.Equal(TimeSpan.Zero, result.Event.Timestamp!.Value.Offset);
    }

    [Fact]
    public void ParseItem_should_accept_any_field_order_escapes_and_whitespace_when_the_json_is_valid()
    {
        // Given
        var utf8 = " {\n \"text\" : \"caf\\u00e9 \\ud83c\\udf63\", \"createdAt\":\"2018-01-01T00:00:00Z\",\"itemId\":\"a\\/b\", \"version\": 1.0 }\r\n"u8;

        // When
        var result = _parser.ParseItem(utf8);

        // Then
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(new ItemCreated(1, "a/b", "café 🍣", new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero)), result.Event);
    }

    [Fact]
    public void ParseItem_should_report_invalid_utf8_with_the_offset_when_a_byte_sequence_is_broken()
    {
        // Given: 0xC3 starts a two-byte character, '(' cannot continue it
        byte[] utf8 = [.. """{"version":1,"itemId":"a","text":"caf"""u8, 0xC3, 0x28, .. "\"}"u8];

        // When
        var result = _parser.ParseItem(utf8);

        // Then
        Assert.False(result.IsValid);
        Assert.Equal(ReasonCodes.InvalidUtf8, result.ReasonCode);
        Assert.Contains("byte 37 (0xC3)", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "whitespace only")]
    [InlineData("""{"version":1,"itemId":"a","text":"t" """, "truncated")]
    [InlineData("""{"version":1,"itemId":"a","text":"t"}{"version":1}""", "two objects")]
    [InlineData("""{"version":1,"itemId":"a","text":"t"} x""", "trailing text")]
    [InlineData("""{"version":1,"itemId":'a',"text":"t"}""", "single quotes")]
    [InlineData("""{"version":1,"itemId":"a","text":"t",}""", "trailing comma")]
    [InlineData("""{"version":1,"itemId":"a","text":"t" /* c */}""", "comment")]
    [InlineData("""{"version":1,"itemId":"a","itemId":"b","text":"t"}""", "repeated field")]
    [InlineData("""{"version":1,"itemId":"a","text":"t","price":{"eur":3""", "unknown field, then truncated")]
    [InlineData("""{"version":1,"itemId":"a","text":"\ud800"}""", "escaped lone surrogate")]
    public void ParseItem_should_report_invalid_json_when_the_payload_is_not_one_json_object(string json, string what)
    {
        // When
        var result = _parser.ParseItem(Encoding.UTF8.GetBytes(json));

        // Then
        Assert.False(result.IsValid, what);
        Assert.True(
            result.ReasonCode is ReasonCodes.InvalidJson || (what == "escaped lone surrogate" && result.ReasonCode is ReasonCodes.InvalidUtf8),
            $"{what}: {result}");
    }

    [Fact]
    public void ParseItem_should_report_too_large_before_parsing_when_the_payload_is_over_the_byte_limit()
    {
        // Given: not even JSON, so only the size check can have rejected it
        var utf8 = new byte[65537];

        // When
        var result = _parser.ParseItem(utf8);

        // Then
        Assert.Equal(ReasonCodes.TooLarge, result.ReasonCode);
        Assert.Equal("the payload is 65537 bytes, over the limit of 65536", result.Reason);
    }

    [Fact]
    public void ParseItem_should_say_the_length_and_the_limit_when_the_text_is_too_long()
    {
        // Given
        var utf8 = EventJson.Serialize(new ItemCreated(1, "a", new string('x', 9120)));

        // When
        var result = _parser.ParseItem(utf8);

        // Then
        Assert.Equal(ReasonCodes.TooLarge, result.ReasonCode);
        Assert.Equal("text is 9120 characters, over the limit of 8192", result.Reason);
    }

    [Theory]
    [InlineData("""{"version":1,"text":"t"}""", "field 'itemId' is missing")]
    [InlineData("""{"version":1,"itemId":"","text":"t"}""", "field 'itemId' is empty")]
    [InlineData("""{"version":1,"itemId":"a","text":"  "}""", "field 'text' is only whitespace")]
    [InlineData("""{"version":1,"itemId":5,"text":"t"}""", "field 'itemId' must be a string, not the number 5")]
    [InlineData("""{"version":"1","itemId":"a","text":"t"}""", "field 'version' must be an integer, not a string")]
    [InlineData("""{"version":3,"itemId":"a","text":"t"}""", "version is 3; this consumer reads version 1 only")]
    [InlineData("""{"version":1,"itemId":"a","text":"t","colour":"red"}""", "field 'colour' is not part of ItemCreated v1, which has version, itemId, text and createdAt")]
    [InlineData("[1,2]", "the payload must be a JSON object, not an array")]
    public void ParseItem_should_give_a_reason_a_person_can_act_on_when_the_item_is_rejected(string json, string reason)
    {
        // When
        var result = _parser.ParseItem(Encoding.UTF8.GetBytes(json));

        // Then
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void ParseItem_should_report_the_unsupported_version_when_a_newer_event_also_has_unknown_fields()
    {
        // Given: a v2 producer renamed text to description
        var utf8 = """{"description":"t","itemId":"a","version":2}"""u8;

        // When
        var result = _parser.ParseItem(utf8);

        // Then
        Assert.Equal(ReasonCodes.UnsupportedVersion, result.ReasonCode);
    }

    [Fact]
    public void ParseItem_should_report_the_first_problem_in_the_payload_when_there_are_several()
    {
        // Given
        var utf8 = """{"version":1,"itemId":"","text":"","extra":1}"""u8;

        // When
        var result = _parser.ParseItem(utf8);

        // Then
        Assert.Equal(ReasonCodes.EmptyId, result.ReasonCode);
    }

    [Theory]
    [InlineData("2024-06-01T12:04:59Z", true)]
    [InlineData("2024-06-01T12:05:00Z", true)]
    [InlineData("2024-06-01T12:05:01Z", false)]
    [InlineData("2024-06-01T14:10:00+02:00", false)]
    [InlineData("2031-01-01T00:00:00Z", false)]
    public void ParseInteraction_should_reject_the_timestamp_when_it_is_over_five_minutes_ahead_of_the_clock(string timestamp, bool accepted)
    {
        // Given: the clock says 2024-06-01T12:00:00Z
        var utf8 = Encoding.UTF8.GetBytes($$"""{"version":1,"userId":"u","itemId":"a","timestamp":"{{timestamp}}"}""");

        // When
        var result = _parser.ParseInteraction(utf8);

        // Then
        Assert.Equal(accepted, result.IsValid);
        Assert.Equal(accepted ? null : ReasonCodes.FutureTimestamp, result.ReasonCode);
    }

    [Fact]
    public void ParseItem_should_reject_createdAt_when_it_is_in_the_future()
    {
        // Given
        var utf8 = EventJson.Serialize(new ItemCreated(1, "a", "t", Now.AddHours(3)));

        // When
        var result = _parser.ParseItem(utf8);

        // Then
        Assert.Equal(ReasonCodes.FutureTimestamp, result.ReasonCode);
        Assert.Equal(
            "createdAt 2024-06-01T15:00:00Z is 3 hours ahead of this consumer's clock, more than the 5 minutes allowed; check the producer's clock or its data",
            result.Reason);
    }

    [Fact]
    public void Parser_should_apply_configured_limits_when_they_differ_from_the_defaults()
    {
        // Given
        var parser = new EventParser(new EventLimits { MaxIdLength = 4, MaxTextLength = 10, MaxPayloadBytes = 200, MaxFutureSkew = TimeSpan.Zero }, new FixedClock(Now));

        // When
        var longId = parser.ParseInteraction("""{"version":1,"userId":"12345","itemId":"a","position":0}"""u8);
        var longText = parser.ParseItem("""{"version":1,"itemId":"a","text":"12345678901"}"""u8);
        var bigPayload = parser.ParseItem(Encoding.UTF8.GetBytes($$"""{"version":1,"itemId":"a","text":"t","createdAt":"{{new string(' ', 200)}}"}"""));
        var oneSecondAhead = parser.ParseInteraction("""{"version":1,"userId":"u","itemId":"a","timestamp":"2024-06-01T12:00:01Z"}"""u8);

        // Then
        Assert.Equal("userId is 5 characters, over the limit of 4", longId.Reason);
        Assert.Equal("text is 11 characters, over the limit of 10", longText.Reason);
        Assert.Equal(ReasonCodes.TooLarge, bigPayload.ReasonCode);
        Assert.Equal(ReasonCodes.FutureTimestamp, oneSecondAhead.ReasonCode);
    }

    [Fact]
    public void EventParser_should_refuse_to_start_when_a_limit_is_not_positive()
    {
        // When
        var error = Record.Exception(() => new EventParser(new EventLimits { MaxTextLength = 0 }));

        // Then
        Assert.IsType<ArgumentOutOfRangeException>(error);
    }

    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
