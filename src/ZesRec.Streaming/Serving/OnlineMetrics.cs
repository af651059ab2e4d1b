namespace ZesRec.Streaming.Serving;

/// <summary>
/// The live twin of <c>zesrec evaluate</c>: each interaction is scored against the recommendation the user held
/// just before it (the dummy item's for a new user). NDCG@K = 1 / log2(rank + 1) for a hit at 1-based rank.
/// </summary>
public sealed class OnlineMetrics(int k = 20)
{
    private readonly Lock sync = new();
    private double ndcgSum;
    private long hits;
    private long evaluated;

    public int K => k;

    /// <summary>
    /// Told of every scored interaction after the running means include it: a frozen-versus-adaptive replay keeps
    /// the per-event outcomes that the means sum up.
    /// </summary>
    public Action<OnlineScore>? Scored { get; set; }

    public (double Ndcg, double Recall, long Evaluated) Snapshot()
    {
        lock (sync)
        {
            return evaluated == 0 ? (0, 0, 0) : (ndcgSum / evaluated, (double)hits / evaluated, evaluated);
        }
    }

    /// <summary>Scores one next item against a ranked list; returns (ndcg, hit).</summary>
    public (double Ndcg, bool Hit) Record(IReadOnlyList<string> ranked, string nextItem, string userId = "", long orderKey = 0)
    {
        var rank = -1;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (ranked[i] == nextItem)
            {
                rank = i;
                break;
            }
        }

        var ndcg = rank < 0 ? 0 : 1.0 / Math.Log2(rank + 2);
        lock (sync)
        {
            ndcgSum += ndcg;
            hits += rank < 0 ? 0 : 1;
            evaluated++;
        }

        Scored?.Invoke(new OnlineScore(userId, orderKey, nextItem, ndcg, rank >= 0));
        return (ndcg, rank >= 0);
    }
}

/// <summary>One interaction as the online metrics scored it: NDCG@K and whether the held recommendation hit.</summary>
public readonly record struct OnlineScore(string UserId, long OrderKey, string ItemId, double Ndcg, bool Hit);
