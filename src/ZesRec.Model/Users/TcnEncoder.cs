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
            h = (nn.functional.relu(CausalConvolution(i, h)) + h) * keep;
        }

        return h.transpose(1, 2);
    }

    // The causal convolution as kernel-many matrix products over shifted views of [batch, D, T], with the Conv1d
    // module's own weight [D, D, kernel] and bias (so checkpoints keep their keys). libtorch 2.10's CPU Conv1d
    // returns wrong values on AMD EPYC for some shapes (24 or 300 channels at batch >= 32: up to 0.9 off, later
    // NaN), which made TCN training and scoring unrepeatable; matrix products are exact everywhere.
    private Tensor CausalConvolution(int block, Tensor h)
    {
        var conv = convs[block];
        var dilation = dilations[block];
        var length = h.shape[2];
        var padded = nn.functional.pad(h, [(kernel - 1) * dilation, 0]);
        var output = conv.bias!.view(1, -1, 1);
        for (var j = 0; j < kernel; j++)
        {
            var shifted = padded[.., .., (j * dilation)..((j * dilation) + (int)length)];
            output = output + conv.weight![.., .., j].matmul(shifted);
        }

        return output;
    }
}
