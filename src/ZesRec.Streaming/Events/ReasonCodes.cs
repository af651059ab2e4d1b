namespace ZesRec.Streaming.Events;

/// <summary>
/// Why a message went to the dead-letter topic. The values are a Prometheus label and a field of
/// <see cref="DeadLetter"/>, so they are stable, few and lower_snake_case; the detail goes in the reason sentence.
/// </summary>
public static class ReasonCodes
{
    public const string InvalidUtf8 = "invalid_utf8";
    public const string InvalidJson = "invalid_json";
    public const string WrongType = "wrong_type";
    public const string MissingField = "missing_field";
    public const string UnknownField = "unknown_field";
    public const string UnsupportedVersion = "unsupported_version";
    public const string EmptyText = "empty_text";
    public const string TooLarge = "too_large";
    public const string FutureTimestamp = "future_timestamp";
    public const string EmptyId = "empty_id";

    // Emitted by later stages, which know the catalogue and each user's history.
    public const string UnknownItem = "unknown_item";
    public const string Duplicate = "duplicate";
    public const string OutOfOrder = "out_of_order";

    public static IReadOnlyList<string> All { get; } =
    [
        InvalidUtf8, InvalidJson, WrongType, MissingField, UnknownField, UnsupportedVersion,
        EmptyText, TooLarge, FutureTimestamp, EmptyId, UnknownItem, Duplicate, OutOfOrder,
    ];
}
