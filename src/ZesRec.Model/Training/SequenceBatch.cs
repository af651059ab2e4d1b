using static TorchSharp.torch;

namespace ZesRec.Model.Training;

/// <summary>
/// Right-padded next-item batch (real inputs first, so causal models never see padding before a real input). Input k is the dummy item (k = 0) or item k-1, and the target at k is item k, so
/// every position trains the prediction of the next item from what came before it. Inputs index a table of
/// item vectors followed by the dummy row (index N) and a zero row for padding (index N+1).
/// </summary>
public sealed class SequenceBatch : IDisposable
{
    public const long IgnoredTarget = -100;

    private SequenceBatch(Tensor inputs, Tensor times, Tensor mask, Tensor targets, Tensor validPositions, int positions)
    {
        Inputs = inputs;
        Times = times;
        Mask = mask;
        Targets = targets;
        ValidPositions = validPositions;
        Positions = positions;
    }

    /// <summary>[B, L] indices into the item table extended by the dummy and padding rows.</summary>
    public Tensor Inputs { get; }

    /// <summary>[B, L] order keys of the inputs (float64).</summary>
    public Tensor Times { get; }

    /// <summary>[B, L] true where the input is real.</summary>
    public Tensor Mask { get; }

    /// <summary>[B * L] flattened targets; padded positions hold <see cref="IgnoredTarget"/>.</summary>
    public Tensor Targets { get; }

    /// <summary>Indices of the real positions in the flattened [B * L] layout.</summary>
    public Tensor ValidPositions { get; }

    public int Positions { get; }

    public static SequenceBatch Create(IReadOnlyList<TrainingSequence> sequences, int itemCount, int maxLength, Device device)
    {
        var length = sequences.Max(s => Math.Min(s.Items.Length, maxLength));
        var batch = sequences.Count;
        var inputs = new long[batch * length];
        var times = new double[batch * length];
        var mask = new bool[batch * length];
        var targets = new long[batch * length];
        var valid = new List<long>();
        Array.Fill(inputs, itemCount + 1);
        Array.Fill(targets, IgnoredTarget);
        for (var b = 0; b < batch; b++)
        {
            var s = sequences[b];
            var n = Math.Min(s.Items.Length, maxLength);
            var first = s.Items.Length - n;
            var row = b * length;
            const int offset = 0;
            for (var k = 0; k < n; k++)
            {
                var at = row + offset + k;
                inputs[at] = k == 0 ? itemCount : s.Items[first + k - 1];
                times[at] = k == 0 ? s.Times[first] : s.Times[first + k - 1];
                mask[at] = true;
                targets[at] = s.Items[first + k];
                valid.Add(at);
            }
        }

        return new SequenceBatch(
            tensor(inputs, [batch, length], device: device),
            tensor(times, [batch, length], device: device),
            tensor(mask, [batch, length], device: device),
            tensor(targets, device: device),
            tensor(valid.ToArray(), device: device),
            valid.Count);
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Times.Dispose();
        Mask.Dispose();
        Targets.Dispose();
        ValidPositions.Dispose();
    }
}
