namespace ZesRec.Streaming.Storage;

/// <summary>
/// One user's sequential state as persisted: the model's hidden state, the recent item history with each item's
/// order key (<paramref name="HistoryKeys"/>, null in rows from before they were kept), the Kafka offset of the last
/// applied interaction, how many were applied and the order key (event time or sequence position) of the last one,
/// which later interactions may not go below. The history lets another model version rebuild the state.
/// </summary>
public sealed record UserStateRow(
    string UserId,
    int Partition,
    float[] State,
    string[] History,
    long LastOffset,
    long Interactions,
    long? LastOrderKey = null,
    long[]? HistoryKeys = null);
