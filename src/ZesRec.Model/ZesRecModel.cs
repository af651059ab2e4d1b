using TorchSharp;
using TorchSharp.Modules;
using ZesRec.Model.Users;
using static TorchSharp.torch;

namespace ZesRec.Model;

/// <summary>
/// ZESRec: item vector = one linear layer over a frozen text embedding (plus a learned per-item offset during
/// training only), user vector = a sequential model over the user's item vectors started by a dummy item,
/// score = inner product. Optional parts (see <see cref="ZesRecConfig"/>): normalised text, a user head, a skip
/// connection from the last item, cosine scoring with a temperature. Field names are checkpoint keys: do not
/// rename them.
/// </summary>
public sealed class ZesRecModel : nn.Module
{
    private readonly Linear itemLayer;
    private readonly Parameter dummy;
    private readonly Parameter offsets;
    private readonly UserEncoder users;
    private readonly Linear? userHead;
    private readonly ZesRecConfig config;

    public ZesRecModel(ZesRecConfig config, int textDim, int sourceItems)
        : base(nameof(ZesRecModel))
    {
        this.config = config;
        itemLayer = nn.Linear(textDim, config.Dim);
        dummy = new Parameter(randn(config.Dim) * 0.01f);
        offsets = new Parameter(zeros(Math.Max(sourceItems, 1), config.Dim));
        users = UserEncoderRegistry.Get(config.Variant).Create(config);
        userHead = config.UserHead ? nn.Linear(config.Dim, config.Dim) : null;
        RegisterComponents();
    }

    public ZesRecConfig Config => config;

    /// <summary>The user encoder's state, then (with <see cref="ZesRecConfig.SkipLastItem"/>) the last item vector.</summary>
    public int StateSize => users.StateSize + (config.SkipLastItem ? config.Dim : 0);

    /// <summary>
    /// The user encoder's <see cref="UserEncoder.StateWindow"/> (the last-item part is the last input, inside any
    /// window); null when the state depends on every input since the start.
    /// </summary>
    public int? StateWindow => users.StateWindow;

    /// <summary>
    /// Item vectors as served: text embedding through the item layer, offsets dropped. An int64 tensor of item
    /// indices instead of text selects columns of the item layer: what a one-hot feature would give, without the
    /// N x N matrix (the item-id oracles).
    /// </summary>
    public Tensor ItemVectors(Tensor features) => Finish(Project(features));

    /// <summary>Item vectors of the training catalogue, offsets included.</summary>
    public Tensor TrainingItemVectors(Tensor features) => Finish(Project(features) + offsets);

    /// <summary>0.5 * lambda_v * ||offsets||^2: the Gaussian prior's negative log density.</summary>
    public Tensor OffsetPenalty() => offsets.pow(2).sum() * (0.5 * config.LambdaV);

    /// <summary>User vectors after each input; see <see cref="UserEncoder.Sequence"/>.</summary>
    public Tensor UserSequence(Tensor inputs, Tensor times, Tensor mask)
    {
        var dropped = nn.functional.dropout(inputs, config.Dropout, training);
        var hidden = users.Sequence(dropped, times, mask);
        return Output(hidden, config.SkipLastItem ? dropped : null);
    }

    /// <summary>The dummy start item, broadcast to <paramref name="batch"/> rows.</summary>
    public Tensor DummyItem(long batch) => dummy.unsqueeze(0).expand(batch, -1);

    /// <summary>State of new users: the dummy item already consumed, so they get recommendations at once.</summary>
    public Tensor StartState(Tensor time)
    {
        var batch = time.shape[0];
        var empty = users.EmptyState(batch, time.device);
        return Step(DummyItem(batch), time, config.SkipLastItem ? cat([empty, zeros(batch, config.Dim, device: time.device)], 1) : empty);
    }

    public Tensor Step(Tensor item, Tensor time, Tensor state)
    {
        if (!config.SkipLastItem)
        {
            return users.Step(item, time, state);
        }

        var next = users.Step(item, time, state[.., ..users.StateSize]);
        return cat([next, item], 1);
    }

    public Tensor UserVector(Tensor state) => config.SkipLastItem
        ? Output(users.UserVector(state[.., ..users.StateSize]), state[.., users.StateSize..])
        : Output(users.UserVector(state), null);

    /// <summary>Inner-product scores [users, items].</summary>
    public Tensor Scores(Tensor userVectors, Tensor itemVectors) => userVectors.matmul(itemVectors.t());

    /// <summary>Inner-product scores [users, items] written into <paramref name="output"/> (which is returned).</summary>
    public Tensor Scores(Tensor userVectors, Tensor itemVectors, Tensor output) => output.addmm_(userVectors, itemVectors.t(), beta: 0, alpha: 1);

    private Tensor Project(Tensor features)
    {
        if (features.dtype == ScalarType.Int64)
        {
            return itemLayer.weight!.t().index_select(0, features) + itemLayer.bias!;
        }

        return itemLayer.forward(config.NormalizeText ? nn.functional.normalize(features, dim: -1) : features);
    }

    private Tensor Finish(Tensor itemVectors) =>
        config.Temperature > 0 ? nn.functional.normalize(itemVectors, dim: -1) : itemVectors;

    // Encoder output [.., D] → user vector: the head, the last item, then the cosine scale.
    private Tensor Output(Tensor hidden, Tensor? lastItem)
    {
        var user = userHead is null ? hidden : userHead.forward(hidden);
        if (lastItem is not null)
        {
            user = user + lastItem;
        }

        return config.Temperature > 0 ? nn.functional.normalize(user, dim: -1) / config.Temperature : user;
    }
}
