using ZesRec.Data;
using ZesRec.Evaluation.Baselines;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Rankers;

/// <summary>Uniform random scores: the floor every method must clear.</summary>
public sealed class RandomRanker(int itemCount, long seed) : IRanker, IDisposable
{
    private readonly Generator generator = new((ulong)seed);

    public static BaselineDefinition Baseline { get; } = new("random", "Random", "uniform random scores")
    {
        Create = b => new RandomRanker(b.Target.ItemCount, b.Seed),
        IsDefault = true,
    };

    public string Name => "Random";

    public Tensor Scores(IReadOnlyList<UserSequence> users, bool allPositions) =>
        rand([PredictionPoints.Of(users, allPositions).Count, itemCount], generator: generator);

    public void Dispose() => generator.Dispose();
}
