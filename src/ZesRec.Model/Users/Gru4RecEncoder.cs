using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZesRec.Model.Users;

/// <summary>GRU4Rec: one GRU over the item vectors; the hidden state is the user vector.</summary>
public sealed class Gru4RecEncoder : UserEncoder
{
    private readonly GRUCell cell;
    private readonly int dim;

    public Gru4RecEncoder(int dim)
        : base(nameof(Gru4RecEncoder))
    {
        this.dim = dim;
        cell = nn.GRUCell(dim, dim);
        RegisterComponents();
    }

    public override int StateSize => dim;

    public override Tensor Step(Tensor item, Tensor time, Tensor state) => cell.forward(item, state);

    public override Tensor UserVector(Tensor state) => state;
}
