using ZesRec.Evaluation.Rankers;
using ZesRec.Model;

namespace ZesRec.Evaluation.Steps;

/// <summary>ZESRec models trained on the source only, scoring the target by its item texts; a model is one run of its variant.</summary>
internal static class ZeroShotStep
{
    /// <summary>The model of the case study and its last-item ranks.</summary>
    public sealed record CaseSubject(string Name, LoadedModel Model, long[] Ranks);

    public static CaseSubject? Run(EvaluationContext context, Results results)
    {
        CaseSubject? subject = null;
        for (var m = 0; m < context.Models.Count; m++)
        {
            var loaded = context.Models[m];
            var name = "ZESRec-" + UserEncoderRegistry.Get(loaded.Card.Config.Variant).DisplayName;
            using var ranker = new SequenceModelRanker(name, loaded.Model, context.Text, ownsModel: false);
            results.Record(ranker, loaded.Run, m + 1, 0);
            if (subject is null && context.SourceData is not null && context.Options.CaseStudyUsers > 0)
            {
                subject = new CaseSubject(name, loaded, Evaluator.Evaluate(ranker, context.Target.Test, EvaluationProtocol.Paper, m + 1).Ranks);
            }
        }

        return subject;
    }
}
