using System.Globalization;
using Prometheus;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Bench;

/// <summary>The processor's own stage histograms (same process), read before and after a phase.</summary>
public static class StageTimes
{
    public static Dictionary<string, (double Sum, long Count)> Snapshot() => new()
    {
        ["batch size"] = Read(ZesRecMetrics.BatchSize.WithLabels("interactions")),
        ["process (step + score)"] = Read(ZesRecMetrics.ScorerSeconds),
        ["publish"] = Read(ZesRecMetrics.PublishSeconds),
        ["state flush"] = Read(ZesRecMetrics.StoreSeconds.WithLabels("states")),
    };

    /// <summary>The item stream's batches, and per batch the time to encode (texts through the encoder and the item layer) and to store.</summary>
    public static Dictionary<string, (double Sum, long Count)> ItemSnapshot() => new()
    {
        ["batch size"] = Read(ZesRecMetrics.BatchSize.WithLabels("items")),
        ["encode"] = Read(ZesRecMetrics.EncoderSeconds),
        ["store"] = Read(ZesRecMetrics.StoreSeconds.WithLabels("items")),
    };

    public static string Describe(Dictionary<string, (double Sum, long Count)> before, Dictionary<string, (double Sum, long Count)> after) =>
        string.Join(", ", after.Select(kv =>
        {
            var sum = kv.Value.Sum - before[kv.Key].Sum;
            var count = Math.Max(1, kv.Value.Count - before[kv.Key].Count);
            return kv.Key == "batch size"
                ? string.Create(CultureInfo.InvariantCulture, $"{count} batches of {sum / count:F0}")
                : string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {1000 * sum / count:F1} ms ({sum:F1} s in all)");
        }));

    public static long Batches(Dictionary<string, (double Sum, long Count)> before, Dictionary<string, (double Sum, long Count)> after) =>
        after["batch size"].Count - before["batch size"].Count;

    public static double MeanMs(Dictionary<string, (double Sum, long Count)> before, Dictionary<string, (double Sum, long Count)> after, string stage) =>
        1000 * (after[stage].Sum - before[stage].Sum) / Math.Max(1, after[stage].Count - before[stage].Count);

    private static (double, long) Read(IHistogram histogram) => (histogram.Sum, histogram.Count);
}
