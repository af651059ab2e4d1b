using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZesRec.Model.Users;

/// <summary>GRU4Rec: one GRU over the item vectors; the hidden state is the user vector.</summary>
public sealed class Gru4RecEncoder : UserEncoder
{
    private readonly GRU gru;
    private readonly int dim;

    public Gru4RecEncoder(int dim)
        : base(nameof(Gru4RecEncoder))
    {
        this.dim = dim;
        gru = nn.GRU(dim, dim, batchFirst: true);
        RegisterComponents();
    }

    public override int StateSize => dim;

    public override Tensor Step(Tensor item, Tensor time, Tensor state) =>
        gru.forward(item.unsqueeze(1), state.unsqueeze(0)).Item2.squeeze(0);

    public override Tensor UserVector(Tensor state) => state;

    /// <summary>
    /// One fused GRU call over the whole batch: inputs are right-padded, so padding only follows the real
    /// positions and never changes their outputs.
    /// </summary>
    public override Tensor Sequence(Tensor items, Tensor times, Tensor mask) =>
        gru.forward(items, zeros([1, items.shape[0], dim], device: items.device)).Item1;
}
