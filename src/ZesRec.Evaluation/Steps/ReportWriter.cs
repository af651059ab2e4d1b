using ZesRec.Evaluation.Reporting;

namespace ZesRec.Evaluation.Steps;

/// <summary>Writes results.csv and report.md into the output folder and prints the warnings.</summary>
internal static class ReportWriter
{
    public static void Write(string outDir, EvaluationResult result, string commandLine, TextWriter log)
    {
        foreach (var warning in result.Warnings)
        {
            log.WriteLine(warning);
        }

        Directory.CreateDirectory(outDir);
        ResultCsv.Write(Path.Combine(outDir, "results.csv"), result.Rows, result.OracleRuns, result.Overlap);
        File.WriteAllText(Path.Combine(outDir, "report.md"), MarkdownReport.Render(result, commandLine));
    }
}
