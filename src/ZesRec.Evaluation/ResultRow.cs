using ZesRec.Evaluation.Metrics;

namespace ZesRec.Evaluation;

/// <summary>One method, one run (seed or model), one protocol: the unit every table and the CSV are made of.</summary>
public sealed record ResultRow(
    string Experiment,
    string Method,
    string Run,
    string Protocol,
    long TrainInteractions,
    MetricSet Metrics,
    double Seconds);
