using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZesRec.Model.Users;

/// <summary>
/// TCN: residual blocks of causal dilated 1-D convolutions. A user's state is the window of the last
/// receptive-field inputs plus their validity flags, so a streaming step recomputes exactly what the full
/// sequence would give at its last position.
/// </summary>
public sealed class TcnEncoder : UserEncoder
{
    private readonly ModuleList<Conv1d> convs;
    private readonly int dim;
    private readonly int kernel;
    private readonly int[] dilations;

    public TcnEncoder(int dim, int kernel, IReadOnlyList<int> dilations)
        : base(nameof(TcnEncoder))
    {
        this.dim = dim;
        this.kernel = kernel;
        this.dilations = [.. dilations];
        convs = new ModuleList<Conv1d>([.. dilations.Select(d => nn.Conv1d(dim, dim, kernel, dilation: d))]);
        RegisterComponents();
    }

    public int ReceptiveField => 1 + ((kernel - 1) * dilations.Sum());

    public override int StateSize => ReceptiveField * (dim + 1);

    public override Tensor Step(Tensor item, Tensor time, Tensor state)
    {
        var r = ReceptiveField;
        var batch = state.shape[0];
        var window = state[.., ..(r * dim)].reshape(batch, r, dim);
        var valid = state[.., (r * dim)..];
        var nextWindow = cat([window[.., 1..], item.unsqueeze(1)], 1).reshape(batch, r * dim);
        var nextValid = cat([valid[.., 1..], ones(batch, 1, device: state.device)], 1);
        return cat([nextWindow, nextValid], 1);
    }

    public override Tensor UserVector(Tensor state)
    {
        var r = ReceptiveField;
        var batch = state.shape[0];
        var window = state[.., ..(r * dim)].reshape(batch, r, dim);
        var valid = state[.., (r * dim)..] > 0.5f;
        return Sequence(window, zeros(batch, r, device: state.device), valid)[.., -1];
    }

    public override Tensor Sequence(Tensor items, Tensor times, Tensor mask)
    {
        // Zeroing padded positions after every block makes a padded batch and a streaming window agree:
        // both see zeros wherever the full sequence had no input.
        var keep = mask.unsqueeze(1).to_type(items.dtype);
        var h = items.transpose(1, 2) * keep;
        for (var i = 0; i < dilations.Length; i++)
        {
            var padded = nn.functional.pad(h, [(kernel - 1) * dilations[i], 0]);
            h = (nn.functional.relu(convs[i].forward(padded)) + h) * keep;
        }

        return h.transpose(1, 2);
    }
}
