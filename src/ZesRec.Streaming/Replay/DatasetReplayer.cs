using System.Diagnostics;
using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Replay;

/// <summary>
/// Publishes a dataset as the stream would have seen it: every item first (keyed by item id), acknowledged before
/// any interaction, so the processor knows each item an interaction names; then the interactions in time order
/// (keyed by user id, so each user's history lands in one partition, in order).
/// </summary>
public sealed class DatasetReplayer
{
    // Rate pacing releases a batch of about 10 ms worth of interactions at a time: a sleep per message
    // cannot reach thousands per second with a timer of about 1 ms.
    private const double PacingBatchSeconds = 0.01;

    // A pause shorter than this is left to accumulate with the next ones; the timer could not honour it anyway.
    private static readonly TimeSpan ShortestPause = TimeSpan.FromMilliseconds(1);

    private const int ProgressEvery = 1_000;

    private readonly KafkaProducer _producer;
    private readonly ReplayOptions _options;

    public DatasetReplayer(KafkaProducer producer, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _producer = producer;
        _options = options;
    }

    public Task<ReplayReport> ReplayAsync(string datasetDir, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ReplayAsync(EventLogDataset.Load(datasetDir), progress, cancellationToken);

    public async Task<ReplayReport> ReplayAsync(EventLogDataset dataset, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var total = Stopwatch.StartNew();
        var window = new InFlightWindow(_options.MaxInFlight);

        var (items, textsCut) = _options.PublishItems ? await PublishItemsAsync(dataset.Items, window, progress, cancellationToken) : (0, 0);
        var itemEvents = await PublishItemEventsAsync(window, cancellationToken);

        var interactionsClock = Stopwatch.StartNew();
        var interactions = _options.PublishInteractions ? await PublishInteractionsAsync(dataset.Interactions, window, progress, cancellationToken) : 0;
        interactionsClock.Stop();

        return new ReplayReport(items, interactions, textsCut, total.Elapsed, interactionsClock.Elapsed, itemEvents);
    }

    /// <summary>Publishes only <see cref="ReplayOptions.ItemEvents"/>, without a dataset.</summary>
    public async Task<ReplayReport> ReplayItemEventsAsync(CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        var published = await PublishItemEventsAsync(new InFlightWindow(_options.MaxInFlight), cancellationToken);
        return new ReplayReport(0, 0, 0, total.Elapsed, TimeSpan.Zero, published);
    }

    // Acknowledged before any interaction, like the items: an interaction must not overtake an update it follows.
    private async Task<int> PublishItemEventsAsync(InFlightWindow window, CancellationToken cancellationToken)
    {
        foreach (var (itemId, value) in _options.ItemEvents)
        {
            await SendAsync(window, _options.ItemsTopic, itemId, value, cancellationToken);
        }

        await window.DrainAsync();
        return _options.ItemEvents.Count;
    }

    private async Task<(int Published, int TextsCut)> PublishItemsAsync(
        IReadOnlyList<ItemCreated> items,
        InFlightWindow window,
        IProgress<ReplayProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var cut = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (TextLimit.TryCut(item.Text, _options.MaxTextLength, out var text))
            {
                item = item with { Text = text };
                cut++;
            }

            await SendAsync(window, _options.ItemsTopic, item.ItemId, EventJson.Serialize(item), cancellationToken);
            if ((i + 1) % ProgressEvery == 0)
            {
                progress?.Report(new ReplayProgress(ReplayPhase.Items, i + 1, items.Count, clock.Elapsed));
            }
        }

        // Every item acknowledged before the first interaction: an interaction must never overtake its item.
        await window.DrainAsync();
        progress?.Report(new ReplayProgress(ReplayPhase.Items, items.Count, items.Count, clock.Elapsed));
        return (items.Count, cut);
    }

    private async Task<int> PublishInteractionsAsync(
        IReadOnlyList<InteractionOccurred> all,
        InFlightWindow window,
        IProgress<ReplayProgress>? progress,
        CancellationToken cancellationToken)
    {
        var ordered = InTimeOrder(all);
        var count = Math.Min(ordered.Length, _options.Limit ?? int.MaxValue);
        var batch = _options.Rate is { } rate ? Math.Max(1, (int)(rate * PacingBatchSeconds)) : int.MaxValue;
        var bucket = _options.Rate is { } r ? new TokenBucket(r, burst: 2 * batch, initial: batch) : null;
        var clock = Stopwatch.StartNew();
        var due = TimeSpan.Zero;
        for (var i = 0; i < count; i++)
        {
            var (interaction, orderKey) = ordered[i];
            if (_options.Speed is { } speed && i > 0)
            {
                // The schedule is cumulative: pauses too short for the timer add up instead of being lost or rounded up.
                due += Pause(orderKey - ordered[i - 1].OrderKey, speed);
                var wait = due - clock.Elapsed;
                if (wait >= ShortestPause)
                {
                    await Task.Delay(wait, cancellationToken);
                }
            }

            if (bucket is not null && i % batch == 0)
            {
                await bucket.TakeAsync(Math.Min(batch, count - i), cancellationToken);
            }

            await SendAsync(window, _options.InteractionsTopic, interaction.UserId, EventJson.Serialize(interaction), cancellationToken);
            if ((i + 1) % ProgressEvery == 0)
            {
                progress?.Report(new ReplayProgress(ReplayPhase.Interactions, i + 1, count, clock.Elapsed));
            }
        }

        await window.DrainAsync();
        progress?.Report(new ReplayProgress(ReplayPhase.Interactions, count, count, clock.Elapsed));
        return count;
    }

    /// <summary>Stable: interactions with the same key keep their file order (a user's same-second events stay in sequence).</summary>
    private static (InteractionOccurred Event, long OrderKey)[] InTimeOrder(IReadOnlyList<InteractionOccurred> interactions) =>
        [.. interactions.Select(e => (e, e.OrderKey)).OrderBy(x => x.OrderKey)];

    private TimeSpan Pause(long gap, double speed)
    {
        var seconds = gap / speed;
        return seconds >= _options.MaxPause.TotalSeconds ? _options.MaxPause : TimeSpan.FromSeconds(seconds);
    }

    private async ValueTask SendAsync(InFlightWindow window, string topic, string key, byte[] value, CancellationToken cancellationToken)
    {
        await window.EnterAsync(cancellationToken);
        Task delivery;
        try
        {
            // No cancellation token: a request already handed over is delivered; cancelling only stops new ones.
            delivery = _producer.ProduceAsync(topic, key, value);
        }
        catch
        {
            window.Leave();
            throw;
        }

        window.Track(delivery);
    }
}
