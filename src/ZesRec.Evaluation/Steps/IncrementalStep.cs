using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Reporting;

namespace ZesRec.Evaluation.Steps;

/// <summary>The paper's Figure 2: the oracles retrained on growing budgets of target interactions, last-item protocol.</summary>
internal static class IncrementalStep
{
    /// <returns>The plot files written, none when the experiment was not asked for.</returns>
    public static IReadOnlyList<string> Run(EvaluationContext context, Results results, OracleTrainer trainer, IReadOnlyList<OracleSpec> oracles)
    {
        var options = context.Options;
        if (options.IncrementalSizes.Count == 0 || oracles.Count == 0)
        {
            return [];
        }

        foreach (var size in options.IncrementalSizes)
        {
            for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++)
            {
                var subset = InteractionBudget.Sample(context.Target, size, seed);
                context.Log.WriteLine($"incremental {size:N0}: {subset.Train.Count} train + {subset.Validation.Count} validation users, {subset.Interactions:N0} interactions (seed {seed})");
                foreach (var spec in oracles)
                {
                    OracleStep.TrainAndEvaluate(context, results, trainer, spec, (subset.Train, subset.Validation), seed, "incremental", size, [EvaluationProtocol.Paper]);
                }
            }
        }

        return IncrementalPlot.SaveAll(options.OutDir, results.Rows);
    }
}
