using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZesRec.Data.Events;

/// <summary>
/// The one JSON shape of the events, in dataset files and Kafka messages alike: camelCase, absent instead of null,
/// UTC timestamps with 'Z'. Incoming items and interactions are read by <see cref="EventParser"/>, which checks the
/// limits too; this class writes events and reads the ones ZESRec itself publishes.
/// </summary>
public static class EventJson
{
    /// <summary>For dataset files and their manifest, read and written as text.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        // Missing or null required fields become errors instead of silently null strings.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        // Item texts are mostly non-ASCII-free English, but keep é and ü readable in the files.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcTimestampConverter() },
    };

    // Source-generated metadata for messages: no reflection on the per-message path. A message with a field this
    // version does not know is refused rather than read partly.
    private static readonly EventJsonContext Context = new(new JsonSerializerOptions(Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow });

    /// <summary>One line of a dataset file (or its manifest).</summary>
    public static string SerializeText<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T DeserializeText<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("the line is JSON null");

    public static byte[] Serialize(ItemCreated value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.ItemCreated);

    public static byte[] Serialize(ItemUpdated value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.ItemUpdated);

    public static byte[] Serialize(ItemRemoved value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.ItemRemoved);

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
