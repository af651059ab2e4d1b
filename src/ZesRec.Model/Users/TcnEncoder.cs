using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZesRec.Model.Users;

/// <summary>
/// TCN: residual blocks of causal dilated 1-D convolutions. A user's state holds, for each block, the block inputs
/// its convolution still needs ((kernel - 1) x dilation of them), then the last output: a streaming step computes
/// only the newest position (kernel matrix products per block) and gives exactly what the full sequence gives there.
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

    public int ReceptiveField => TcnVariant.ReceptiveField(kernel, dilations);

    /// <summary>(receptive field - 1) remembered block inputs and the last output, D floats each.</summary>
    public override int StateSize => ReceptiveField * dim;

    /// <summary>
    /// Every value of the state (the last output and the block inputs the convolutions still need) depends only on the
    /// last <see cref="ReceptiveField"/> inputs: stepping those from any state, zeros included, gives the same state.
    /// </summary>
    public override int? StateWindow => ReceptiveField;

    public override Tensor Step(Tensor item, Tensor time, Tensor state)
    {
        var batch = state.shape[0];
        var parts = new List<Tensor>(dilations.Length + 1);
        var input = item;
        var offset = 0;
        for (var i = 0; i < dilations.Length; i++)
        {
            var kept = (kernel - 1) * dilations[i];
            var history = state[.., offset..(offset + (kept * dim))].reshape(batch, kept, dim);
            var window = cat([history, input.unsqueeze(1)], 1);
            var conv = convs[i];
            // The kernel's taps (every dilation-th position of the window) side by side, times the weight laid out
            // tap by tap: one [B, kernel x D] x [kernel x D, D] product instead of kernel-many [B, D] x [D, D] ones.
            var taps = window[.., TensorIndex.Slice(0, null, dilations[i])].reshape(batch, kernel * dim);
            var weight = conv.weight!.permute(2, 1, 0).reshape(kernel * dim, dim);
            var output = conv.bias!.unsqueeze(0).addmm(taps, weight);

            parts.Add(window[.., 1..].reshape(batch, kept * dim));
            input = nn.functional.relu(output) + input;
            offset += kept * dim;
        }

        parts.Add(input);
        return cat(parts, 1);
    }

    public override Tensor UserVector(Tensor state) => state[.., ^dim..];

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
