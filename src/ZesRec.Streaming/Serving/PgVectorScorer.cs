using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// Candidates from PostgreSQL's HNSW index on the item vectors (inner product), one query for the whole batch; each
/// user's candidates, which come with their exact inner products, are re-ranked and its seen items dropped. Removed
/// items, and with a maximum age items created before it, are left out by the query.
/// </summary>
public sealed class PgVectorScorer(Recommender recommender, ItemStore items, int candidates, TimeSpan? maxAge = null, TimeProvider? clock = null) : ITopKScorer
{
    public IReadOnlyList<(string ItemId, float Score)[]> TopK(IReadOnlyList<float[]> states, IReadOnlyList<IReadOnlySet<string>> exclude, int k)
    {
        if (states.Count == 0)
        {
            return [];
        }

        var users = recommender.UserVectors(states);
        DateTimeOffset? createdSince = maxAge is { } age ? (clock ?? TimeProvider.System).GetUtcNow() - age : null;
        var limit = Math.Max(candidates, k + exclude.Max(e => e.Count));
        var found = items.NearestBatchAsync(users, limit, createdSince).GetAwaiter().GetResult();
        var result = new (string, float)[users.Length][];
        for (var i = 0; i < users.Length; i++)
        {
            var seen = exclude[i];
            result[i] = [.. found[i]
                .Where(n => !seen.Contains(n.ItemId))
                .OrderByDescending(n => n.Score).ThenBy(n => n.ItemId, StringComparer.Ordinal)
                .Take(k)
                .Select(n => (n.ItemId, n.Score))];
        }

        return result;
    }
}
