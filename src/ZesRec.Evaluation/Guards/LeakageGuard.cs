using ZesRec.Data;
using ZesRec.Model;

namespace ZesRec.Evaluation.Guards;

/// <summary>
/// Zero-shot numbers mean nothing if the target leaked into training: the source must be the data the model
/// was trained on (same fingerprint), and no target user or item may appear in it.
/// </summary>
public static class LeakageGuard
{
    /// <summary>Throws when <paramref name="source"/>, prepared as training prepared it, is not the model's training data.</summary>
    public static void VerifySource(ModelCard card, EventLogDataset source)
    {
        var prepared = PreparedDomain.Prepare(source, new PreparationOptions { Seed = (int)card.Config.Seed });
        if (!string.Equals(prepared.Fingerprint, card.DataFingerprint, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"--source '{source.Name}' (fingerprint {prepared.Fingerprint[..12]}) is not the data model {card.ModelVersion} was trained on ({card.SourceDataset}, fingerprint {card.DataFingerprint[..12]})");
        }
    }

    /// <summary>Throws when the target, as prepared for evaluation, is the model's own training data.</summary>
    public static void RejectTrainingData(ModelCard card, EventLogDataset target)
    {
        var prepared = PreparedDomain.Prepare(target, new PreparationOptions { Seed = (int)card.Config.Seed });
        if (string.Equals(prepared.Fingerprint, card.DataFingerprint, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"target '{target.Name}' is the training data of model {card.ModelVersion}: a zero-shot evaluation needs an unseen domain");
        }
    }

    /// <summary>Shared users and items; the returned target has them removed.</summary>
    public static DomainOverlapResult RemoveOverlap(EventLogDataset source, EventLogDataset target, bool compareUsers) =>
        DomainOverlap.Check(source, target, new OverlapOptions { DropFrom = OverlapSide.Target, CompareUsers = compareUsers, Log = null });

    /// <summary>Throws when any target user or item still occurs in the source.</summary>
    public static void AssertDisjoint(EventLogDataset source, EventLogDataset target, bool compareUsers)
    {
        var overlap = DomainOverlap.Check(source, target, new OverlapOptions { CompareUsers = compareUsers, Log = null });
        if (overlap.SharedItemIds.Count > 0 || overlap.SharedUserIds.Count > 0)
        {
            throw new LeakageException(
                $"target '{target.Name}' shares {overlap.SharedItemIds.Count} items and {overlap.SharedUserIds.Count} users with source '{source.Name}' " +
                $"(items: {string.Join(' ', overlap.SharedItemIds.Take(10))}; users: {string.Join(' ', overlap.SharedUserIds.Take(10))})");
        }
    }
}

public sealed class LeakageException(string message) : Exception(message);
