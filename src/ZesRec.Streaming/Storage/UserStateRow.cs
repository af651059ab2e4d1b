namespace ZesRec.Streaming.Storage;

/// <summary>
/// One user's sequential state as persisted: the model's hidden state, the recent item history,
/// the Kafka offset of the last applied interaction (<paramref name="LastOrder"/>), how many were applied and the
/// order key (event time or sequence position) of the last one, which later interactions may not go below.
/// </summary>
public sealed record UserStateRow(string UserId, int Partition, float[] State, string[] History, long LastOrder, long Interactions, long? LastKey = null);
