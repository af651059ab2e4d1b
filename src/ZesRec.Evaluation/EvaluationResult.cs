using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Reporting;

namespace ZesRec.Evaluation;

/// <summary>Everything an evaluation produced and decided, as written to its output folder.</summary>
public sealed record EvaluationResult(
    IReadOnlyList<ResultRow> Rows,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Checks,
    string? CaseStudy,
    IReadOnlyList<string> Plots,
    string TargetName,
    int TargetItems,
    int TargetUsers,
    double Seconds)
{
    /// <summary>Every protocol asked for, in the order evaluated.</summary>
    public IReadOnlyList<EvaluationProtocol> Protocols { get; init; } = [];

    /// <summary>Every oracle training: settings, how they were chosen, best epoch, validation loss.</summary>
    public IReadOnlyList<OracleRun> OracleRuns { get; init; } = [];

    /// <summary>The overlap guard's counts; null without <c>--source</c>.</summary>
    public OverlapCounts? Overlap { get; init; }
}
