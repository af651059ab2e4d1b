using System.Globalization;
using System.Text;
using ZesRec.Data.Import;
using ZesRec.Evaluation.Metrics;
using ZesRec.Evaluation.Oracles;

namespace ZesRec.Evaluation.Reporting;

/// <summary>Every number of an evaluation, one per line, so any table can be rebuilt from the file.</summary>
public static class ResultCsv
{
    public const string Header = "experiment,method,run,protocol,train_interactions,predictions,seconds,metric,value";

    public static void Write(string path, IEnumerable<ResultRow> rows) => Write(path, rows, [], null);

    /// <summary>The metric rows, then what the evaluation decided (<see cref="DecisionRows"/>).</summary>
    public static void Write(string path, IEnumerable<ResultRow> rows, IEnumerable<OracleRun> oracleRuns, OverlapCounts? overlap)
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

        foreach (var d in DecisionRows.Of(oracleRuns, overlap))
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{Quote(d.Experiment)},{Quote(d.Method)},{Quote(d.Run)},{Quote(d.Protocol)},{d.Interactions},0,{d.Seconds:F1},{d.Metric},{d.Value:G6}"));
        }

        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>
    /// Reads rows written by <see cref="Write"/>; a line that does not fit the format is an error naming the file
    /// and line number. Keyed by experiment, method, run, protocol and interactions, so files can be combined.
    /// Decision lines (<see cref="DecisionRows"/>) are skipped; metric names match in any case, as files written
    /// before the names were unified spell them in lower case.
    /// </summary>
    public static IReadOnlyList<ResultRow> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new InvalidDataException($"{path}:1: expected the header '{Header}'");
        }

        var rows = new List<ResultRow>();
        var values = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        (string Experiment, string Method, string Run, string Protocol, long Interactions, int Predictions, double Seconds)? current = null;
        void Flush(int line)
        {
            if (current is not { } c)
            {
                return;
            }

            var missing = MetricSet.Names.Where(n => !values.ContainsKey(n)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidDataException($"{path}:{line}: {c.Method} {c.Run} {c.Protocol} has no {string.Join(", ", missing)}");
            }

            rows.Add(new ResultRow(c.Experiment, c.Method, c.Run, c.Protocol, c.Interactions,
                new MetricSet(values[MetricSet.Names[0]], values[MetricSet.Names[1]], values[MetricSet.Names[2]], values[MetricSet.Names[3]], values[MetricSet.Names[4]], c.Predictions), c.Seconds));
            values.Clear();
        }

        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || Parse(path, i, lines[i]) is not { } line)
            {
                continue;
            }

            if (current != line.Key || values.ContainsKey(line.Metric))
            {
                Flush(i);
                current = line.Key;
            }

            values[line.Metric] = line.Value;
        }

        Flush(lines.Length);
        return rows;
    }

    // One metric line as its row key, metric and value; null for a decision line.
    private static ((string, string, string, string, long, int, double) Key, string Metric, double Value)? Parse(string path, int index, string text)
    {
        var f = CsvLine.Split(text);
        if (f is not { Count: 9 }
            || !long.TryParse(f[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var interactions)
            || !int.TryParse(f[5], NumberStyles.Integer, CultureInfo.InvariantCulture, out var predictions)
            || !double.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.TryParse(f[8], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !(MetricSet.Names.Contains(f[7], StringComparer.OrdinalIgnoreCase) || DecisionRows.Metrics.Contains(f[7], StringComparer.Ordinal)))
        {
            throw new InvalidDataException($"{path}:{index + 1}: not a result line (9 fields: {Header}): {text}");
        }

        return DecisionRows.Metrics.Contains(f[7], StringComparer.Ordinal)
            ? null
            : ((f[0], f[1], f[2], f[3], interactions, predictions, seconds), f[7], value);
    }

    /// <summary>All rows, each key once: the first file's row wins; a later one with other numbers is reported.</summary>
    public static IReadOnlyList<ResultRow> Combine(IEnumerable<(string File, IReadOnlyList<ResultRow> Rows)> files, TextWriter warnings)
    {
        var kept = new Dictionary<(string, string, string, string, long), (string File, ResultRow Row)>();
        foreach (var (file, rows) in files)
        {
            foreach (var row in rows)
            {
                var key = (row.Experiment, row.Method, row.Run, row.Protocol, row.TrainInteractions);
                if (!kept.TryGetValue(key, out var first))
                {
                    kept[key] = (file, row);
                }
                else if (!first.Row.Metrics.Values.SequenceEqual(row.Metrics.Values))
                {
                    warnings.WriteLine($"warning: {row.Method} {row.Run} {row.Protocol} ({row.Experiment}) differs between {first.File} and {file}; kept {first.File}");
                }
            }
        }

        return [.. kept.Values.Select(v => v.Row)];
    }

    private static string Quote(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal)
        ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : s;
}
