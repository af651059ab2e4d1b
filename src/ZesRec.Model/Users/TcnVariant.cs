namespace ZesRec.Model.Users;

/// <summary>TCN's registry entry and defaults (the paper's: kernel 3, dilations 1, 2, 4).</summary>
public static class TcnVariant
{
    public const int DefaultKernel = 3;

    public static IReadOnlyList<int> DefaultDilations { get; } = [1, 2, 4];

    /// <summary>How many of the last inputs a TCN's output and streaming state depend on.</summary>
    public static int ReceptiveField(int kernel, IReadOnlyList<int> dilations) => 1 + ((kernel - 1) * dilations.Sum());

    public static UserEncoderDefinition Definition { get; } = new(
        "tcn",
        "TCN",
        "residual blocks of causal dilated convolutions over the last items",
        config => new TcnEncoder(config.Dim, config.TcnKernel, config.TcnDilations));
}
