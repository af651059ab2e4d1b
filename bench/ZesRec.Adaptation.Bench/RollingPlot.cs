using ScottPlot;
using ZesRec.Streaming.Adaptation;

namespace ZesRec.Adaptation.Bench;

/// <summary>Rolling NDCG@20 or Recall@20 over the stream: frozen, adaptive, the references, promotions marked.</summary>
internal static class RollingPlot
{
    public static void Save(string path, string title, bool recall, int window, IReadOnlyList<(string Name, IReadOnlyList<ScoredEvent?> Events)> lines, IEnumerable<RoundPoint> rounds)
    {
        var plot = new Plot();
        foreach (var (name, events) in lines)
        {
            var (xs, ys) = Rolling(events, window, recall);
            if (xs.Length == 0)
            {
                continue;
            }

            plot.Add.ScatterLine(xs, ys).LegendText = name;
        }

        var first = true;
        foreach (var round in rounds.Where(r => r.Outcome.Decision == AdaptationDecision.Promoted))
        {
            var v = plot.Add.VerticalLine(round.ServingFrom);
            v.LinePattern = LinePattern.Dotted;
            v.Color = Colors.Gray;
            if (first)
            {
                v.LegendText = "promotion serving from here";
                first = false;
            }
        }

        plot.XLabel("interactions of the stream (time order)");
        plot.YLabel((recall ? "Recall@20" : "NDCG@20") + $", rolling mean of {window:N0} interactions");
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path + ".png", 1100, 500);
        plot.SaveSvg(path + ".svg", 1100, 500);
    }

    // The mean over the last `window` scored events, at each 50th position once a full window is in.
    private static (double[] X, double[] Y) Rolling(IReadOnlyList<ScoredEvent?> events, int window, bool recall)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        var queue = new Queue<double>();
        var sum = 0.0;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not { } e)
            {
                continue;
            }

            var v = recall ? (e.Hit ? 1 : 0) : e.Ndcg;
            queue.Enqueue(v);
            sum += v;
            if (queue.Count > window)
            {
                sum -= queue.Dequeue();
            }

            if (queue.Count == window && i % 50 == 0)
            {
                xs.Add(i);
                ys.Add(sum / window);
            }
        }

        return ([.. xs], [.. ys]);
    }
}
