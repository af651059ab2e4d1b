namespace ZesRec.Evaluation.Metrics;

/// <summary>Mean metrics over a set of predictions.</summary>
public sealed record MetricSet(double Ndcg20, double Recall20, double Ndcg10, double Recall10, double Mrr, int Count)
{
    /// <summary>The one spelling of each metric, in the order of <see cref="Values"/>: console, report.md and results.csv all use it.</summary>
    public static IReadOnlyList<string> Names { get; } = ["NDCG@20", "Recall@20", "NDCG@10", "Recall@10", "MRR"];

    public IReadOnlyList<double> Values => [Ndcg20, Recall20, Ndcg10, Recall10, Mrr];

    public static MetricSet FromRanks(IReadOnlyCollection<long> ranks)
    {
        if (ranks.Count == 0)
        {
            throw new ArgumentException("no predictions to average", nameof(ranks));
        }

        double Mean(Func<long, double> f) => ranks.Sum(f) / ranks.Count;
        return new MetricSet(
            Mean(r => RankMetrics.Ndcg(r, 20)),
            Mean(r => RankMetrics.Recall(r, 20)),
            Mean(r => RankMetrics.Ndcg(r, 10)),
            Mean(r => RankMetrics.Recall(r, 10)),
            Mean(RankMetrics.Reciprocal),
            ranks.Count);
    }
}
