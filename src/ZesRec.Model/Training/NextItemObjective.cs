using static TorchSharp.torch;

namespace ZesRec.Model.Training;

/// <summary>Softmax cross-entropy of each next item over the catalogue (or over sampled negatives).</summary>
public static class NextItemObjective
{
    /// <summary>User vectors [P, D] at the real positions of a batch, given the item table [N, D].</summary>
    public static Tensor UserVectors(ZesRecModel model, SequenceBatch batch, Tensor itemVectors)
    {
        var dim = itemVectors.shape[1];
        var table = cat([itemVectors, model.DummyItem(1), zeros(1, dim, device: itemVectors.device)], 0);
        var inputs = table.index_select(0, batch.Inputs.reshape(-1)).reshape(batch.Inputs.shape[0], batch.Inputs.shape[1], dim);
        var users = model.UserSequence(inputs, batch.Times, batch.Mask);
        return users.reshape(-1, dim).index_select(0, batch.ValidPositions);
    }

    /// <summary>Mean cross-entropy over the batch's real positions.</summary>
    public static Tensor Loss(ZesRecModel model, SequenceBatch batch, Tensor itemVectors, int sampledNegatives, Generator? generator = null)
    {
        var users = UserVectors(model, batch, itemVectors);
        var targets = batch.Targets.index_select(0, batch.ValidPositions);
        if (sampledNegatives <= 0)
        {
            return nn.functional.cross_entropy(model.Scores(users, itemVectors), targets);
        }

        // Uniform negatives shared by the batch: the log-Q correction is the same constant for every
        // candidate and cancels. Negatives that happen to be a row's target are masked out.
        var negatives = randint(itemVectors.shape[0], [sampledNegatives], generator: generator, device: itemVectors.device);
        var positive = (users * itemVectors.index_select(0, targets)).sum(1, keepdim: true);
        var negative = model.Scores(users, itemVectors.index_select(0, negatives));
        negative = negative.masked_fill(targets.unsqueeze(1).eq(negatives.unsqueeze(0)), float.NegativeInfinity);
        var logits = cat([positive, negative], 1);
        return nn.functional.cross_entropy(logits, zeros(targets.shape[0], dtype: ScalarType.Int64, device: targets.device));
    }
}
