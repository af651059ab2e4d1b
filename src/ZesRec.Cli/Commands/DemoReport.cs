using System.Globalization;
using ZesRec.Data;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Data.Events;

namespace ZesRec.Cli.Commands;

/// <summary>The demo's last stage: what three users were recommended, read back from Kafka, and the online metrics.</summary>
internal static class DemoReport
{
    public static void Print(KafkaOptions kafka, EventLogDataset target, (double Ndcg, double Recall, long Evaluated) outcome)
    {
        var texts = target.Items.ToDictionary(i => i.ItemId, i => i.Text, StringComparer.Ordinal);
        PrintSamples(kafka, target, texts);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nOnline metrics over {outcome.Evaluated:N0} interactions of the unseen target domain ({target.UserCount:N0} users, {target.Items.Count:N0} items, none seen in training):\n  NDCG@20   {outcome.Ndcg:F4}\n  Recall@20 {outcome.Recall:F4}\n(each interaction scored against the recommendation the user held just before it; random ranking gives Recall@20 ≈ {20.0 / target.Items.Count:F4})"));
    }

    /// <summary>Three users with at least three interactions: their last items and what they were recommended next.</summary>
    private static void PrintSamples(KafkaOptions kafka, EventLogDataset target, Dictionary<string, string> texts)
    {
        var history = target.Interactions.GroupBy(i => i.UserId).Where(g => g.Count() >= 3).Take(3).ToDictionary(g => g.Key, g => g.OrderBy(i => i.OrderKey).ToList());
        var latest = LatestRecommendations(kafka, history.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (var (user, events) in history)
        {
            if (!latest.TryGetValue(user, out var rec))
            {
                continue;
            }

            Console.WriteLine($"\nuser {user}, last items:");
            foreach (var e in events.TakeLast(3))
            {
                Console.WriteLine($"    - {Short(texts.GetValueOrDefault(e.ItemId, e.ItemId))}");
            }

            Console.WriteLine($"  recommended next ({rec.ModelVersion}, event {rec.EventId}):");
            foreach (var item in rec.Items.Take(5))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {item.Score,7:F3}  {Short(texts.GetValueOrDefault(item.ItemId, item.ItemId))}"));
            }
        }
    }

    /// <summary>The last recommendation of each of <paramref name="users"/> on the recommendations topic, read to its end.</summary>
    private static Dictionary<string, RecommendationPublished> LatestRecommendations(KafkaOptions kafka, HashSet<string> users)
    {
        var config = kafka.ToSettings().WithGroupId("zesrec-demo-samples-" + Guid.NewGuid().ToString("N")).ToConsumerConfig();
        config.EnablePartitionEof = true;
        using var consumer = new Confluent.Kafka.ConsumerBuilder<string?, byte[]>(config).SetLogHandler(KafkaLog.Handle).Build();
        consumer.Subscribe(kafka.RecommendationsTopic);
        var latest = new Dictionary<string, RecommendationPublished>(StringComparer.Ordinal);
        var finished = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (finished.Count == 0 || finished.Count < consumer.Assignment.Count))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null)
            {
                continue;
            }

            if (r.IsPartitionEOF)
            {
                finished.Add(r.Partition.Value);
            }
            else if (r.Message.Key is { } user && users.Contains(user))
            {
                latest[user] = EventJson.DeserializeRecommendation(r.Message.Value);
            }
        }

        consumer.Close();
        return latest;
    }

    private static string Short(string text) => text.Length <= 100 ? text : text[..97] + "...";
}
