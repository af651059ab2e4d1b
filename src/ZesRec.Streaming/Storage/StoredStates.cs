namespace ZesRec.Streaming.Storage;

/// <summary>
/// What a member needs to take over partitions: their users' states and, per partition, the next
/// input offset to read (null: nothing stored yet, so start from the beginning).
/// </summary>
public sealed record StoredStates(IReadOnlyList<UserStateRow> States, IReadOnlyDictionary<int, long?> NextOffsets);
