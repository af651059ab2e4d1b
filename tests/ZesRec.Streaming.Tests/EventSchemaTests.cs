using System.Text;
using System.Text.Json.Nodes;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

public sealed class EventSchemaTests
{
    private static readonly DateTimeOffset Past = new(2018, 1, 1, 12, 30, 15, TimeSpan.Zero);

    private readonly EventParser _parser = new();

    public static TheoryData<string, byte[]> Samples => new()
    {
        { "item-created", EventJson.Serialize(new ItemCreated(1, "B0000223SI", "Café crème, 寿司 🍣 and a \"quoted\" word", Past)) },
        { "item-created", EventJson.Serialize(new ItemCreated(1, "B0000223UV", "Gorilla Glue")) },
        { "item-created", """ {"text":"caf\u00e9","itemId":"a\/b","version":1.0,"createdAt":"2018-01-01T02:00:00+02:00"} """u8.ToArray() },
        { "item-updated", EventJson.Serialize(new ItemUpdated(1, "B0000223SI", "Corrected: café crème 🍣", Past)) },
        { "item-updated", EventJson.Serialize(new ItemUpdated(1, "B0000223UV", "Gorilla Glue, 2 oz")) },
        { "item-updated", """{"itemId":"a","text":"t","type":"item-updated","version":1}"""u8.ToArray() },
        { "item-removed", EventJson.Serialize(new ItemRemoved(1, "B0000223SI", Past)) },
        { "item-removed", EventJson.Serialize(new ItemRemoved(1, "B0000223UV")) },
        { "interaction", EventJson.Serialize(new InteractionOccurred(1, "ABW8NXS7SV55K", "B00TNNWMXI", Timestamp: Past)) },
        { "interaction", EventJson.Serialize(new InteractionOccurred(1, "0", "B00IBZE2EQ", Position: 0)) },
        { "interaction", EventJson.Serialize(new InteractionOccurred(1, "1", "B0000AG93P", Past, 3)) },
        { "recommendation", EventJson.Serialize(SampleRecommendation()) },
        { "recommendation", EventJson.Serialize(SampleRecommendation() with { Items = [] }) },
        { "dead-letter", EventJson.Serialize(DeadLetter.For("zesrec.items", 2, 17, "B01", "{\"version\":2}"u8, ReasonCodes.UnsupportedVersion, "version is 2", Past)) },
        { "dead-letter", EventJson.Serialize(DeadLetter.For("zesrec.interactions", 0, 0, null, [0xC3, 0x28, 0xFF], ReasonCodes.InvalidUtf8, "not UTF-8", Past)) },
    };

    // Each rule of item-created.v1.json and interaction.v1.json, broken once: (what, schema, JSON, reason code, keyword).
    public static TheoryData<string, string, string, string, string> Violations => new()
    {
        { "no version", "item-created", """{"itemId":"a","text":"t"}""", ReasonCodes.MissingField, "required" },
        { "update without text", "item-updated", """{"version":1,"type":"item-updated","itemId":"a"}""", ReasonCodes.MissingField, "required" },
        { "update without itemId", "item-updated", """{"version":1,"type":"item-updated","text":"t"}""", ReasonCodes.MissingField, "required" },
        { "update with createdAt", "item-updated", """{"version":1,"type":"item-updated","itemId":"a","text":"t","createdAt":"2018-01-01T00:00:00Z"}""", ReasonCodes.UnknownField, "additionalProperties" },
        { "update text blank", "item-updated", """{"version":1,"type":"item-updated","itemId":"a","text":"  "}""", ReasonCodes.EmptyText, "pattern" },
        { "update version 2", "item-updated", """{"version":2,"type":"item-updated","itemId":"a","text":"t"}""", ReasonCodes.UnsupportedVersion, "const" },
        { "update type a number", "item-updated", """{"version":1,"type":3,"itemId":"a","text":"t"}""", ReasonCodes.WrongType, "type" },
        { "update updatedAt a word", "item-updated", """{"version":1,"type":"item-updated","itemId":"a","text":"t","updatedAt":"soon"}""", ReasonCodes.WrongType, "format" },
        { "removal without itemId", "item-removed", """{"version":1,"type":"item-removed"}""", ReasonCodes.MissingField, "required" },
        { "removal with text", "item-removed", """{"version":1,"type":"item-removed","itemId":"a","text":"t"}""", ReasonCodes.UnknownField, "additionalProperties" },
        { "removal itemId with a tab", "item-removed", """{"version":1,"type":"item-removed","itemId":"a\tb"}""", ReasonCodes.ForbiddenCharacter, "pattern" },
        { "removal itemId 257", "item-removed", $$"""{"version":1,"type":"item-removed","itemId":"{{new string('i', 257)}}"}""", ReasonCodes.TooLarge, "maxLength" },
        { "removal of another type", "item-removed", """{"version":1,"type":"item-deleted","itemId":"a"}""", ReasonCodes.WrongType, "const" },
        { "no itemId", "item-created", """{"version":1,"text":"t"}""", ReasonCodes.MissingField, "required" },
        { "no text", "item-created", """{"version":1,"itemId":"a"}""", ReasonCodes.MissingField, "required" },
        { "version 2", "item-created", """{"version":2,"itemId":"a","text":"t"}""", ReasonCodes.UnsupportedVersion, "const" },
        { "version as string", "item-created", """{"version":"1","itemId":"a","text":"t"}""", ReasonCodes.WrongType, "type" },
        { "version 1.5", "item-created", """{"version":1.5,"itemId":"a","text":"t"}""", ReasonCodes.WrongType, "type" },
        { "itemId a number", "item-created", """{"version":1,"itemId":42,"text":"t"}""", ReasonCodes.WrongType, "type" },
        { "itemId null", "item-created", """{"version":1,"itemId":null,"text":"t"}""", ReasonCodes.WrongType, "type" },
        { "itemId empty", "item-created", """{"version":1,"itemId":"","text":"t"}""", ReasonCodes.EmptyId, "minLength" },
        { "itemId blank", "item-created", """{"version":1,"itemId":"  \t","text":"t"}""", ReasonCodes.EmptyId, "pattern" },
        { "itemId 257", "item-created", $$"""{"version":1,"itemId":"{{new string('i', 257)}}","text":"t"}""", ReasonCodes.TooLarge, "maxLength" },
        { "text empty", "item-created", """{"version":1,"itemId":"a","text":""}""", ReasonCodes.EmptyText, "minLength" },
        { "text blank", "item-created", """{"version":1,"itemId":"a","text":" \n "}""", ReasonCodes.EmptyText, "pattern" },
        { "text 8193", "item-created", $$"""{"version":1,"itemId":"a","text":"{{new string('t', 8193)}}"}""", ReasonCodes.TooLarge, "maxLength" },
        { "text 8193 emoji", "item-created", $$"""{"version":1,"itemId":"a","text":"{{string.Concat(Enumerable.Repeat("🍣", 8193))}}"}""", ReasonCodes.TooLarge, "maxLength" },
        { "text an array", "item-created", """{"version":1,"itemId":"a","text":["t"]}""", ReasonCodes.WrongType, "type" },
        { "unknown field", "item-created", """{"version":1,"itemId":"a","text":"t","price":3}""", ReasonCodes.UnknownField, "additionalProperties" },
        { "createdAt a word", "item-created", """{"version":1,"itemId":"a","text":"t","createdAt":"yesterday"}""", ReasonCodes.WrongType, "format" },
        { "createdAt a date", "item-created", """{"version":1,"itemId":"a","text":"t","createdAt":"2018-01-01"}""", ReasonCodes.WrongType, "format" },
        { "createdAt no offset", "item-created", """{"version":1,"itemId":"a","text":"t","createdAt":"2018-01-01T00:00:00"}""", ReasonCodes.WrongType, "format" },
        { "createdAt month 13", "item-created", """{"version":1,"itemId":"a","text":"t","createdAt":"2018-13-01T00:00:00Z"}""", ReasonCodes.WrongType, "format" },
        { "createdAt unix seconds", "item-created", """{"version":1,"itemId":"a","text":"t","createdAt":1514764800}""", ReasonCodes.WrongType, "type" },
        { "an array", "item-created", """[{"version":1,"itemId":"a","text":"t"}]""", ReasonCodes.WrongType, "type" },
        { "a string", "item-created", "\"B0000223SI\"", ReasonCodes.WrongType, "type" },
        { "no version", "interaction", """{"userId":"u","itemId":"a","position":0}""", ReasonCodes.MissingField, "required" },
        { "no userId", "interaction", """{"version":1,"itemId":"a","position":0}""", ReasonCodes.MissingField, "required" },
        { "no itemId", "interaction", """{"version":1,"userId":"u","position":0}""", ReasonCodes.MissingField, "required" },
        { "no timestamp nor position", "interaction", """{"version":1,"userId":"u","itemId":"a"}""", ReasonCodes.MissingField, "required" },
        { "version 0", "interaction", """{"version":0,"userId":"u","itemId":"a","position":0}""", ReasonCodes.UnsupportedVersion, "const" },
        { "version 2 with a new field", "interaction", """{"version":2,"userId":"u","itemId":"a","position":0,"weight":2}""", ReasonCodes.UnsupportedVersion, "const" },
        { "userId empty", "interaction", """{"version":1,"userId":"","itemId":"a","position":0}""", ReasonCodes.EmptyId, "minLength" },
        { "itemId blank", "interaction", """{"version":1,"userId":"u","itemId":" ","position":0}""", ReasonCodes.EmptyId, "pattern" },
        { "userId 257", "interaction", $$"""{"version":1,"userId":"{{new string('u', 257)}}","itemId":"a","position":0}""", ReasonCodes.TooLarge, "maxLength" },
        { "itemId 257", "interaction", $$"""{"version":1,"userId":"u","itemId":"{{new string('i', 257)}}","position":0}""", ReasonCodes.TooLarge, "maxLength" },
        { "userId a number", "interaction", """{"version":1,"userId":7,"itemId":"a","position":0}""", ReasonCodes.WrongType, "type" },
        { "position negative", "interaction", """{"version":1,"userId":"u","itemId":"a","position":-1}""", ReasonCodes.WrongType, "minimum" },
        { "position 1.5", "interaction", """{"version":1,"userId":"u","itemId":"a","position":1.5}""", ReasonCodes.WrongType, "type" },
        { "position a string", "interaction", """{"version":1,"userId":"u","itemId":"a","position":"3"}""", ReasonCodes.WrongType, "type" },
        { "timestamp a word", "interaction", """{"version":1,"userId":"u","itemId":"a","timestamp":"now"}""", ReasonCodes.WrongType, "format" },
        { "timestamp no offset", "interaction", """{"version":1,"userId":"u","itemId":"a","timestamp":"2018-01-01T00:00:00"}""", ReasonCodes.WrongType, "format" },
        { "unknown field", "interaction", """{"version":1,"userId":"u","itemId":"a","position":0,"rating":5}""", ReasonCodes.UnknownField, "additionalProperties" },
        { "null", "interaction", "null", ReasonCodes.WrongType, "type" },
        { "userId with an escaped NUL", "interaction", """{"version":1,"userId":"u\u0000x","itemId":"a","position":0}""", ReasonCodes.ForbiddenCharacter, "pattern" },
        { "itemId with an escaped tab", "interaction", """{"version":1,"userId":"u","itemId":"a\tb","position":0}""", ReasonCodes.ForbiddenCharacter, "pattern" },
        { "itemId with U+0085", "item-created", """{"version":1,"itemId":"a\u0085","text":"t"}""", ReasonCodes.ForbiddenCharacter, "pattern" },
        { "text with an escaped NUL", "item-created", """{"version":1,"itemId":"a","text":"stapler\u0000"}""", ReasonCodes.ForbiddenCharacter, "pattern" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Serialised_event_should_match_its_schema_when_made_from_a_valid_record(string schema, byte[] json)
    {
        // When
        var violations = SchemaFiles.Violations(schema, json);
        var parsed = schema switch
        {
            "item-created" => _parser.ParseItem(json).ToString(),
            "item-updated" or "item-removed" => _parser.ParseItemEvent(json).ToString(),
            "interaction" => _parser.ParseInteraction(json).ToString(),
            _ => "ok: no parser",
        };

        // Then
        Assert.True(violations.Count == 0, $"{Encoding.UTF8.GetString(json)} breaks {schema}: {string.Join(", ", violations)}");
        Assert.StartsWith("ok: ", parsed, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Violations))]
    public void Schema_and_parser_should_both_reject_when_an_event_breaks_a_schema_rule(
        string what, string schema, string json, string reasonCode, string keyword)
    {
        // Given
        var utf8 = Encoding.UTF8.GetBytes(json);

        // When
        var violations = SchemaFiles.Violations(schema, utf8);
        var (code, reason) = schema switch
        {
            "item-created" => Rejection(_parser.ParseItem(utf8)),
            "item-updated" or "item-removed" => Rejection(_parser.ParseItemEvent(utf8)),
            _ => Rejection(_parser.ParseInteraction(utf8)),
        };

        // Then
        Assert.True(
            violations.Any(v => v.EndsWith($":{keyword}", StringComparison.Ordinal) || v.EndsWith($"/{keyword}:", StringComparison.Ordinal)),
            $"{what}: schema says [{string.Join(", ", violations)}], expected {keyword}");
        Assert.True(code == reasonCode, $"{what}: parser says {code} ({reason}), expected {reasonCode}");
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Theory]
    [InlineData(8192, true)]
    [InlineData(8193, false)]
    public void Schema_and_parser_should_count_characters_alike_when_the_text_has_characters_outside_the_BMP(int emoji, bool valid)
    {
        // Given: each 🍣 is two UTF-16 chars but one character for JSON Schema. Written as raw UTF-8 (4 bytes):
        // escaped as \uD83C\uDF63 (12 bytes), 8192 of them would pass the 64 KiB payload limit.
        var utf8 = Encoding.UTF8.GetBytes($$"""{"version":1,"itemId":"a","text":"{{string.Concat(Enumerable.Repeat("🍣", emoji))}}"}""");

        // When
        var schemaValid = SchemaFiles.Violations("item-created", utf8).Count == 0;
        var parserValid = _parser.ParseItem(utf8).IsValid;

        // Then
        Assert.Equal(valid, schemaValid);
        Assert.Equal(valid, parserValid);
    }

    [Theory]
    [InlineData("eventId", "zesrec.interactions")]
    [InlineData("sourcePartition", -1)]
    [InlineData("userId", "")]
    [InlineData("extra", true)]
    public void Recommendation_schema_should_reject_when_a_field_breaks_its_rule(string field, object value)
    {
        // Given
        var node = JsonNode.Parse(EventJson.Serialize(SampleRecommendation()))!;
        node[field] = JsonValue.Create(value);

        // When
        var violations = SchemaFiles.Violations("recommendation", Encoding.UTF8.GetBytes(node.ToJsonString()));

        // Then
        Assert.NotEmpty(violations);
    }

    [Theory]
    [InlineData("payload", "not base64!")]
    [InlineData("reasonCode", "Bad Code")]
    [InlineData("sourceTopic", "")]
    public void Dead_letter_schema_should_reject_when_a_field_breaks_its_rule(string field, string value)
    {
        // Given: a base64 dead letter, so that the payload must be base64
        var node = JsonNode.Parse(EventJson.Serialize(DeadLetter.For("zesrec.items", 0, 1, null, [0xFF], ReasonCodes.InvalidUtf8, "not UTF-8", Past)))!;
        node[field] = value;

        // When
        var violations = SchemaFiles.Violations("dead-letter", Encoding.UTF8.GetBytes(node.ToJsonString()));

        // Then
        Assert.NotEmpty(violations);
    }

    private static RecommendationPublished SampleRecommendation() => new(
        RecommendationPublished.CurrentVersion,
        RecommendationPublished.EventIdFor("zesrec.interactions", 3, 1234567),
        "ABW8NXS7SV55K",
        [new RecommendedItem("B00TNNWMXI", 0.93f), new RecommendedItem("B00IBZE2EQ", -0.25f)],
        "gru4rec-2024-06-01",
        "zesrec.interactions",
        3,
        1234567,
        Past);

    private static (string? Code, string? Reason) Rejection<T>(ParseResult<T> result)
        where T : class => result.IsValid ? ("(accepted)", result.Event.ToString()) : (result.ReasonCode, result.Reason);
}
