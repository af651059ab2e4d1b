using ZesRec.Evaluation.Baselines;
using ZesRec.Evaluation.Oracles;

namespace ZesRec.Evaluation.Steps;

/// <summary>Every requested baseline for every seed: rankers built from the target, and oracles trained on it.</summary>
internal static class BaselineStep
{
    /// <returns>The oracles requested, for the incremental experiment.</returns>
    public static IReadOnlyList<OracleSpec> Run(EvaluationContext context, Results results, OracleTrainer trainer, IReadOnlyList<BaselineDefinition> baselines)
    {
        var options = context.Options;
        var target = context.Target;
        var trainInteractions = target.Train.Concat(target.Validation).Sum(u => (long)u.Items.Length);
        for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++)
        {
            var run = $"seed {seed}";
            foreach (var baseline in baselines)
            {
                if (baseline.Oracle is { } spec)
                {
                    OracleStep.TrainAndEvaluate(context, results, trainer, spec, (target.Train, target.Validation), seed, interactions: trainInteractions);
                    continue;
                }

                var ranker = baseline.Create!(new BaselineInputs(target, context.Text, seed));
                try
                {
                    results.Record(ranker, run, seed, 0);
                }
                finally
                {
                    (ranker as IDisposable)?.Dispose();
                }
            }
        }

        return [.. baselines.Where(b => b.Oracle is not null).Select(b => b.Oracle!)];
    }
}
