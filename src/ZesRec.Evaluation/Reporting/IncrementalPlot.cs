using ScottPlot;
using ZesRec.Evaluation.Metrics;

namespace ZesRec.Evaluation.Reporting;

/// <summary>The paper's Figure 2: in-domain models by target training interactions against zero-shot ZESRec.</summary>
public static class IncrementalPlot
{
    /// <summary>
    /// Both incremental plots (NDCG@20 and Recall@20) of <paramref name="rows"/>: the oracles' incremental runs, their
    /// full-split runs (paper protocol) as the last point, and the zero-shot ZESRec models as flat lines.
    /// </summary>
    public static IReadOnlyList<string> SaveAll(string dir, IEnumerable<ResultRow> rows)
    {
        var aggregates = Aggregate.Of(rows);
        var incremental = aggregates.Where(a => a.Experiment == "incremental").ToList();
        var oracles = incremental.Select(a => a.Method).ToHashSet(StringComparer.Ordinal);
        incremental.AddRange(aggregates
            .Where(a => a.Experiment == "main" && a.Protocol == EvaluationProtocol.Paper.Name && oracles.Contains(a.Method))
            .Select(a => a with { Experiment = "incremental" }));
        var zeroShot = aggregates.Where(a => a.Experiment == "main" && a.Protocol == EvaluationProtocol.Paper.Name && a.Method.StartsWith("ZESRec", StringComparison.Ordinal)).ToList();
        Directory.CreateDirectory(dir);
        return [.. Save(dir, "incremental-ndcg20", MetricSet.Names[0], 0, incremental, zeroShot), .. Save(dir, "incremental-recall20", MetricSet.Names[1], 1, incremental, zeroShot)];
    }

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
        plot.ShowLegend(Edge.Right); // beside the axes: inside, it hid the full-split points
        plot.SavePng(Path.Combine(dir, name + ".png"), 1000, 500);
        plot.SaveSvg(Path.Combine(dir, name + ".svg"), 1000, 500);
        return [name + ".png", name + ".svg"];
    }
}
