using static TorchSharp.torch;

namespace ZesRec.Evaluation.Oracles;

/// <summary>
/// In-domain GRU4Rec / TCN / HRNN learn one free vector per item id. ZESRec's item layer over a one-hot
/// "text" feature is exactly that table (column i of the weight, plus the shared bias), so the id baselines are
/// a <see cref="Model.ZesRecModel"/> fed an identity matrix: same user encoders, same trainer, no copy of either.
/// They cannot score an item they never saw in training, which is why they are oracles here.
/// </summary>
public static class ItemIdFeatures
{
    public static Tensor Create(int itemCount, Device device) => eye(itemCount, dtype: ScalarType.Float32, device: device);
}
