namespace ZesRec.Evaluation.Metrics;

/// <summary>
/// Metrics of one prediction with a single relevant item at 1-based <c>rank</c>. A rank of
/// <see cref="Miss"/> means the target could not be recommended at all (it was excluded as already seen).
/// </summary>
public static class RankMetrics
{
    public const long Miss = long.MaxValue;

    /// <summary>With one relevant item the ideal DCG is 1, so NDCG@k is the discounted gain of the hit.</summary>
    public static double Ndcg(long rank, int k) => rank <= k ? 1.0 / Math.Log2(rank + 1) : 0.0;

    /// <summary>With one relevant item Recall@k equals HitRate@k.</summary>
    public static double Recall(long rank, int k) => rank <= k ? 1.0 : 0.0;

    /// <summary>Untruncated reciprocal rank; a miss counts 0.</summary>
    public static double Reciprocal(long rank) => rank == Miss ? 0.0 : 1.0 / rank;
}
