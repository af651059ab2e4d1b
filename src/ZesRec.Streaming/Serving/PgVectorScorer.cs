using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// Scores by inner product in PostgreSQL (HNSW index on the item vectors), so the catalogue need not fit on the
/// device. One query per user; approximate where the index is used. Removed items, and with a maximum age items
/// created before it, are left out by the query.
/// </summary>
public sealed class PgVectorScorer(Recommender recommender, ItemStore items, TimeSpan? maxAge = null, TimeProvider? clock = null) : ITopKScorer
{
    public IReadOnlyList<(string ItemId, float Score)[]> TopK(IReadOnlyList<float[]> states, IReadOnlyList<IReadOnlySet<string>> exclude, int k)
    {
        var users = recommender.UserVectors(states);
        var result = new (string, float)[users.Length][];
        DateTimeOffset? createdSince = maxAge is { } age ? (clock ?? TimeProvider.System).GetUtcNow() - age : null;
        for (var i = 0; i < users.Length; i++)
        {
            var nearest = items.NearestAsync(users[i], k, [.. exclude[i]], createdSince).GetAwaiter().GetResult();
            result[i] = [.. nearest.Select(n => (n.ItemId, n.Score))];
        }

        return result;
    }
}
