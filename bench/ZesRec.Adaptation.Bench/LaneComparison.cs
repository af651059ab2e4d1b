using System.Globalization;
using System.Text;
using ZesRec.Streaming.Adaptation;

namespace ZesRec.Adaptation.Bench;

/// <summary>
/// Adaptive against frozen on the interactions both lanes scored: per quarter, the mean NDCG@20 difference and its z
/// (the paired per-interaction difference over its standard error), and how many rolling windows within the quarter
/// (each <c>window</c> such interactions long, as the plot draws them) have the adaptive lane below the frozen one.
/// </summary>
internal static class LaneComparison
{
    /// <param name="pairs">(position in the stream, frozen NDCG@20, adaptive NDCG@20) of each interaction both scored, in order.</param>
    public static string Describe(IReadOnlyList<(int Position, double Frozen, double Adaptive)> pairs, int streamLength, int window)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("| adaptive − frozen, NDCG@20 | Q1 | Q2 | Q3 | Q4 |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        var cells = new List<string>();
        var windows = new List<string>();
        for (var q = 0; q < 4; q++)
        {
            var (from, to) = ((int)((long)streamLength * q / 4), (int)((long)streamLength * (q + 1) / 4));
            var inQuarter = pairs.Where(p => p.Position >= from && p.Position < to).ToList();
            var mean = inQuarter.Count == 0 ? double.NaN : inQuarter.Average(p => p.Adaptive - p.Frozen);
            var z = PromotionGuard.PairedZ([.. inQuarter.Select(p => p.Frozen)], [.. inQuarter.Select(p => p.Adaptive)]);
            cells.Add(inQuarter.Count == 0 ? "-" : string.Create(inv, $"{mean:+0.0000;-0.0000;0.0000}{(z is { } v ? $" (z {v:F2})" : "")}"));

            // Rolling windows that lie within this quarter, over the interactions both lanes scored.
            int below = 0, total = 0;
            double frozen = 0, adaptive = 0, worst = 0;
            for (var i = 0; i < inQuarter.Count; i++)
            {
                frozen += inQuarter[i].Frozen;
                adaptive += inQuarter[i].Adaptive;
                if (i >= window)
                {
                    frozen -= inQuarter[i - window].Frozen;
                    adaptive -= inQuarter[i - window].Adaptive;
                }

                if (i >= window - 1)
                {
                    total++;
                    var gap = (adaptive - frozen) / window;
                    below += gap < -1e-9 ? 1 : 0;
                    worst = Math.Min(worst, gap);
                }
            }

            windows.Add(total == 0 ? "-" : string.Create(inv, $"{below:N0} of {total:N0}{(below > 0 ? $" (at most {-worst:0.0000} below)" : "")}"));
        }

        md.AppendLine(inv, $"| mean difference (z of the paired difference) | {string.Join(" | ", cells)} |");
        md.AppendLine(inv, $"| rolling windows of {window:N0} with adaptive below frozen | {string.Join(" | ", windows)} |");
        return md.ToString();
    }

    /// <summary>The same from a replay's events.csv.</summary>
    public static string FromEvents(string eventsCsv, int window)
    {
        var lines = File.ReadAllLines(eventsCsv).Skip(1).Select(l => l.Split(',')).ToList();
        var pairs = lines.Where(c => c[1].Length > 0 && c[2].Length > 0)
            .Select(c => (int.Parse(c[0], CultureInfo.InvariantCulture), double.Parse(c[1], CultureInfo.InvariantCulture), double.Parse(c[2], CultureInfo.InvariantCulture)))
            .ToList();
        return Describe(pairs, lines.Count, window);
    }
}
