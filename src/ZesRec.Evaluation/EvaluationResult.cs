namespace ZesRec.Evaluation;

/// <summary>Everything an evaluation produced, as written to its output folder.</summary>
public sealed record EvaluationResult(
    IReadOnlyList<ResultRow> Rows,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Checks,
    string? CaseStudy,
    IReadOnlyList<string> Plots,
    string TargetName,
    int TargetItems,
    int TargetUsers,
    double Seconds);
