using System.Globalization;
using System.Text;
using ZesRec.Evaluation.Metrics;

namespace ZesRec.Evaluation.Reporting;

/// <summary>Every number of an evaluation, one per line, so any table can be rebuilt from the file.</summary>
public static class ResultCsv
{
    public const string Header = "experiment,method,run,protocol,train_interactions,predictions,seconds,metric,value";

    public static void Write(string path, IEnumerable<ResultRow> rows)
    {
        var sb = new StringBuilder().AppendLine(Header);
        foreach (var r in rows)
        {
            for (var i = 0; i < MetricSet.Names.Count; i++)
            {
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Quote(r.Experiment)},{Quote(r.Method)},{Quote(r.Run)},{r.Protocol},{r.TrainInteractions},{r.Metrics.Count},{r.Seconds:F1},{MetricSet.Names[i]},{r.Metrics.Values[i]:G6}"));
            }
        }

        File.WriteAllText(path, sb.ToString());
    }

    private static string Quote(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal)
        ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : s;
}
