using ZesRec.Data;
using ZesRec.Evaluation.Rankers;
using ZesRec.Model;

namespace ZesRec.Evaluation.Steps;

/// <summary>Nearest source users of well-predicted target users (needs --source), for report.md.</summary>
internal static class CaseStudyStep
{
    public static string? Run(EvaluationContext context, ZeroShotStep.CaseSubject? subject)
    {
        if (subject is null || context.SourceData is null)
        {
            return null;
        }

        var source = PreparedDomain.Prepare(context.SourceData);
        using var sourceText = TextFeatures.Encode(context.Encoder, source.ItemTexts, context.Device);
        var model = subject.Model.Model;
        using var targetRanker = new SequenceModelRanker(subject.Name, model, context.Text, ownsModel: false);
        using var sourceRanker = new SequenceModelRanker(subject.Name, model, sourceText, ownsModel: false);
        return CaseStudy.Write(targetRanker, context.Target, subject.Ranks, sourceRanker, source, context.Options.CaseStudyUsers);
    }
}
