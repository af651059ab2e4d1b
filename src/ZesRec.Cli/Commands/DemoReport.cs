using System.Globalization;
using ZesRec.Data;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Data.Events;
using ZesRec.Streaming.Adaptation;

namespace ZesRec.Cli.Commands;

/// <summary>The demo's last stage: what three users were recommended by the adaptive processor, read back from Kafka, and the online metrics of both.</summary>
internal static class DemoReport
{
    public static void Print(KafkaOptions kafka, EventLogDataset target, SideBySideResult outcome)
    {
        var texts = target.Items.ToDictionary(i => i.ItemId, i => i.Text, StringComparer.Ordinal);
        PrintSamples(kafka, target, texts);
        var total = outcome.Frozen.Count;
        var all = outcome.Both(0, total);
        var last = outcome.Both(total - (total / 4), total);
        var n = all.Count;
        var round = outcome.Rounds.FirstOrDefault();
        var frozenAll = SideBySideResult.Mean(outcome.Frozen, all);
        var adaptiveAll = SideBySideResult.Mean(outcome.Adaptive, all);
        var frozenLast = SideBySideResult.Mean(outcome.Frozen, last);
        var adaptiveLast = SideBySideResult.Mean(outcome.Adaptive, last);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

            Online metrics over the {n:N0} interactions of the unseen target domain that both processors scored ({target.UserCount:N0} users, {target.Items.Count:N0} items, none seen in training):
                                      frozen    adaptive
              NDCG@20, whole stream   {frozenAll.Ndcg:F4}    {adaptiveAll.Ndcg:F4}
              Recall@20, whole stream {frozenAll.Recall:F4}    {adaptiveAll.Recall:F4}
              NDCG@20, last quarter   {frozenLast.Ndcg:F4}    {adaptiveLast.Ndcg:F4}
              Recall@20, last quarter {frozenLast.Recall:F4}    {adaptiveLast.Recall:F4}
            (each interaction scored against the recommendation the user held just before it; random ranking gives Recall@20 ≈ {20.0 / target.Items.Count:F4})
            Adaptation: one round after half of the stream, trained while the third quarter was served: {round?.Outcome.Reason ?? "none"}
            {(round?.Outcome.Decision == AdaptationDecision.Promoted ? "The promoted model served the adaptive processor's last quarter." : "The guard kept the frozen model in the adaptive processor, so both columns score the same model.")}
            """));
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
