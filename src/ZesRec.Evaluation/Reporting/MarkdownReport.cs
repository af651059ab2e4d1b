using System.Globalization;
using System.Text;
using ZesRec.Evaluation.Metrics;
using ZesRec.Evaluation.Oracles;

namespace ZesRec.Evaluation.Reporting;

/// <summary>The human-readable report: checks, warnings, mean ± std tables, plots, oracle training and the case study.</summary>
public static class MarkdownReport
{
    public static string Render(EvaluationResult result, string commandLine)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Evaluation on {result.TargetName}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `{commandLine}`");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Target: {result.TargetItems:N0} items (all ranked), {result.TargetUsers:N0} test users. Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}. Total {result.Seconds:F0} s.");
        sb.AppendLine();
        sb.AppendLine("## Checks");
        sb.AppendLine();
        foreach (var c in result.Checks)
        {
            sb.AppendLine("- " + c);
        }

        foreach (var w in result.Warnings)
        {
            sb.AppendLine("- **" + w + "**");
        }

        var aggregates = Aggregate.Of(result.Rows);
        foreach (var protocol in aggregates.Where(a => a.Experiment == "main").Select(a => a.Protocol).Distinct())
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"## Results: {protocol}");
            sb.AppendLine();
            Table(sb, aggregates.Where(a => a.Experiment == "main" && a.Protocol == protocol), includeBudget: false);
        }

        var incremental = aggregates.Where(a => a.Experiment == "incremental").ToList();
        if (incremental.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Incremental training (last-item protocol)");
            sb.AppendLine();
            Table(sb, incremental.OrderBy(a => a.Method, StringComparer.Ordinal).ThenBy(a => a.TrainInteractions), includeBudget: true);
            sb.AppendLine();
            foreach (var plot in result.Plots.Where(p => p.EndsWith(".png", StringComparison.Ordinal)))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"![{plot}]({plot})");
            }
        }

        OracleTable(sb, result.OracleRuns);
        if (result.CaseStudy is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Case study: nearest source users of well-predicted target users");
            sb.AppendLine();
            sb.Append(result.CaseStudy);
        }

        return sb.ToString();
    }

    // Every oracle training with its settings, so that a grid's picks can be passed to --oracle-settings.
    private static void OracleTable(StringBuilder sb, IReadOnlyList<OracleRun> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        sb.AppendLine();
        sb.AppendLine("## Oracle training");
        sb.AppendLine();
        sb.AppendLine("Settings chosen by `grid` (lowest validation loss), `given` (--oracle-settings) or `default`; **bold** rows are the models evaluated.");
        sb.AppendLine();
        sb.AppendLine("| oracle | experiment | train interactions | seed | chosen by | D | lr | best epoch | validation loss | s |");
        sb.AppendLine("|---|---|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            var mark = r.Chosen ? "**" : "";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {mark}{r.Oracle}{mark} | {r.Experiment} | {r.TrainInteractions:N0} | {r.Seed} | {r.ChosenBy} | {r.Dim} | {r.LearningRate} | {r.BestEpoch} | {r.ValidationLoss:F4} | {r.Seconds:F1} |"));
        }
    }

    private static void Table(StringBuilder sb, IEnumerable<Aggregate> rows, bool includeBudget)
    {
        sb.AppendLine((includeBudget ? "| method | train interactions " : "| method ") + "| runs | " + string.Join(" | ", MetricSet.Names) + " | s/run |");
        sb.AppendLine((includeBudget ? "|---|---:" : "|---") + "|---:|" + string.Concat(MetricSet.Names.Select(_ => "---:|")) + "---:|");
        foreach (var a in rows)
        {
            var cells = a.Mean.Select((m, i) => a.Runs > 1
                ? string.Create(CultureInfo.InvariantCulture, $"{m:F4} ± {a.Std[i]:F4}")
                : string.Create(CultureInfo.InvariantCulture, $"{m:F4}"));
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {a.Method} {(includeBudget ? $"| {a.TrainInteractions:N0} " : "")}| {a.Runs} | {string.Join(" | ", cells)} | {a.Seconds:F1} |"));
        }
    }
}
