using TorchSharp;
using static TorchSharp.torch;

namespace ZesRec.Model.Users;

/// <summary>
/// A sequential user model. Its whole memory of a user is one flat state row, so the streaming processor can
/// keep, batch and persist states without knowing the variant; training runs the same steps over padded batches.
/// </summary>
public abstract class UserEncoder(string name) : nn.Module(name)
{
    public abstract int StateSize { get; }

    /// <summary>
    /// How many of the most recent inputs determine the state completely, whatever came before them (a receptive
    /// field); null when the state carries something of every input since the start. A model with a window can have
    /// its state rebuilt from the last inputs instead of storing it.
    /// </summary>
    public virtual int? StateWindow => null;

    /// <summary>State of a user before any item, the dummy start item included.</summary>
    public virtual Tensor EmptyState(long batch, Device device) => zeros([batch, StateSize], device: device);

    /// <summary>Consumes one item vector per row (<paramref name="item"/> [B, D], <paramref name="time"/> [B]).</summary>
    public abstract Tensor Step(Tensor item, Tensor time, Tensor state);

    /// <summary>The user vector [B, D] after the items consumed so far.</summary>
    public abstract Tensor UserVector(Tensor state);

    /// <summary>
    /// User vectors after each input of right-padded sequences: <paramref name="items"/> [B, L, D],
    /// <paramref name="times"/> [B, L], <paramref name="mask"/> [B, L] true where an input is real.
    /// The default runs <see cref="Step"/> position by position and keeps the state over padding.
    /// </summary>
    public virtual Tensor Sequence(Tensor items, Tensor times, Tensor mask)
    {
        var length = items.shape[1];
        var state = EmptyState(items.shape[0], items.device);
        var outputs = new List<Tensor>((int)length);
        for (var t = 0; t < length; t++)
        {
            var next = Step(items[.., t], times[.., t], state);
            state = where(mask[.., t].unsqueeze(1), next, state);
            outputs.Add(UserVector(state));
        }

        return stack(outputs, 1);
    }
}
