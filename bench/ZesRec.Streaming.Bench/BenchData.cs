using ZesRec.Data;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// The benchmark's catalogue (Games + MovieLens + Scientific item texts, ids prefixed by dataset so they stay unique)
/// and its Games interaction streams.
/// </summary>
public sealed record BenchData(IReadOnlyList<ItemCreated> Items, IReadOnlyList<InteractionOccurred> Throughput, IReadOnlyList<InteractionOccurred> Paced, IReadOnlyList<InteractionOccurred> Warmup)
{
    /// <param name="warmupCount">Interactions of further users, sent before the throughput phase is timed.</param>
    public static BenchData Load(string datasetsDir, int throughputCount, int pacedCount, int warmupCount = 0)
    {
        var games = EventLogDataset.Load(Path.Combine(datasetsDir, "games"));
        var items = new List<ItemCreated>();
        foreach (var (name, prefix) in new[] { ("games", "games:"), ("movielens", "ml:"), ("scientific", "sci:") })
        {
            var dataset = name == "games" ? games : EventLogDataset.Load(Path.Combine(datasetsDir, name));
            items.AddRange(dataset.Items.Select(i => i with { ItemId = prefix + i.ItemId }));
        }

        var known = items.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        var throughput = Interleaved(games, known, 0, throughputCount, out var usersUsed);
        var paced = Interleaved(games, known, usersUsed, pacedCount, out usersUsed);
        var warmup = warmupCount > 0 ? Interleaved(games, known, usersUsed, warmupCount, out _) : [];
        return new BenchData(items, throughput, paced, warmup);
    }

    /// <summary>
    /// Whole histories of consecutive users (from <paramref name="skipUsers"/> on) until <paramref name="count"/>
    /// interactions, sent round by round (every user's 1st, then every user's 2nd, ...): many sessions running at
    /// once, each in its own order. Games has positions, not times, so there is no real clock to follow.
    /// </summary>
    private static List<InteractionOccurred> Interleaved(EventLogDataset games, HashSet<string> known, int skipUsers, int count, out int usersUsed)
    {
        var users = games.Interactions
            .Select(i => i with { UserId = "games:" + i.UserId, ItemId = "games:" + i.ItemId })
            .Where(i => known.Contains(i.ItemId))
            .GroupBy(i => i.UserId, StringComparer.Ordinal)
            .Skip(skipUsers)
            .Select(g => g.OrderBy(i => i.OrderKey).ToList());
        var chosen = new List<List<InteractionOccurred>>();
        var total = 0;
        foreach (var history in users)
        {
            if (total >= count)
            {
                break;
            }

            chosen.Add(history);
            total += history.Count;
        }

        usersUsed = skipUsers + chosen.Count;
        var rounds = new List<InteractionOccurred>(total);
        for (var round = 0; rounds.Count < total; round++)
        {
            rounds.AddRange(chosen.Where(h => h.Count > round).Select(h => h[round]));
        }

        return rounds.Take(count).ToList();
    }
}
