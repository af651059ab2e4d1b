using System.Text;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

public sealed class EventJsonTests
{
    private static readonly DateTimeOffset At = new(2024, 6, 1, 12, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void Recommendation_should_come_back_equal_when_serialised_and_read()
    {
        // Given
        var sent = new RecommendationPublished(
            1,
            RecommendationPublished.EventIdFor("zesrec.interactions", 2, 41),
            "u-1",
            [new RecommendedItem("B00TNNWMXI", 0.5f), new RecommendedItem("B00IBZE2EQ", 0.125f)],
            "hrnn-v3",
            "zesrec.interactions",
            2,
            41,
            At);

        // When
        var received = EventJson.DeserializeRecommendation(EventJson.Serialize(sent));

        // Then
        Assert.Equal(sent with { Items = [] }, received with { Items = [] });
        Assert.Equal(sent.Items, received.Items);
    }

    [Fact]
    public void EventJson_should_write_the_dataset_format_when_serialising_an_item()
    {
        // Given
        var item = new ItemCreated(1, "B01", "Café", At);

        // When
        var streaming = Encoding.UTF8.GetString(EventJson.Serialize(item));

        // Then: byte for byte a line of items.jsonl
        Assert.Equal(EventJson.SerializeText(item), streaming);
        Assert.Equal("""{"version":1,"itemId":"B01","text":"Café","createdAt":"2024-06-01T12:00:00.25Z"}""", streaming);
    }

    [Fact]
    public void EventJson_should_leave_out_absent_fields_when_serialising_an_interaction()
    {
        // When
        var json = Encoding.UTF8.GetString(EventJson.Serialize(new InteractionOccurred(1, "u", "i", Position: 7)));

        // Then
        Assert.Equal("""{"version":1,"userId":"u","itemId":"i","position":7}""", json);
    }

    [Theory]
    [InlineData("zesrec.interactions", 0, 0L, "zesrec.interactions-0-0")]
    [InlineData("my-topic", 11, 9_000_000_000L, "my-topic-11-9000000000")]
    public void EventIdFor_should_join_the_kafka_coordinates_when_given_a_message_position(string topic, int partition, long offset, string expected)
    {
        // When
        var first = RecommendationPublished.EventIdFor(topic, partition, offset);
        var again = RecommendationPublished.EventIdFor(topic, partition, offset);

        // Then
        Assert.Equal(expected, first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, RecommendationPublished.EventIdFor(topic, partition, offset + 1));
    }

    [Fact]
    public void DeserializeRecommendation_should_throw_when_a_required_field_is_missing()
    {
        // Given
        var utf8 = """{"version":1,"eventId":"t-0-1","userId":"u","items":[],"sourceTopic":"t","sourcePartition":0,"sourceOffset":1,"producedAt":"2024-06-01T12:00:00Z"}"""u8.ToArray();

        // When
        var error = Record.Exception(() => EventJson.DeserializeRecommendation(utf8));

        // Then
        Assert.IsType<System.Text.Json.JsonException>(error);
    }
}
