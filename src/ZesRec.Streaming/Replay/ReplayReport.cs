namespace ZesRec.Streaming.Replay;

/// <summary>What a replay published, every message acknowledged by the broker.</summary>
/// <param name="Duration">The whole replay, items included.</param>
/// <param name="InteractionsDuration">From the first interaction sent to the last one acknowledged.</param>
/// <param name="TextsCut">Item texts longer than the stream limit, published cut to the limit.</param>
public sealed record ReplayReport(
    int ItemsPublished,
    int InteractionsPublished,
    int TextsCut,
    TimeSpan Duration,
    TimeSpan InteractionsDuration)
{
    public double InteractionsPerSecond =>
        InteractionsPublished == 0 ? 0 : InteractionsPublished / Math.Max(1e-9, InteractionsDuration.TotalSeconds);
}
