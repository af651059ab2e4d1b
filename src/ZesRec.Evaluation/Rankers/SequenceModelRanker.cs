using ZesRec.Data;
using ZesRec.Model;
using ZesRec.Model.Training;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Rankers;

/// <summary>
/// A <see cref="ZesRecModel"/> as a ranker: ZESRec zero-shot (text features of the target items), the -Meta
/// oracles (text features, trained on the target) and the item-id oracles (one-hot features, see
/// <see cref="Oracles.ItemIdFeatures"/>). The whole history is fed, not only the last MaxLength items, as the
/// streaming processor's running state does.
/// </summary>
public sealed class SequenceModelRanker : IRanker, IDisposable
{
    private readonly ZesRecModel model;
    private readonly Tensor itemVectors;
    private readonly Device device;
    private readonly bool ownsModel;

    /// <param name="ownsModel">Dispose the model with the ranker; false where the model serves several rankers.</param>
    public SequenceModelRanker(string name, ZesRecModel model, Tensor itemFeatures, bool ownsModel = true)
    {
        Name = name;
        this.model = model;
        this.ownsModel = ownsModel;
        device = itemFeatures.device;
        model.eval();
        using var noGrad = no_grad();
        itemVectors = model.ItemVectors(itemFeatures).detach().DetachFromDisposeScope();
    }

    public string Name { get; }

    public ZesRecModel Model => model;

    public Tensor Scores(IReadOnlyList<UserSequence> users, bool allPositions)
    {
        using var scope = NewDisposeScope();
        var vectors = UserVectors(users, allPositions);
        return model.Scores(vectors, itemVectors).MoveToOuterDisposeScope();
    }

    /// <summary>[R, D] user vectors at the prediction points, each from the items before its position.</summary>
    public Tensor UserVectors(IReadOnlyList<UserSequence> users, bool allPositions)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var sequences = users.Select(u => new TrainingSequence(u.Items, u.Times)).ToList();
        using var batch = SequenceBatch.Create(sequences, (int)itemVectors.shape[0], int.MaxValue, device);
        var vectors = NextItemObjective.UserVectors(model, batch, itemVectors);
        if (!allPositions)
        {
            // Real positions are laid out row by row, so each user's last one ends its block.
            var last = new long[users.Count];
            long end = 0;
            for (var u = 0; u < users.Count; u++)
            {
                end += users[u].Items.Length;
                last[u] = end - 1;
            }

            vectors = vectors.index_select(0, tensor(last, device: device));
        }

        return vectors.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        itemVectors.Dispose();
        if (ownsModel)
        {
            model.Dispose();
        }
    }
}
