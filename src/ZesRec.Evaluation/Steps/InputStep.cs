using ZesRec.Data;
using ZesRec.Evaluation.Guards;
using ZesRec.Evaluation.Reporting;
using ZesRec.Model;
using ZesRec.Text;

namespace ZesRec.Evaluation.Steps;

/// <summary>
/// Loads the target, the models and the source, and runs the leakage and temporal guards before anything is
/// scored; encodes the target's item texts with the models' encoder.
/// </summary>
internal static class InputStep
{
    public static EvaluationContext Open(EvaluationOptions options, TextWriter log)
    {
        var context = new EvaluationContext(options, log, DeviceSelection.Resolve(options.Device));
        try
        {
            var targetData = EventLogDataset.Load(options.TargetDir);
            foreach (var dir in options.ModelDirs)
            {
                var (model, card) = ModelCheckpoint.Load(dir, context.Device);
                context.Models.Add(new LoadedModel(dir, model, card));
            }

            targetData = GuardSource(context, targetData);
            foreach (var model in context.Models)
            {
                LeakageGuard.RejectTrainingData(model.Card, targetData);
            }

            context.Target = PreparedDomain.Prepare(targetData);
            TemporalGuard.Check(context.Target);
            context.Checks.Add($"every test target comes after its user's training interactions and is in no training or validation sequence ({context.Target.Test.Count:N0} users)");
            var target = context.Target;
            log.WriteLine($"target {target.Name}: {target.ItemCount:N0} items, {target.Test.Count:N0} test users, {target.Train.Count:N0} train / {target.Validation.Count:N0} validation users");
            EncodeTexts(context);
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    // With --source: the models' training data, and the target without anything it shares with it.
    private static EventLogDataset GuardSource(EvaluationContext context, EventLogDataset targetData)
    {
        var options = context.Options;
        if (options.SourceDir is null)
        {
            context.Checks.Add("no --source given: overlap between source and target NOT checked");
            return targetData;
        }

        var sourceData = EventLogDataset.Load(options.SourceDir);
        context.SourceData = sourceData;
        foreach (var model in context.Models)
        {
            LeakageGuard.VerifySource(model.Card, sourceData);
        }

        context.Checks.Add($"source '{sourceData.Name}' has the data fingerprint recorded in every model card");
        var overlap = LeakageGuard.RemoveOverlap(sourceData, targetData, options.CompareUsers);
        context.Overlap = new OverlapCounts(sourceData.Name, overlap.SharedItemIds.Count, overlap.SharedUserIds.Count, options.CompareUsers, overlap.RemovedInteractions);
        context.Checks.Add($"overlap with the source: {overlap.SharedItemIds.Count} shared items, {overlap.SharedUserIds.Count} shared users (user ids {(options.CompareUsers ? "compared" : "not compared")}); removed from the target: {overlap.RemovedInteractions} interactions");
        LeakageGuard.AssertDisjoint(sourceData, overlap.Cleaned, options.CompareUsers);
        return overlap.Cleaned;
    }

    private static void EncodeTexts(EvaluationContext context)
    {
        context.Encoder = TextEncoders.Create(context.Options.Encoder, context.Options.CacheDir);
        foreach (var model in context.Models)
        {
            if (!string.Equals(model.Card.TextEncoder, context.Encoder.Name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"model {model.Dir} was trained with text encoder '{model.Card.TextEncoder}', not '{context.Encoder.Name}': pass the matching --encoder");
            }
        }

        context.Text = TextFeatures.Encode(context.Encoder, context.Target.ItemTexts, context.Device);
    }
}
