namespace ZesRec.Streaming.Replay;

/// <summary>What a replay published, every message acknowledged by the broker.</summary>
/// <param name="Duration">The whole replay, items included.</param>
/// <param name="InteractionsDuration">From the first interaction sent to the last one acknowledged.</param>
/// <param name="TextsCut">Item texts longer than the stream limit, published cut to the limit.</param>
/// <param name="ItemEventsPublished">Lines of the item-events file (<see cref="ReplayOptions.ItemEvents"/>) published.</param>
public sealed record ReplayReport(
    int ItemsPublished,
    int InteractionsPublished,
    int TextsCut,
    TimeSpan Duration,
    TimeSpan InteractionsDuration,
    int ItemEventsPublished = 0)
{
    public double InteractionsPerSecond =>
        InteractionsPublished == 0 ? 0 : InteractionsPublished / Math.Max(1e-9, InteractionsDuration.TotalSeconds);
}
