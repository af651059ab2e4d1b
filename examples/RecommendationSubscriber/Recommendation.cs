using System.Text.Json.Serialization;

namespace RecommendationSubscriber;

/// <summary>The value of a message on zesrec.recommendations: schemas/events/recommendation.v1.json.</summary>
public sealed record Recommendation(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("userId")] string UserId,
    [property: JsonPropertyName("items")] IReadOnlyList<RecommendedItem> Items,
    [property: JsonPropertyName("modelVersion")] string ModelVersion,
    [property: JsonPropertyName("producedAt")] DateTimeOffset ProducedAt);

public sealed record RecommendedItem([property: JsonPropertyName("itemId")] string ItemId, [property: JsonPropertyName("score")] float Score);
