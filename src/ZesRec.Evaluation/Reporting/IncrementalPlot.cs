using ScottPlot;

namespace ZesRec.Evaluation.Reporting;

/// <summary>The paper's Figure 2: in-domain models by target training interactions against zero-shot ZESRec.</summary>
public static class IncrementalPlot
{
    /// <summary>Writes <c>name.png</c> and <c>name.svg</c>; returns the two file names.</summary>
    public static IReadOnlyList<string> Save(string dir, string name, string metric, int metricIndex, IReadOnlyList<Aggregate> incremental, IReadOnlyList<Aggregate> zeroShot)
    {
        var plot = new Plot();
        foreach (var method in incremental.GroupBy(a => a.Method).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var points = method.OrderBy(a => a.TrainInteractions).ToList();
            var line = plot.Add.Scatter(points.Select(a => (double)a.TrainInteractions).ToArray(), points.Select(a => a.Mean[metricIndex]).ToArray());
            line.LegendText = method.Key;
        }

        foreach (var z in zeroShot)
        {
            var h = plot.Add.HorizontalLine(z.Mean[metricIndex]);
            h.LegendText = z.Method + " (zero-shot)";
            h.LinePattern = LinePattern.Dashed;
        }

        plot.XLabel("target training interactions");
        plot.YLabel(metric);
        plot.Title("Incremental training vs zero-shot");
        plot.ShowLegend();
        plot.SavePng(Path.Combine(dir, name + ".png"), 800, 500);
        plot.SaveSvg(Path.Combine(dir, name + ".svg"), 800, 500);
        return [name + ".png", name + ".svg"];
    }
}
