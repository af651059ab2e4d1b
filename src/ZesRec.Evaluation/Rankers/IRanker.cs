using ZesRec.Data;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Rankers;

/// <summary>Scores every catalogue item for prediction points of a chunk of users.</summary>
public interface IRanker
{
    string Name { get; }

    /// <summary>[R, N] scores, one row per entry of <see cref="PredictionPoints.Of"/>: row (u, p) predicts
    /// <c>users[u].Items[p]</c> from <c>users[u].Items[..p]</c>.</summary>
    Tensor Scores(IReadOnlyList<UserSequence> users, bool allPositions);
}
