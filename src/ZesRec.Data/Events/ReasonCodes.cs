namespace ZesRec.Data.Events;

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

    /// <summary>An id with a control character, or a text with U+0000, which PostgreSQL text cannot store.</summary>
    public const string ForbiddenCharacter = "forbidden_character";

    /// <summary>The message key is not the payload's user id (interactions) or item id (items).</summary>
    public const string KeyMismatch = "key_mismatch";

    // Emitted by later stages, which know the catalogue and each user's history.
    public const string UnknownItem = "unknown_item";
    public const string Duplicate = "duplicate";
    public const string OutOfOrder = "out_of_order";

    /// <summary>A user's interaction on another partition than the one that holds the user's state.</summary>
    public const string PartitionMismatch = "partition_mismatch";

    /// <summary>Applying the event failed on its own, again, after the batch holding it had failed.</summary>
    public const string Unprocessable = "unprocessable";

    public static IReadOnlyList<string> All { get; } =
    [
        InvalidUtf8, InvalidJson, WrongType, MissingField, UnknownField, UnsupportedVersion,
        EmptyText, TooLarge, FutureTimestamp, EmptyId, ForbiddenCharacter, KeyMismatch,
        UnknownItem, Duplicate, OutOfOrder, PartitionMismatch, Unprocessable,
    ];
}
