using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZesRec.Data.Events;

/// <summary>The one JSON shape of the events, shared by dataset files and (later) Kafka messages.</summary>
public static class EventJson
{
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

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("the line is JSON null");
}
