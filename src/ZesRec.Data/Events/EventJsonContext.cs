using System.Text.Json.Serialization;

namespace ZesRec.Data.Events;

// Source-generated metadata: no reflection on the per-message path.
[JsonSerializable(typeof(ItemCreated))]
[JsonSerializable(typeof(ItemUpdated))]
[JsonSerializable(typeof(ItemRemoved))]
[JsonSerializable(typeof(InteractionOccurred))]
[JsonSerializable(typeof(RecommendationPublished))]
[JsonSerializable(typeof(DeadLetter))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
