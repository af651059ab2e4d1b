namespace ZesRec.Streaming.Adaptation;

/// <summary>One interaction as the online metrics scored it: NDCG@20 and whether the held recommendation hit.</summary>
public readonly record struct ScoredEvent(double Ndcg, bool Hit);

/// <summary>A round run after <paramref name="After"/> interactions; a promoted model serves from <paramref name="ServingFrom"/> on.</summary>
public sealed record RoundPoint(int After, int ServingFrom, AdaptationOutcome Outcome);

/// <summary>
/// Serving cost over one chunk of the stream: both lanes' interactions per second from the chunk's first publish to
/// the frozen lane's last recommendation, the 99th percentile of event-to-recommendation latency, and whether an
/// adaptation round was training meanwhile.
/// </summary>
public sealed record ChunkCost(int From, int To, double Seconds, double PerSecond, double? P99Seconds, bool Training);

/// <summary>
/// What a frozen-versus-adaptive replay measured: each lane's outcome per stream position (null where that lane's
/// processor scored nothing: a user's first interaction after a restart holds no recommendation), the rounds, the
/// serving cost per chunk, and how many interactions the adaptive lane scored again after a switch.
/// </summary>
public sealed record SideBySideResult(
    IReadOnlyList<ScoredEvent?> Frozen,
    IReadOnlyList<ScoredEvent?> Adaptive,
    IReadOnlyList<RoundPoint> Rounds,
    IReadOnlyList<ChunkCost> Costs,
    int ScoredTwice = 0)
{
    /// <summary>Stream positions in [from, to) that both lanes scored: the events every comparison is made on.</summary>
    public IReadOnlyList<int> Both(int from, int to) => Both(Frozen, Adaptive, from, to);

    /// <summary>Stream positions in [from, to) that both lanes' outcomes so far scored.</summary>
    public static IReadOnlyList<int> Both(IReadOnlyList<ScoredEvent?> frozen, IReadOnlyList<ScoredEvent?> adaptive, int from, int to) =>
        [.. Enumerable.Range(from, Math.Max(0, Math.Min(to, Math.Min(frozen.Count, adaptive.Count)) - from)).Where(i => frozen[i] is not null && adaptive[i] is not null)];

    /// <summary>Mean NDCG@20 and Recall@20 of <paramref name="events"/> at <paramref name="positions"/> (those it scored).</summary>
    public static (double Ndcg, double Recall) Mean(IReadOnlyList<ScoredEvent?> events, IEnumerable<int> positions)
    {
        double ndcg = 0, hits = 0, count = 0;
        foreach (var i in positions)
        {
            if (i < events.Count && events[i] is { } e)
            {
                ndcg += e.Ndcg;
                hits += e.Hit ? 1 : 0;
                count++;
            }
        }

        return count == 0 ? (double.NaN, double.NaN) : (ndcg / count, hits / count);
    }

    /// <summary>Mean NDCG@20 and Recall@20 of the scored events [from, to).</summary>
    public static (double Ndcg, double Recall) Mean(IReadOnlyList<ScoredEvent?> events, int from, int to) =>
        Mean(events, Enumerable.Range(from, Math.Max(0, to - from)));
}
