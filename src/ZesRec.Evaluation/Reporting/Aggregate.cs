using ZesRec.Evaluation.Metrics;

namespace ZesRec.Evaluation.Reporting;

/// <summary>Mean and sample standard deviation of each metric over the runs of one method and protocol.</summary>
public sealed record Aggregate(string Experiment, string Method, string Protocol, long TrainInteractions, int Runs, double[] Mean, double[] Std, double Seconds)
{
    public static IReadOnlyList<Aggregate> Of(IEnumerable<ResultRow> rows) =>
        [.. rows.GroupBy(r => (r.Experiment, r.Method, r.Protocol, Budget: r.Experiment == "main" ? 0 : r.TrainInteractions))
            .Select(g =>
            {
                var values = g.Select(r => r.Metrics.Values).ToList();
                var mean = Enumerable.Range(0, MetricSet.Names.Count).Select(i => values.Average(v => v[i])).ToArray();
                var std = Enumerable.Range(0, MetricSet.Names.Count).Select(i => StandardDeviation(values.Select(v => v[i]).ToList())).ToArray();
                return new Aggregate(g.Key.Experiment, g.Key.Method, g.Key.Protocol, (long)g.Average(r => r.TrainInteractions), g.Count(), mean, std, g.Average(r => r.Seconds));
            })];

    private static double StandardDeviation(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2)
        {
            return 0;
        }

        var mean = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
    }
}
