using ZesRec.Data;
using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Rankers;

namespace ZesRec.Evaluation.Steps;

/// <summary>Trains one oracle on target sequences, records how, evaluates it and disposes it.</summary>
internal static class OracleStep
{
    public static void TrainAndEvaluate(
        EvaluationContext context,
        Results results,
        OracleTrainer trainer,
        OracleSpec spec,
        (IReadOnlyList<UserSequence> Train, IReadOnlyList<UserSequence> Validation) data,
        long seed,
        string experiment = "main",
        long interactions = 0,
        IReadOnlyList<EvaluationProtocol>? only = null)
    {
        var features = context.Features(spec);
        var trained = trainer.Train(spec, features, data.Train, data.Validation, seed);
        SequenceModelRanker ranker;
        try
        {
            ranker = new SequenceModelRanker(spec.Name, trained.Model, features);
        }
        catch
        {
            trained.Model.Dispose();
            throw;
        }

        using (ranker)
        {
            results.AddOracleRuns(trained.Runs, experiment, interactions);
            results.Record(ranker, $"seed {seed}", seed, trained.Seconds, experiment, interactions, only);
        }
    }
}
