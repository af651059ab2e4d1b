using TorchSharp;
using TorchSharp.Modules;
using ZesRec.Model.Users;
using static TorchSharp.torch;

namespace ZesRec.Model;

/// <summary>
/// ZESRec: item vector = one linear layer over a frozen text embedding (plus a learned per-item offset during
/// training only), user vector = a sequential model over the user's item vectors started by a dummy item,
/// score = inner product. Field names are checkpoint keys: do not rename them.
/// </summary>
public sealed class ZesRecModel : nn.Module
{
    private readonly Linear itemLayer;
    private readonly Parameter dummy;
    private readonly Parameter offsets;
    private readonly UserEncoder users;
    private readonly ZesRecConfig config;

    public ZesRecModel(ZesRecConfig config, int textDim, int sourceItems)
        : base(nameof(ZesRecModel))
    {
        this.config = config;
        itemLayer = nn.Linear(textDim, config.Dim);
        dummy = new Parameter(randn(config.Dim) * 0.01f);
        offsets = new Parameter(zeros(Math.Max(sourceItems, 1), config.Dim));
        users = config.Variant switch
        {
            UserEncoderVariant.Gru4Rec => new Gru4RecEncoder(config.Dim),
            UserEncoderVariant.Tcn => new TcnEncoder(config.Dim, config.TcnKernel, config.TcnDilations),
            UserEncoderVariant.Hrnn => new HrnnEncoder(config.Dim, config.SessionGap),
            _ => throw new ArgumentOutOfRangeException(nameof(config)),
        };
        RegisterComponents();
    }

    public ZesRecConfig Config => config;

    public int StateSize => users.StateSize;

    /// <summary>Item vectors as served: text embedding through the item layer, offsets dropped.</summary>
    public Tensor ItemVectors(Tensor textEmbeddings) => itemLayer.forward(textEmbeddings);

    /// <summary>Item vectors of the training catalogue, offsets included.</summary>
    public Tensor TrainingItemVectors(Tensor textEmbeddings) => itemLayer.forward(textEmbeddings) + offsets;

    /// <summary>0.5 * lambda_v * ||offsets||^2: the Gaussian prior's negative log density.</summary>
    public Tensor OffsetPenalty() => offsets.pow(2).sum() * (0.5 * config.LambdaV);

    /// <summary>User vectors after each input; see <see cref="UserEncoder.Sequence"/>.</summary>
    public Tensor UserSequence(Tensor inputs, Tensor times, Tensor mask) =>
        users.Sequence(nn.functional.dropout(inputs, config.Dropout, training), times, mask);

    /// <summary>The dummy start item, broadcast to <paramref name="batch"/> rows.</summary>
    public Tensor DummyItem(long batch) => dummy.unsqueeze(0).expand(batch, -1);

    /// <summary>State of new users: the dummy item already consumed, so they get recommendations at once.</summary>
    public Tensor StartState(Tensor time)
    {
        var batch = time.shape[0];
        return users.Step(DummyItem(batch), time, users.EmptyState(batch, time.device));
    }

    public Tensor Step(Tensor item, Tensor time, Tensor state) => users.Step(item, time, state);

    public Tensor UserVector(Tensor state) => users.UserVector(state);

    /// <summary>Inner-product scores [users, items].</summary>
    public Tensor Scores(Tensor userVectors, Tensor itemVectors) => userVectors.matmul(itemVectors.t());

    /// <summary>Inner-product scores [users, items] written into <paramref name="output"/> (which is returned).</summary>
    public Tensor Scores(Tensor userVectors, Tensor itemVectors, Tensor output) => output.addmm_(userVectors, itemVectors.t(), beta: 0, alpha: 1);
}
