using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Events;

/// <summary>
/// Kafka message values as UTF-8 JSON, byte for byte the shape of the dataset files
/// (<see cref="ZesRec.Data.Events.EventJson"/>): camelCase, absent instead of null, UTC timestamps with 'Z'.
/// Incoming items and interactions are read by <see cref="EventParser"/>, which checks the limits too.
/// </summary>
public static class EventJson
{
    private static readonly EventJsonContext Context = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcTimestampConverter() },
    });

    public static byte[] Serialize(ItemCreated value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.ItemCreated);

    public static byte[] Serialize(InteractionOccurred value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.InteractionOccurred);

    public static byte[] Serialize(RecommendationPublished value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.RecommendationPublished);

    public static byte[] Serialize(DeadLetter value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.DeadLetter);

    /// <summary>For subscribers of zesrec.recommendations; throws <see cref="JsonException"/> on a malformed message.</summary>
    public static RecommendationPublished DeserializeRecommendation(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, Context.RecommendationPublished) ?? throw new JsonException("the message is JSON null");

    /// <summary>For tools that inspect or replay zesrec.deadletter; throws <see cref="JsonException"/> on a malformed message.</summary>
    public static DeadLetter DeserializeDeadLetter(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, Context.DeadLetter) ?? throw new JsonException("the message is JSON null");
}
