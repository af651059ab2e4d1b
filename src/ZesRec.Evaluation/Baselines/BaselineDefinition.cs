using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Rankers;

namespace ZesRec.Evaluation.Baselines;

/// <summary>One entry of <see cref="BaselineRegistry"/>: a ranker built from the target alone, or a trained oracle.</summary>
/// <param name="Name">Lower-case name in <c>--baselines</c> and <c>--oracle-settings</c>.</param>
/// <param name="DisplayName">Method name in the console, report.md and results.csv.</param>
/// <param name="Help">What it is, one line for help texts.</param>
public sealed record BaselineDefinition(string Name, string DisplayName, string Help)
{
    /// <summary>Builds the ranker of a baseline that needs no training; null for an oracle.</summary>
    public Func<BaselineInputs, IRanker>? Create { get; init; }

    /// <summary>The user encoder and features of an in-domain oracle; null for a ranker built by <see cref="Create"/>.</summary>
    public OracleSpec? Oracle { get; init; }

    /// <summary>Evaluated when <c>--baselines</c> is not given.</summary>
    public bool IsDefault { get; init; }
}
