using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZesRec.Model.Users;

/// <summary>
/// HRNN: a session-level GRU over items and a user-level GRU over sessions. A gap longer than
/// <c>sessionGap</c> closes the session: its last hidden state updates the user GRU, which initialises the next
/// session. State row: [session hidden D | user hidden D | last time | started].
/// </summary>
public sealed class HrnnEncoder : UserEncoder
{
    private readonly GRUCell session;
    private readonly GRUCell user;
    private readonly Linear sessionInit;
    private readonly int dim;
    private readonly float sessionGap;

    public HrnnEncoder(int dim, long sessionGap)
        : base(nameof(HrnnEncoder))
    {
        this.dim = dim;
        this.sessionGap = sessionGap;
        session = nn.GRUCell(dim, dim);
        user = nn.GRUCell(dim, dim);
        sessionInit = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override int StateSize => (2 * dim) + 2;

    public override Tensor Step(Tensor item, Tensor time, Tensor state)
    {
        var sessionHidden = state[.., ..dim];
        var userHidden = state[.., dim..(2 * dim)];
        var lastTime = state[.., 2 * dim];
        var started = state[.., (2 * dim) + 1];
        var time32 = time.to_type(ScalarType.Float32);

        var boundary = (started > 0.5f).logical_and(time32 - lastTime > sessionGap).unsqueeze(1);
        var nextUser = where(boundary, user.forward(sessionHidden, userHidden), userHidden);
        var sessionStart = where(boundary, tanh(sessionInit.forward(nextUser)), sessionHidden);
        var nextSession = session.forward(item, sessionStart);
        return cat([nextSession, nextUser, time32.unsqueeze(1), ones_like(started).unsqueeze(1)], 1);
    }

    public override Tensor UserVector(Tensor state) => state[.., ..dim];
}
