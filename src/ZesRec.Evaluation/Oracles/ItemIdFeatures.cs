using static TorchSharp.torch;

namespace ZesRec.Evaluation.Oracles;

/// <summary>
/// In-domain GRU4Rec / TCN / HRNN learn one free vector per item id. ZESRec's item layer over a one-hot
/// "text" feature is exactly that table (column i of the weight, plus the shared bias), so the id baselines are
/// a <see cref="Model.ZesRecModel"/> fed item ids: same user encoders, same trainer, no copy of either.
/// The ids are an int64 tensor [0, N), which <see cref="Model.ZesRecModel.ItemVectors"/> turns into a lookup of
/// the weight's columns, the same numbers as a product with the N x N identity at a cost linear in N.
/// They cannot score an item they never saw in training, which is why they are oracles here.
/// </summary>
public static class ItemIdFeatures
{
    public static Tensor Create(int itemCount, Device device) => arange(itemCount, dtype: ScalarType.Int64, device: device);

    /// <summary>Width of the item layer's input: the text dimension, or one column per item for ids.</summary>
    public static int InputDim(Tensor features) => features.dtype == ScalarType.Int64 ? (int)features.shape[0] : (int)features.shape[1];
}
