namespace ZesRec.Model;

/// <summary>Hyper-parameters of a ZESRec model and its training; defaults are the paper's.</summary>
public sealed record ZesRecConfig
{
    public UserEncoderVariant Variant { get; init; } = UserEncoderVariant.Gru4Rec;

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
    public long SessionGap { get; init; } = 86_400;

    /// <summary>0: softmax over every source item (the paper). Otherwise the number of sampled negatives.</summary>
    public int SampledNegatives { get; init; }

    public int TcnKernel { get; init; } = 3;

    public IReadOnlyList<int> TcnDilations { get; init; } = [1, 2, 4];

    public long Seed { get; init; } = 42;
}
