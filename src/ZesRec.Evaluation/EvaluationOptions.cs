using ZesRec.Evaluation.Baselines;

namespace ZesRec.Evaluation;

/// <summary>What <c>zesrec evaluate</c> needs; see docs/evaluation.md for the protocol.</summary>
public sealed record EvaluationOptions
{
    /// <summary>ZESRec model folders; several folders of one variant are several seeds of it.</summary>
    public IReadOnlyList<string> ModelDirs { get; init; } = [];

    public required string TargetDir { get; init; }

    /// <summary>The source dataset the models were trained on: enables the overlap guard and the case study.</summary>
    public string? SourceDir { get; init; }

    public required string OutDir { get; init; }

    /// <summary>Names in <see cref="BaselineRegistry"/>.</summary>
    public IReadOnlyList<string> Baselines { get; init; } = BaselineRegistry.DefaultNames;

    /// <summary>Runs of every seeded baseline (seeds 1..N): random scores, tie-breaks, oracle initialisation.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The first seed of those runs (seeds FirstSeed..FirstSeed+Seeds-1), to add seeds to an earlier call.</summary>
    public int FirstSeed { get; init; } = 1;

    public bool ExcludeSeen { get; init; }

    public bool AllPositions { get; init; }

    /// <summary>Oracles pick D in {128, 300} and lr in {0.01, 0.1, 1} by validation loss instead of D=300, lr=0.1.</summary>
    public bool Grid { get; init; }

    /// <summary>Fixed D and lr per oracle name (see <see cref="Oracles.OracleSettings"/>); these skip the grid.</summary>
    public IReadOnlyDictionary<string, (int Dim, double LearningRate)> OracleSettings { get; init; } = new Dictionary<string, (int, double)>();

    /// <summary>Target training interaction budgets of the incremental-training experiment; empty skips it.</summary>
    public IReadOnlyList<long> IncrementalSizes { get; init; } = [];

    public int MaxEpochs { get; init; } = 20;

    /// <summary>Target users in the case study (needs <see cref="SourceDir"/>).</summary>
    public int CaseStudyUsers { get; init; } = 5;

    /// <summary>Compare user ids in the overlap check; off when both sides use dataset-local integer ids.</summary>
    public bool CompareUsers { get; init; } = true;

    public string Encoder { get; init; } = "minilm";

    public string? CacheDir { get; init; } = Path.Combine(".local", "cache", "text");

    public string Device { get; init; } = "cpu";
}
