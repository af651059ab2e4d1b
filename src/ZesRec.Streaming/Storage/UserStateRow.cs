namespace ZesRec.Streaming.Storage;

/// <summary>
/// One user's sequential state as persisted: the model's hidden state, the recent item history,
/// the order (event time or sequence) of the last applied interaction and how many were applied.
/// </summary>
public sealed record UserStateRow(string UserId, int Partition, float[] State, string[] History, long LastOrder, long Interactions);
