using System.Text;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace ZesRec.Streaming.Events;

/// <summary>A message the processor could not use, kept whole with the reason, so it can be fixed and replayed.</summary>
public sealed record DeadLetter(
    int Version,
    string SourceTopic,
    int SourcePartition,
    long SourceOffset,
    // Written as null rather than left out: "no key" is a fact about the message, and it keeps the field required.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Key,
    string Payload,
    bool PayloadIsBase64,
    string ReasonCode,
    string Reason,
    DateTimeOffset FailedAt)
{
    public const int CurrentVersion = 1;

    // The maxLength values of schemas/events/dead-letter.v1.json.
    public const int MaxKeyLength = 4096;
    public const int MaxPayloadLength = 1_400_000;
    public const int MaxReasonLength = 1024;

    /// <summary>
    /// The payload stays readable text when it is valid UTF-8 and becomes base64 otherwise, so no byte is lost
    /// either way. Never throws on odd input: the dead-letter path must not itself stop the stream.
    /// </summary>
    public static DeadLetter For(
        string topic,
        int partition,
        long offset,
        string? key,
        ReadOnlySpan<byte> payload,
        string reasonCode,
        string reason,
        DateTimeOffset now)
    {
        var isText = Utf8.IsValid(payload);
        var text = isText ? Encoding.UTF8.GetString(payload) : Convert.ToBase64String(payload);
        if (text.Length > MaxPayloadLength)
        {
            // Only a broker configured for messages over about 1 MiB gets here; the reason says what was cut.
            reason = $"{reason} (payload of {payload.Length} bytes cut to its first {MaxPayloadLength} characters)";
            text = Cut(text, isText ? MaxPayloadLength : MaxPayloadLength / 4 * 4);
        }

        if (key is { Length: > MaxKeyLength })
        {
            reason = $"{reason} (key of {key.Length} characters cut to {MaxKeyLength}; the message key holds it whole)";
            key = Cut(key, MaxKeyLength);
        }

        if (reason.Length > MaxReasonLength)
        {
            reason = Cut(reason, MaxReasonLength - 1) + "…";
        }

        return new DeadLetter(
            CurrentVersion,
            topic,
            partition,
            offset,
            key,
            text,
            !isText,
            reasonCode,
            reason,
            now.ToUniversalTime());
    }

    // Never between the two halves of a surrogate pair: a lone half cannot be written as JSON.
    private static string Cut(string s, int length) =>
        char.IsHighSurrogate(s[length - 1]) ? s[..(length - 1)] : s[..length];

    /// <summary>The original payload bytes, whichever way they were stored.</summary>
    public byte[] PayloadBytes() => PayloadIsBase64 ? Convert.FromBase64String(Payload) : Encoding.UTF8.GetBytes(Payload);
}
