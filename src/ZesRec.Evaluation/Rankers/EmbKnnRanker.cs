using ZesRec.Data;
using ZesRec.Evaluation.Baselines;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Rankers;

/// <summary>
/// EMB-KNN: the inner product between a candidate's text embedding and the mean text embedding of the items
/// the user interacted with. Zero-shot like ZESRec, with no learned parameters at all.
/// </summary>
public sealed class EmbKnnRanker(Tensor textEmbeddings) : IRanker
{
    public static BaselineDefinition Baseline { get; } = new("embknn", "EMB-KNN", "mean text embedding of the user's items against each item's (zero-shot)")
    {
        Create = b => new EmbKnnRanker(b.Text),
        IsDefault = true,
    };

    public string Name => "EMB-KNN";

    public Tensor Scores(IReadOnlyList<UserSequence> users, bool allPositions)
    {
        var points = PredictionPoints.Of(users, allPositions);
        var n = (int)textEmbeddings.shape[0];

        // Averaging weights as a dense [R, N] matrix: one matmul per chunk instead of one gather per row.
        var weights = new float[points.Count * n];
        for (var r = 0; r < points.Count; r++)
        {
            var (u, p) = points[r];
            for (var k = 0; k < p; k++)
            {
                weights[(r * n) + users[u].Items[k]] += 1f / p;
            }
        }

        using var w = tensor(weights, [points.Count, n], device: textEmbeddings.device);
        using var means = w.matmul(textEmbeddings);
        return means.matmul(textEmbeddings.t());
    }
}
