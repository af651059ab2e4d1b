using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace ZesRec.Data.Events;

/// <summary>
/// A message the processor could not use, with the reason, so it can be fixed and replayed. The payload is kept
/// whole when the dead letter fits the dead-letter topic's message limit and cut to fit otherwise; the size and
/// SHA-256 of the original always come with it, so a cut payload can be matched to its source message.
/// </summary>
public sealed record DeadLetter(
    int Version,
    string SourceTopic,
    int SourcePartition,
    long SourceOffset,
    // Written as null rather than left out: "no key" is a fact about the message, and it keeps the field required.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Key,
    string Payload,
    bool PayloadIsBase64,
    long PayloadSize,
    string PayloadSha256,
    bool PayloadTruncated,
    string ReasonCode,
    string Reason,
    DateTimeOffset FailedAt)
{
    public const int CurrentVersion = 1;

    // The maxLength values of schemas/events/dead-letter.v1.json.
    public const int MaxKeyLength = 4096;
    public const int MaxPayloadLength = MaxMessageBytes;
    public const int MaxReasonLength = 1024;

    /// <summary>
    /// The largest serialised dead letter: librdkafka's default message.max.bytes, below the 1 MiB every topic the
    /// processor writes is given (infra/kafka/topics.json, docker-compose.yml).
    /// </summary>
    public const int MaxMessageBytes = 1_000_000;

    /// <summary>The smallest limit a dead letter can be fitted into: a key and a reason of control characters, escaped.</summary>
    public const int MinMessageBytes = 64 * 1024;

    /// <summary>
    /// The payload stays readable text when it is valid UTF-8 and becomes base64 otherwise. Never throws on odd
    /// input: the dead-letter path must not itself stop the stream. The serialised letter is at most
    /// <paramref name="maxBytes"/> bytes (clamped to [<see cref="MinMessageBytes"/>, <see cref="MaxMessageBytes"/>]).
    /// </summary>
    public static DeadLetter For(
        string topic,
        int partition,
        long offset,
        string? key,
        ReadOnlySpan<byte> payload,
        string reasonCode,
        string reason,
        DateTimeOffset now,
        int maxBytes = MaxMessageBytes)
    {
        maxBytes = Math.Clamp(maxBytes, MinMessageBytes, MaxMessageBytes);
        var isText = Utf8.IsValid(payload);
        var text = isText ? Encoding.UTF8.GetString(payload) : Convert.ToBase64String(payload);
        if (key is { Length: > MaxKeyLength })
        {
            reason = $"{reason} (key of {key.Length} characters cut to {MaxKeyLength})";
            key = Cut(key, MaxKeyLength);
        }

        var letter = new DeadLetter(
            CurrentVersion,
            topic,
            partition,
            offset,
            key,
            text,
            !isText,
            payload.Length,
            Convert.ToHexStringLower(SHA256.HashData(payload)),
            false,
            reasonCode,
            Bounded(reason),
            now.ToUniversalTime());
        var size = EventJson.Serialize(letter).Length;
        if (size <= maxBytes)
        {
            return letter;
        }

        // The first cut keeps the share of the payload that fits, as if its escaping were even; later rounds drop
        // the remaining excess in characters (each costs at least one byte), and absorb the note in the reason.
        var rest = EventJson.Serialize(letter with { Payload = "" }).Length;
        const int note = 256; // the reason's note on the cut
        var keep = (int)((long)text.Length * Math.Max(0, maxBytes - rest - note) / Math.Max(1, size - rest));
        for (var round = 0; round < 16 && (round == 0 || size > maxBytes); round++)
        {
            keep = round == 0 ? keep : Math.Max(0, keep - (size - maxBytes));
            if (!isText)
            {
                keep = keep / 4 * 4;
            }

            var cut = Cut(text, keep);
            letter = letter with
            {
                Payload = cut,
                PayloadTruncated = true,
                Reason = Bounded($"{reason} (payload of {payload.Length} bytes cut to its first {cut.Length} {(isText ? "characters" : "base64 characters")} to fit the dead-letter topic; payloadSha256 is of the whole)"),
            };
            size = EventJson.Serialize(letter).Length;
        }

        return letter;
    }

    private static string Bounded(string reason) => reason.Length > MaxReasonLength ? Cut(reason, MaxReasonLength - 1) + "…" : reason;

    // Never between the two halves of a surrogate pair: a lone half cannot be written as JSON.
    private static string Cut(string s, int length) =>
        length <= 0 ? "" : length >= s.Length ? s : char.IsHighSurrogate(s[length - 1]) ? s[..(length - 1)] : s[..length];

    /// <summary>The payload bytes kept: the original message value unless <see cref="PayloadTruncated"/>, then its start.</summary>
    public byte[] PayloadBytes() => PayloadIsBase64 ? Convert.FromBase64String(Payload) : Encoding.UTF8.GetBytes(Payload);
}
