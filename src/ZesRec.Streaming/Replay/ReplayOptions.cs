using ZesRec.Data.Events;

namespace ZesRec.Streaming.Replay;

/// <summary>What <see cref="DatasetReplayer"/> publishes, where, and how fast.</summary>
public sealed record ReplayOptions
{
    public string ItemsTopic { get; init; } = "zesrec.items";

    public string InteractionsTopic { get; init; } = "zesrec.interactions";

    public bool PublishItems { get; init; } = true;

    public bool PublishInteractions { get; init; } = true;

    /// <summary>
    /// Item events (<see cref="ItemEventFile"/>) published after the dataset's items and before its interactions, in
    /// their order, keyed by item id; empty: none.
    /// </summary>
    public IReadOnlyList<(string ItemId, byte[] Value)> ItemEvents { get; init; } = [];

    /// <summary>Dataset time runs this many times faster than real time; null: no time pacing.</summary>
    public double? Speed { get; init; }

    /// <summary>At most this many interactions per second; null: no rate limit.</summary>
    public int? Rate { get; init; }

    /// <summary>Only the first N interactions in time order; null: all of them.</summary>
    public int? Limit { get; init; }

    /// <summary>Produce requests awaiting their acknowledgement; bounds memory on a million-event dataset.</summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>
    /// The longest gap one pause of <see cref="Speed"/> waits: datasets have multi-day gaps that would stall
    /// a demo for minutes even at high speeds.
    /// </summary>
    public TimeSpan MaxPause { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Texts are cut to this many code points, the stream's limit, so no dataset item becomes a dead letter by length.</summary>
    public int MaxTextLength { get; init; } = new EventLimits().MaxTextLength;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ItemsTopic);
        ArgumentException.ThrowIfNullOrWhiteSpace(InteractionsTopic);
        if (!PublishItems && !PublishInteractions)
        {
            throw new ArgumentException("nothing to publish: both items and interactions are switched off");
        }

        if (Speed is { } speed && !(speed > 0 && double.IsFinite(speed)))
        {
            throw new ArgumentOutOfRangeException(nameof(Speed), speed, "speed must be a positive number");
        }

        if (Rate is { } rate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1, nameof(Rate));
        }

        if (Limit is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(limit, nameof(Limit));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxPause.Ticks, nameof(MaxPause));
    }
}
