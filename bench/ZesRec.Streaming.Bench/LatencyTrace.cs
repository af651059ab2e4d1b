using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// Every paced interaction's way through, joined on (partition, offset): the producer's send (the message timestamp),
/// the broker's acknowledgement (the delivery report, taken on librdkafka's thread), the processor's stages
/// (<see cref="EventTrace"/>) and the recommendation's timestamp. Prints where the slow events spent their time and,
/// with --trace-csv, writes one row per event.
/// </summary>
public sealed class LatencyTrace
{
    private static readonly string[] Points =
        ["sent", "broker_acked", "fetched", "emitted", "batched", "process_start", "process_end", "publish_start", "recommended", "publish_acked", "persisted"];

    // The segments an event's latency (sent → recommended) is made of, each from one point to the next.
    private static readonly (string Name, int From, int To)[] Segments =
    [
        ("send → broker ack (producer, broker append)", 0, 1),
        ("broker ack → consumer fetch", 1, 2),
        ("fetch → stream (source buffer)", 2, 3),
        ("stream → batch closed (batch window)", 3, 4),
        ("batch closed → process start (waits for the batch before)", 4, 5),
        ("process (decode, step, score)", 5, 6),
        ("process end → publish (waits for the publish before)", 6, 7),
        ("publish → recommendation timestamp", 7, 8),
    ];

    // Not part of the latency, but a slow one holds back the batches behind it.
    private static readonly (string Name, int From, int To)[] After =
    [
        ("publish → broker ack of the batch", 7, 9),
        ("broker ack → state flush committed", 9, 10),
    ];

    private readonly ConcurrentDictionary<(int, long), long> _acked = new();

    /// <summary>Delivery handler of the paced sends; runs on librdkafka's delivery thread, so the time is the ack's.</summary>
    public void OnDelivered(DeliveryReport<string?, byte[]> report)
    {
        var now = DateTime.UtcNow.Ticks;
        if (!report.Error.IsError)
        {
            _acked[(report.Partition.Value, report.Offset.Value)] = now;
        }
    }

    public sealed record Row((int Partition, long Offset) Key, long[] At)
    {
        public double Ms(int from, int to) => At[from] == 0 || At[to] == 0 ? double.NaN : (At[to] - At[from]) / 1e4;

        public double LatencyMs => Ms(0, 8);
    }

    /// <param name="sent">The interactions' message timestamps (the producer's create time), read back from the topic.</param>
    public List<Row> Join(EventTrace.Entry[] entries, IReadOnlyDictionary<(int, long), DateTime> sent, IReadOnlyDictionary<(int, long), DateTime> recommended)
    {
        var rows = new Dictionary<(int, long), long[]>();
        foreach (var (key, time) in sent)
        {
            var at = new long[Points.Length];
            at[0] = time.Ticks;
            at[1] = _acked.GetValueOrDefault(key);
            if (recommended.TryGetValue(key, out var rec))
            {
                at[8] = rec.Ticks;
            }

            rows[key] = at;
        }

        foreach (var e in entries)
        {
            if (rows.TryGetValue((e.Partition, e.Offset), out var at))
            {
                var point = e.Stage switch
                {
                    TraceStage.Fetched => 2,
                    TraceStage.Emitted => 3,
                    TraceStage.Batched => 4,
                    TraceStage.ProcessStart => 5,
                    TraceStage.ProcessEnd => 6,
                    TraceStage.PublishStart => 7,
                    TraceStage.PublishAcked => 9,
                    _ => 10,
                };
                // The first time counts: an interaction that waited for its item is processed again later.
                if (at[point] == 0)
                {
                    at[point] = e.UtcTicks;
                }
            }
        }

        return [.. rows.Select(kv => new Row(kv.Key, kv.Value)).OrderBy(r => r.At[0])];
    }

    public static void WriteCsv(string path, List<Row> rows)
    {
        var text = new StringBuilder("partition,offset," + string.Join(',', Points.Select(p => p + "_unix_ms")) + ",latency_ms\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Key.Partition},{r.Key.Offset},")
                .AppendJoin(',', r.At.Select(t => t == 0 ? "" : ((t - DateTime.UnixEpoch.Ticks) / 1e4).ToString("F3", CultureInfo.InvariantCulture)))
                .Append(CultureInfo.InvariantCulture, $",{r.LatencyMs:F1}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Per segment p50 / p99 / max over all events, and for the slowest 1 %: which segment took most of each.</summary>
    /// <returns>The table and stall lines; the seconds with events over 100 ms, and how many of them were starved.</returns>
    public static (string Text, int SlowSeconds, int Starved) Breakdown(List<Row> rows, RunDelaySampler delays, DateTime origin)
    {
        var complete = rows.Where(r => !double.IsNaN(r.LatencyMs) && Enumerable.Range(0, 9).All(i => r.At[i] != 0)).ToList();
        if (complete.Count == 0)
        {
            return ("  no event was traced through every stage", 0, 0);
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"  traced {complete.Count:N0} of {rows.Count:N0} events through every stage");
        text.AppendLine("  | segment | p50 ms | p99 ms | max ms | share of the slowest 1 % (mean ms) | dominant in the slowest 1 % |");
        text.AppendLine("  |---|---:|---:|---:|---:|---:|");
        var slowest = complete.OrderByDescending(r => r.LatencyMs).Take(Math.Max(1, complete.Count / 100)).ToList();
        var dominant = slowest.GroupBy(r => Segments.MaxBy(s => r.Ms(s.From, s.To)).Name).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (name, from, to) in Segments.Concat(After))
        {
            var values = complete.Select(r => r.Ms(from, to)).Where(v => !double.IsNaN(v)).Order().ToArray();
            if (values.Length == 0)
            {
                continue;
            }

            var inSlow = slowest.Select(r => r.Ms(from, to)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();
            var isSegment = Segments.Any(s => s.Name == name);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  | {name} | {P(values, 0.5):F1} | {P(values, 0.99):F1} | {values[^1]:F1} | {inSlow:F1} | {(isSegment ? $"{dominant.GetValueOrDefault(name)} of {slowest.Count}" : "")} |");
        }

        var all = complete.Select(r => r.LatencyMs).Order().ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"  | end to end (send → recommendation) | {P(all, 0.5):F1} | {P(all, 0.99):F1} | {all[^1]:F1} | {slowest.Average(r => r.LatencyMs):F1} | |");
        var (stalls, slowSeconds, starved) = Stalls(complete, delays, origin);
        text.Append(stalls);
        return (text.ToString(), slowSeconds, starved);
    }

    /// <summary>
    /// Each second of the phase with events over 100 ms: how many, the segment that dominated them, and how long this
    /// process's threads and the broker's waited for a CPU meanwhile (from the first slow send to the last recommendation).
    /// Starved: the processor's threads together waited for a CPU for at least half of that time.
    /// </summary>
    private static (string Text, int Seconds, int Starved) Stalls(List<Row> rows, RunDelaySampler delays, DateTime origin)
    {
        var starved = 0;
        var text = new StringBuilder();
        var seconds = rows.Where(r => r.LatencyMs > 100).GroupBy(r => (int)((r.At[0] - origin.Ticks) / TimeSpan.TicksPerSecond)).OrderBy(g => g.Key).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"  seconds with events over 100 ms: {seconds.Count}");
        foreach (var g in seconds)
        {
            var from = new DateTime(g.Min(r => r.At[0]), DateTimeKind.Utc);
            var to = new DateTime(g.Max(r => r.At[8]), DateTimeKind.Utc);
            var (bench, broker, pressure, wall) = delays.Between(from, to);
            var dominant = g.GroupBy(r => Segments.MaxBy(s => r.Ms(s.From, s.To)).Name).MaxBy(d => d.Count())!;
            var isStarved = bench >= 0.5 * wall;
            starved += isStarved ? 1 : 0;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  s{g.Key} ({(isStarved ? "starved" : "not starved")}): {g.Count()} events, max {g.Max(r => r.LatencyMs):F0} ms, mostly in \"{dominant.Key}\" ({dominant.Count()}); over {wall:F2} s: processor threads waited {bench:F2} s for a CPU, broker threads {broker:F2} s, CPU pressure {pressure / Math.Max(wall, 1e-9):P0}");
        }

        return (text.ToString(), seconds.Count, starved);
    }

    private static double P(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
