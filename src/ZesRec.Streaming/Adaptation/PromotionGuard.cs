using System.Globalization;

namespace ZesRec.Streaming.Adaptation;

/// <summary>The guard between a fine-tuned candidate and the serving model: only a better candidate serves.</summary>
public static class PromotionGuard
{
    /// <summary>
    /// Promotes when the candidate's held-out NDCG beats the serving model's by more than <paramref name="minGain"/>
    /// (absolute), on the same interactions; a tie, a loss, or a score that is not a number is refused. The reason
    /// names both scores.
    /// </summary>
    public static (bool Promote, string Reason) Decide(HeldOutScore serving, HeldOutScore candidate, double minGain = 0)
    {
        ArgumentNullException.ThrowIfNull(serving);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentOutOfRangeException.ThrowIfNegative(minGain);
        var scores = string.Create(CultureInfo.InvariantCulture,
            $"held-out NDCG@20 {candidate.Ndcg:F4} (Recall@20 {candidate.Recall:F4}) against the serving model's {serving.Ndcg:F4} (Recall@20 {serving.Recall:F4}) on {serving.Targets:N0} interactions");
        if (serving.Targets != candidate.Targets)
        {
            return (false, $"rejected: scored on different interactions ({candidate.Targets} and {serving.Targets})");
        }

        if (!double.IsFinite(candidate.Ndcg) || !double.IsFinite(serving.Ndcg))
        {
            return (false, $"rejected: a score is not a number, {scores}");
        }

        var gain = candidate.Ndcg - serving.Ndcg;
        return gain > minGain
            ? (true, $"promoted: {scores}")
            : (false, minGain > 0 && gain > 0
                ? string.Create(CultureInfo.InvariantCulture, $"rejected: {scores}, a gain of {gain:F4}, not more than the minimum {minGain:F4}")
                : $"rejected: {scores}, not better");
    }
}
