using System.Globalization;

namespace ZesRec.Evaluation.Guards;

/// <summary>
/// Next-item NDCG@20 over thousands of items rarely passes 0.5 for any method in the paper's tables; a higher
/// number usually means leakage (seen items, shared users, test items in training) rather than a great model.
/// </summary>
public static class ScoreSanity
{
    public const double NdcgLimit = 0.5;

    public static IReadOnlyList<string> Warnings(IEnumerable<ResultRow> rows) =>
        [.. rows.Where(r => r.Metrics.Ndcg20 > NdcgLimit)
            .Select(r => string.Create(CultureInfo.InvariantCulture,
                $"WARNING: {r.Method} ({r.Run}, {r.Protocol}) has NDCG@20 = {r.Metrics.Ndcg20:F3} > {NdcgLimit}: check for leakage before trusting it"))];
}
