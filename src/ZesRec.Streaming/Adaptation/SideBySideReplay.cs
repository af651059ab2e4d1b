using System.Diagnostics;
using System.Globalization;
using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// Replays a target stream through two processors at once: one serving the model it started with (frozen), one whose
/// store adaptation rounds move to better models (adaptive). Both read the same topics in their own consumer groups
/// and keep their own PostgreSQL schemas. The interactions go out in time order, in chunks that end at the given
/// boundaries; after the boundaries in <c>roundsAfter</c> a round runs on the adaptive store while the next chunk is
/// served, as <c>zesrec adapt</c> runs beside <c>zesrec serve</c>, and a promoted model serves the adaptive lane from
/// the end of that chunk on. Every interaction is scored by each lane's online metrics.
/// </summary>
public sealed class SideBySideReplay
{
    /// <summary>Fresh serve settings of a lane (its own schema and consumer group), on the caller's topics.</summary>
    public required Func<string, ServeOptions> Settings { get; init; }

    public required string FrozenModelDir { get; init; }

    /// <summary>The adaptive lane's model: a link that each promotion repoints, as for <c>zesrec serve --model models/current</c>.</summary>
    public required string AdaptiveModelDir { get; init; }

    /// <summary>One adaptation round on the store in the given schema.</summary>
    public required Func<string, CancellationToken, Task<AdaptationOutcome>> Round { get; init; }

    /// <summary>Interactions per second while replaying; null as fast as the broker takes them.</summary>
    public int? Rate { get; init; }

    public TimeSpan Stall { get; init; } = TimeSpan.FromMinutes(2);

    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <param name="boundaries">Interaction counts where chunks end, ascending; the last is the stream's length.</param>
    /// <param name="roundsAfter">Boundaries after which a round runs.</param>
    public async Task<SideBySideResult> RunAsync(EventLogDataset target, IReadOnlyList<int> boundaries, IReadOnlySet<int> roundsAfter, CancellationToken cancellationToken)
    {
        var ordered = target.Interactions.OrderBy(i => i.OrderKey).ToList();
        var positions = new Dictionary<(string, long, string), int>();
        for (var i = 0; i < ordered.Count; i++)
        {
            // A repeat of the same item at the same time is dead-lettered by the processor: the first keeps the key.
            positions.TryAdd((ordered[i].UserId, ordered[i].OrderKey, ordered[i].ItemId), i);
        }

        var kafka = Settings("frozen").Kafka;
        using var producer = new KafkaProducer(kafka.ToSettings().WithClientId("zesrec-side-by-side-replay"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var frozen = new ReplayLane("frozen", FrozenModelDir, () => Settings("frozen"), positions, ordered.Count, Log);
        await using var adaptive = new ReplayLane("adaptive", AdaptiveModelDir, () => Settings("adaptive"), positions, ordered.Count, Log);
        await frozen.StartAsync(cancellationToken).ConfigureAwait(false);
        await adaptive.StartAsync(cancellationToken).ConfigureAwait(false);
        await ReplayItemsAsync(producer, kafka, target, [frozen, adaptive], cancellationToken).ConfigureAwait(false);

        var rounds = new List<RoundPoint>();
        var costs = new List<ChunkCost>();
        var from = 0;
        foreach (var to in boundaries)
        {
            var round = roundsAfter.Contains(from) ? Round(adaptive.Schema, cancellationToken) : null;
            var before = await LatencyScrape.ReadAsync(http, frozen.MetricsPort!.Value, cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            await Replayer(producer, kafka, items: false).ReplayAsync(Chunk(target, ordered, from, to), null, cancellationToken).ConfigureAwait(false);
            await frozen.WaitForAsync(to, Stall, cancellationToken).ConfigureAwait(false);
            if (round is null)
            {
                await adaptive.WaitForAsync(to, Stall, cancellationToken).ConfigureAwait(false);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var training = round is { IsCompleted: false };
            var after = await LatencyScrape.ReadAsync(http, frozen.MetricsPort!.Value, cancellationToken).ConfigureAwait(false);
            costs.Add(new ChunkCost(from, to, seconds, 2 * (to - from) / seconds, LatencyScrape.Quantile(before, after, 0.99), training));
            if (round is not null)
            {
                var outcome = await round.ConfigureAwait(false);
                rounds.Add(new RoundPoint(from, to, outcome));
                if (outcome.Decision == AdaptationDecision.Promoted || adaptive.Stopped)
                {
                    await adaptive.StopAsync().ConfigureAwait(false);
                    await adaptive.StartAsync(cancellationToken).ConfigureAwait(false);
                }

                await adaptive.WaitForAsync(to, Stall, cancellationToken).ConfigureAwait(false);
            }

            // Compared on the interactions both lanes scored, as the final report does: a lane that restarted on a
            // promoted model has no held recommendation for each user's first interaction after it.
            var (frozenSoFar, adaptiveSoFar) = (frozen.Events(), adaptive.Events());
            var both = SideBySideResult.Both(frozenSoFar, adaptiveSoFar, from, to);
            Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{to:N0}/{ordered.Count:N0} interactions: frozen NDCG@20 {SideBySideResult.Mean(frozenSoFar, both).Ndcg:F4}, adaptive {SideBySideResult.Mean(adaptiveSoFar, both).Ndcg:F4} on the {both.Count:N0} of this chunk both scored; {costs[^1].PerSecond:N0} interactions/s{(training ? " while training" : "")}"));
            from = to;
        }

        return new SideBySideResult(frozen.Events(), adaptive.Events(), rounds, costs, adaptive.ScoredTwice);
    }

    /// <summary>Evenly spaced chunk ends: <paramref name="parts"/> chunks of a stream of <paramref name="count"/> interactions.</summary>
    public static IReadOnlyList<int> Even(int count, int parts) =>
        [.. Enumerable.Range(1, parts).Select(p => (int)((long)count * p / parts))];

    private static EventLogDataset Chunk(EventLogDataset target, List<InteractionOccurred> ordered, int from, int to) =>
        new(target.Name, target.SourceFormat, target.Items, ordered.GetRange(from, to - from));

    private DatasetReplayer Replayer(KafkaProducer producer, KafkaOptions kafka, bool items) => new(producer, new ReplayOptions
    {
        ItemsTopic = kafka.ItemsTopic,
        InteractionsTopic = kafka.InteractionsTopic,
        PublishItems = items,
        PublishInteractions = !items,
        Rate = items ? null : Rate,
    });

    // Interactions only once both catalogues hold every item: one that waits too long for its item is dead-lettered.
    private async Task ReplayItemsAsync(KafkaProducer producer, KafkaOptions kafka, EventLogDataset target, ReplayLane[] lanes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Replayer(producer, kafka, items: true).ReplayAsync(target, null, cancellationToken).ConfigureAwait(false);
        while (lanes.Any(l => l.CatalogCount < target.Items.Count))
        {
            if (clock.Elapsed > Stall + Stall)
            {
                throw new TimeoutException($"items: {string.Join(", ", lanes.Select(l => $"{l.Name} stored {l.CatalogCount:N0}"))} of {target.Items.Count:N0}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target.Items.Count:N0} items stored by both lanes in {clock.Elapsed.TotalSeconds:F1} s"));
    }
}
