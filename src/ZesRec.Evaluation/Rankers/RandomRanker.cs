using ZesRec.Data;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Rankers;

/// <summary>Uniform random scores: the floor every method must clear.</summary>
public sealed class RandomRanker(int itemCount, long seed) : IRanker
{
    private readonly Generator generator = new((ulong)seed);

    public string Name => "Random";

    public Tensor Scores(IReadOnlyList<UserSequence> users, bool allPositions) =>
        rand([PredictionPoints.Of(users, allPositions).Count, itemCount], generator: generator);
}
