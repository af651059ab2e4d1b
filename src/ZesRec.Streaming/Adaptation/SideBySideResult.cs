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

/// <summary>What a frozen-versus-adaptive replay measured: per-event outcomes in stream order, rounds, costs.</summary>
public sealed record SideBySideResult(
    IReadOnlyList<ScoredEvent> Frozen,
    IReadOnlyList<ScoredEvent> Adaptive,
    IReadOnlyList<RoundPoint> Rounds,
    IReadOnlyList<ChunkCost> Costs)
{
    /// <summary>Mean NDCG@20 and Recall@20 of events [from, to) of a lane.</summary>
    public static (double Ndcg, double Recall) Mean(IReadOnlyList<ScoredEvent> events, int from, int to)
    {
        to = Math.Min(to, events.Count);
        if (to <= from)
        {
            return (double.NaN, double.NaN);
        }

        double ndcg = 0, hits = 0;
        for (var i = from; i < to; i++)
        {
            ndcg += events[i].Ndcg;
            hits += events[i].Hit ? 1 : 0;
        }

        return (ndcg / (to - from), hits / (to - from));
    }
}
