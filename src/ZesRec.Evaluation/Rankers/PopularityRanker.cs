using ZesRec.Data;
using ZesRec.Evaluation.Baselines;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Rankers;

/// <summary>
/// POP: items ranked by their interaction count in the target's training data. It needs target interactions,
/// so in a zero-shot comparison it is an oracle.
/// </summary>
public sealed class PopularityRanker : IRanker, IDisposable
{
    private readonly Tensor counts;

    public PopularityRanker(int itemCount, IEnumerable<UserSequence> training)
    {
        var c = new float[itemCount];
        foreach (var user in training)
        {
            foreach (var item in user.Items)
            {
                c[item]++;
            }
        }

        Counts = c;
        counts = tensor(c);
    }

    public static BaselineDefinition Baseline { get; } = new("pop", "POP", "items by their count in the target's training data (an oracle)")
    {
        Create = b => new PopularityRanker(b.Target.ItemCount, b.Target.Train.Concat(b.Target.Validation)),
        IsDefault = true,
    };

    public IReadOnlyList<float> Counts { get; }

    public string Name => "POP";

    public Tensor Scores(IReadOnlyList<UserSequence> users, bool allPositions) =>
        counts.unsqueeze(0).expand(PredictionPoints.Of(users, allPositions).Count, -1).clone();

    public void Dispose() => counts.Dispose();
}
