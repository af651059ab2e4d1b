using System.Globalization;

namespace ZesRec.Streaming.Adaptation;

/// <summary>The guard between a fine-tuned candidate and the serving model: only a better candidate serves.</summary>
public static class PromotionGuard
{
    /// <summary>The default <c>minZ</c>: a one-sided test at the 95 % level.</summary>
    public const double DefaultMinZ = 1.645;

    /// <summary>
    /// Promotes when the candidate's held-out NDCG beats the serving model's by more than <paramref name="minGain"/>
    /// (absolute), on the same interactions, and, when both carry per-interaction scores, by at least
    /// <paramref name="minZ"/> standard errors of the paired per-interaction difference: on a few hundred held-out
    /// interactions a gain of a few thousandths is often noise, and such a candidate can serve worse than the model
    /// it replaced. A tie, a loss, a score that is not a number or a gain within the noise is refused. The reason
    /// names both scores.
    /// </summary>
    public static (bool Promote, string Reason) Decide(HeldOutScore serving, HeldOutScore candidate, double minGain = 0, double minZ = 0)
    {
        ArgumentNullException.ThrowIfNull(serving);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentOutOfRangeException.ThrowIfNegative(minGain);
        ArgumentOutOfRangeException.ThrowIfNegative(minZ);
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
        if (gain <= minGain)
        {
            return (false, minGain > 0 && gain > 0
                ? string.Create(CultureInfo.InvariantCulture, $"rejected: {scores}, a gain of {gain:F4}, not more than the minimum {minGain:F4}")
                : $"rejected: {scores}, not better");
        }

        var z = PairedZ(serving.PerTarget, candidate.PerTarget);
        if (z is not { } known)
        {
            return (true, $"promoted: {scores}");
        }

        var significance = string.Create(CultureInfo.InvariantCulture, $"{(double.IsPositiveInfinity(known) ? "every interaction gained alike" : $"{known:F2} standard errors of the paired difference")}");
        return known >= minZ
            ? (true, $"promoted: {scores}, a gain of {significance}")
            : (false, string.Create(CultureInfo.InvariantCulture, $"rejected: {scores}, a gain of only {significance}, fewer than {minZ:F2}: within the noise"));
    }

    /// <summary>
    /// The mean per-interaction gain divided by its standard error, or null when either side has no per-interaction
    /// scores (or they differ in number).
    /// </summary>
    public static double? PairedZ(IReadOnlyList<double>? serving, IReadOnlyList<double>? candidate)
    {
        if (serving is null || candidate is null || serving.Count != candidate.Count || serving.Count < 2)
        {
            return null;
        }

        var n = serving.Count;
        double mean = 0;
        for (var i = 0; i < n; i++)
        {
            mean += candidate[i] - serving[i];
        }

        mean /= n;
        double squares = 0;
        for (var i = 0; i < n; i++)
        {
            var d = candidate[i] - serving[i] - mean;
            squares += d * d;
        }

        var standardError = Math.Sqrt(squares / (n - 1) / n);
        return standardError > 0 ? mean / standardError : mean > 0 ? double.PositiveInfinity : mean < 0 ? double.NegativeInfinity : 0;
    }
}
