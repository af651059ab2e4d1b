namespace ZesRec.Model;

/// <summary>
/// Hyper-parameters of a ZESRec model and its training. The property defaults are the paper's, so a model card
/// written before a field existed loads as the model it was; <see cref="ZesRecPresets"/> names the configurations
/// that <c>zesrec train</c> offers.
/// </summary>
public sealed record ZesRecConfig
{
    public UserEncoderVariant Variant { get; init; } = Users.Gru4RecVariant.Definition.Variant;

    /// <summary>Dimension D of item and user vectors.</summary>
    public int Dim { get; init; } = 300;

    public double Dropout { get; init; } = 0.2;

    /// <summary>Precision lambda_v of the Gaussian prior on item offsets (the L2 penalty).</summary>
    public double LambdaV { get; init; } = 100;

    public double LearningRate { get; init; } = 0.1;

    /// <summary>
    /// Adagrad's starting accumulator. With 0 (PyTorch's default) the first step moves every weight by the full
    /// learning rate whatever its gradient, which at lr 0.1 throws the item layer's 384 x D weights far out and the
    /// loss explodes; 0.1 (TensorFlow's default) scales the first steps by the gradient instead.
    /// </summary>
    public double AdagradInitialAccumulator { get; init; } = 0.1;

    public int MaxEpochs { get; init; } = 20;

    /// <summary>Epochs without a better validation loss before training stops.</summary>
    public int Patience { get; init; } = 3;

    public int BatchSize { get; init; } = 128;

    /// <summary>Only the most recent items of a sequence are used (the user state stays bounded).</summary>
    public int MaxLength { get; init; } = 50;

    /// <summary>HRNN: a gap longer than this starts a new session. Order-only data has position gaps of 1.</summary>
    public long SessionGap { get; init; } = Users.HrnnVariant.DefaultSessionGap;

    /// <summary>0: softmax over every source item (the paper). Otherwise the number of sampled negatives.</summary>
    public int SampledNegatives { get; init; }

    public int TcnKernel { get; init; } = Users.TcnVariant.DefaultKernel;

    public IReadOnlyList<int> TcnDilations { get; init; } = Users.TcnVariant.DefaultDilations;

    /// <summary>L2-normalise each text embedding before the item layer.</summary>
    public bool NormalizeText { get; init; }

    /// <summary>A linear layer from the user encoder's output to item space (the GRU's state is tanh-bounded).</summary>
    public bool UserHead { get; init; }

    /// <summary>Add the last consumed item vector to the user vector (a skip connection, as the TCN's residual has).</summary>
    public bool SkipLastItem { get; init; }

    /// <summary>
    /// 0: score = inner product (the paper). Otherwise score = cosine(user, item) / Temperature: item vectors and
    /// user vectors are L2-normalised, user vectors divided by the temperature, so serving stays an inner product.
    /// </summary>
    public double Temperature { get; init; }

    public long Seed { get; init; } = 42;
}
