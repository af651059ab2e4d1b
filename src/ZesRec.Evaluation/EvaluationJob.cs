using System.Diagnostics;
using ZesRec.Evaluation.Guards;
using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Steps;
using ZesRec.Model;

namespace ZesRec.Evaluation;

/// <summary>
/// <c>zesrec evaluate</c>: zero-shot ZESRec models and the baselines on a target domain's test split, with the
/// leakage guards, the incremental-training experiment and the case study; writes report.md, results.csv and plots.
/// Each experiment is a step (Steps/); the context they share owns every model and tensor.
/// </summary>
public static class EvaluationJob
{
    /// <param name="progress">Batches of oracle training, for a progress bar; epochs are log lines either way.</param>
    public static EvaluationResult Run(EvaluationOptions options, TextWriter log, string commandLine = "", IProgress<OracleProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var baselines = OptionGuards.Check(options);
        using var context = InputStep.Open(options, log);
        var results = new Results(context.Target.Test, OptionGuards.Protocols(options), log);
        var caseSubject = ZeroShotStep.Run(context, results);
        var trainer = new OracleTrainer(new ZesRecConfig { MaxEpochs = options.MaxEpochs }, options.Grid, log, options.OracleSettings) { Progress = progress };
        var oracles = BaselineStep.Run(context, results, trainer, baselines);
        var plots = IncrementalStep.Run(context, results, trainer, oracles);
        var caseStudy = CaseStudyStep.Run(context, caseSubject);

        var target = context.Target;
        var result = new EvaluationResult(results.Rows, ScoreSanity.Warnings(results.Rows), context.Checks, caseStudy, plots, target.Name, target.ItemCount, target.Test.Count, clock.Elapsed.TotalSeconds)
        {
            Protocols = results.Protocols,
            OracleRuns = results.OracleRuns,
            Overlap = context.Overlap,
        };
        ReportWriter.Write(options.OutDir, result, commandLine, log);
        log.WriteLine($"wrote {Path.Combine(options.OutDir, "report.md")} and results.csv in {clock.Elapsed.TotalSeconds:F0} s");
        return result;
    }
}
