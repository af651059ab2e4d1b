using TorchSharp;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Metrics;

/// <summary>
/// 1-based rank of each row's target among all candidates. Ties are broken uniformly at random with the given
/// generator: a constant scorer (POP over many zero-count items) then gets its expected rank, not its best.
/// </summary>
public static class RankCalculator
{
    /// <param name="scores">[R, N] scores.</param>
    /// <param name="targets">[R] int64 target indices.</param>
    /// <param name="excluded">[R, N] bool, true for candidates that may not be recommended; null for none.</param>
    /// <returns>Ranks; <see cref="RankMetrics.Miss"/> where the target itself is excluded.</returns>
    public static long[] Ranks(Tensor scores, Tensor targets, Tensor? excluded, Generator? generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = scores.shape[0];

        // Explicit scalars, kept alive to the end: implicit conversions create short-lived native scalars, and
        // one of them failed inside libtorch (Scalar::toFloat) on a long run.
        using var negativeInfinity = float.NegativeInfinity.ToScalar();
        using var one = 1L.ToScalar();
        using var zero = 0L.ToScalar();
        var target = scores.to_type(ScalarType.Float32).gather(1, targets.unsqueeze(1));
        var candidates = scores.to_type(ScalarType.Float32);
        if (excluded is not null)
        {
            candidates = candidates.masked_fill(excluded, negativeInfinity);
        }

        var greater = candidates.gt(target).sum(1);
        var ties = candidates.eq(target).sum(1).sub(one);
        var draw = rand([rows], generator: generator, device: scores.device);
        var share = draw.mul(ties.add(one).to_type(ScalarType.Float32)).floor().to_type(ScalarType.Int64).minimum(ties.clamp_min(zero));
        var rank = greater.add(one).add(share);
        GC.KeepAlive(negativeInfinity);
        var result = rank.cpu().data<long>().ToArray();
        if (excluded is not null)
        {
            var missed = excluded.gather(1, targets.unsqueeze(1)).squeeze(1).cpu().data<bool>().ToArray();
            for (var i = 0; i < result.Length; i++)
            {
                if (missed[i])
                {
                    result[i] = RankMetrics.Miss;
                }
            }
        }

        return result;
    }
}
