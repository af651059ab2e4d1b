using System.Globalization;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// Reads the event-to-recommendation latency histogram from a processor's /metrics, so that a percentile over an
/// interval comes from the difference of two readings (the histogram is cumulative since the process started).
/// </summary>
public static class LatencyScrape
{
    private const string Bucket = "zesrec_pipeline_event_to_recommendation_seconds_bucket{le=\"";

    public static async Task<SortedDictionary<double, double>> ReadAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), cancellationToken).ConfigureAwait(false);
        var buckets = new SortedDictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(Bucket, StringComparison.Ordinal))
            {
                continue;
            }

            var close = line.IndexOf('"', Bucket.Length);
            var le = line[Bucket.Length..close];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            buckets[bound] = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return buckets;
    }

    /// <summary>The upper bound of the bucket that holds the quantile of the events between two readings; null when none.</summary>
    public static double? Quantile(SortedDictionary<double, double> before, SortedDictionary<double, double> after, double q)
    {
        var total = after.GetValueOrDefault(double.PositiveInfinity) - before.GetValueOrDefault(double.PositiveInfinity);
        if (total <= 0)
        {
            return null;
        }

        foreach (var (bound, count) in after)
        {
            if (count - before.GetValueOrDefault(bound) >= q * total)
            {
                return bound;
            }
        }

        return double.PositiveInfinity;
    }
}
